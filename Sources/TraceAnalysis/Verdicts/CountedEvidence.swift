import TraceParse

/// One measured fact from histogram counts (hist triggers): values only, worded by TraceReport.
public enum CountedFact: Sendable, Codable, Equatable {
  /// SPINNING: retries over consecutive read intervals in none of which the thread switched out in
  /// S/D, and the lines of the readings.
  case retriesWithoutSleep(retries: Int64, intervals: Int, lines: LineRange)
  /// SPINNING: the retries of the timed intervals of that stretch over their span.
  case retryRate(retries: Int64, spanNs: Int64)
  /// Switch-outs while runnable (R, R+: preemptions, not sleeps) during those intervals.
  case preemptedOnly(preemptions: Int64)
  /// The stretch of retries lasted until the last reading.
  case untilLastReading
  /// SLEEPING: retries in intervals in which the thread also switched out in S/D.
  case retriesWithSleeps(retries: Int64, sleeps: Int64, intervals: Int, spanNs: Int64?)
  /// RESOLVED: the thread exited (its last switch-out in X/Z) after `retries` retries.
  case exitedAfterRetries(retries: Int64, line: Int)
  /// RESOLVED: no retry in the last `quietIntervals` intervals, after `retries` that never slept.
  case retriesStopped(retries: Int64, quietIntervals: Int)
  /// Every retry of the thread in the file, over how many readings of the hits histogram.
  case countedRetries(retries: Int64, readings: Int)
}

/// Verdicts from tracefs histograms: a kprobe on the retry function counted per thread, and
/// sched_switch switch-outs counted per thread and state, read at intervals. The counts are
/// lossless (no ring buffer) but have no order inside an interval, so the rule is over intervals:
///
/// - SPINNING: at least ``Thresholds/minCountedIntervals`` consecutive intervals in each of which
///   the thread retried and never switched out in S or D (preemptions in R do not count), with at
///   least ``Thresholds/minRetries`` retries in them (of several such stretches, the one with the
///   most retries is the evidence);
/// - RESOLVED: it exited (a switch-out in X/Z);
/// - INCONCLUSIVE: at least ``Thresholds/minRetries`` retries without a sleep up to the last reading,
///   but over too few intervals;
/// - SLEEPING: it retried in intervals in which it also switched out in S/D (a few quick retries at
///   the end after that, as a reading taken between a retry and its sleep shows, do not change it);
/// - RESOLVED: its retries stopped without it ever sleeping;
/// - INCONCLUSIVE otherwise, and without a switch-out histogram or when the switch-out table dropped
///   entries during the stretch.
extension FaultLoopDetector {
  /// One read interval of one thread: the differences between two consecutive readings.
  struct CountedInterval {
    var retries: Int64
    /// nil when no switch-out histogram was read for this interval.
    var switches: SwitchDelta?
    var startNs: Int64?
    var endNs: Int64?
    var line: Int
  }

  /// What the switch-out histogram counted of one thread in one interval.
  struct SwitchDelta {
    /// Switch-outs in S or D.
    var sleeps: Int64
    /// Switch-outs while runnable (R, R+).
    var preemptions: Int64
    /// Switch-outs in X (exit).
    var exits: Int64
    /// The histogram dropped entries (its table was full) in the interval.
    var dropped: Bool
  }

  /// Adds a verdict for every thread the hits histograms count.
  func addCountedVerdicts(_ verdicts: inout [ThreadVerdict]) {
    let c = tracker.counted
    guard !c.hits.isEmpty else { return }
    var tids = Set<Int32>()
    for r in c.hits { for (tid, n) in r.hits where n > 0 { tids.insert(tid) } }
    for tid in tids.sorted() {
      let comm = c.comms[tid].map { tracker.symbols.name($0) } ?? "?"
      let isWorker = tracker.roles.isWorker(comm)
      var v = ThreadVerdict(
        tid: tid, comm: comm, tgid: nil, ownerTid: Self.ownerTid(comm), isWorker: isWorker, verdict: .inconclusive,
        episodes: [], evidence: [], caveats: [], loopStack: [], retriesPerSecond: nil, cpuSharePercent: nil,
        scheduleReturnedAtOnce: nil)
      if c.probedFunction != .none { v.loopStack = [tracker.symbols.name(c.probedFunction)] }
      decideFromCounts(intervals(tid), &v)
      if c.unnamedHits > 0 { v.caveats.append(.countedFunctionUnnamed) }
      if c.overflow > 0 { v.caveats.append(.countsNotKept(count: c.overflow)) }
      verdicts.removeAll { $0.tid == tid }
      verdicts.append(v)
    }
  }

  /// The thread's intervals: the first from the setting of the trigger to the first reading.
  func intervals(_ tid: Int32) -> [CountedInterval] {
    let c = tracker.counted
    func delta(_ now: Int64, _ before: Int64) -> Int64 { now >= before ? now - before : now }  // a reset trigger
    var out: [CountedInterval] = []
    for (i, r) in c.hits.enumerated() {
      var iv = CountedInterval(
        retries: delta(r.hits[tid] ?? 0, i > 0 ? c.hits[i - 1].hits[tid] ?? 0 : 0),
        startNs: i > 0 ? c.hits[i - 1].timestamp : nil, endNs: r.timestamp, line: r.line)
      if i < c.switches.count {
        let s = c.switches[i]
        let p = i > 0 ? c.switches[i - 1] : nil
        iv.switches = SwitchDelta(
          sleeps: delta(s.sleeps[tid] ?? 0, p?.sleeps[tid] ?? 0),
          preemptions: delta(s.preemptions[tid] ?? 0, p?.preemptions[tid] ?? 0),
          exits: delta(s.exits[tid] ?? 0, p?.exits[tid] ?? 0), dropped: s.dropped > (p?.dropped ?? 0))
      }
      out.append(iv)
    }
    return out
  }

  /// The counted rule (see the extension's comment) over one thread's intervals.
  func decideFromCounts(_ ivs: [CountedInterval], _ v: inout ThreadVerdict) {
    let total = ivs.reduce(Int64(0)) { $0.addingSaturated($1.retries) }
    v.caveats.append(.countedEvidence)
    guard ivs.contains(where: { $0.switches != nil }) else {
      v.evidence.append(.counted(fact: .countedRetries(retries: total, readings: ivs.count)))
      v.caveats.append(.noSwitchOutCounts)
      return
    }
    // Stretches of intervals that retried without sleeping or exiting.
    var stretches: [Range<Int>] = []
    var start: Int?
    for (i, iv) in ivs.enumerated() {
      if iv.retries > 0, let s = iv.switches, s.sleeps == 0, s.exits == 0 {
        if start == nil { start = i }
      } else if let s = start {
        stretches.append(s..<i)
        start = nil
      }
    }
    if let s = start { stretches.append(s..<ivs.count) }
    let ongoing = stretches.last.flatMap { $0.upperBound == ivs.count ? $0 : nil }
    let loops = stretches.filter {
      $0.count >= thresholds.minCountedIntervals && retries(ivs[$0]) >= Int64(thresholds.minRetries)
    }
    // An interval without its switch-out reading counts neither an exit nor a sleep.
    let exited = ivs.lastIndex { ($0.switches?.exits ?? 0) > 0 }
    let sleptIn = ivs.filter { $0.retries > 0 && ($0.switches?.sleeps ?? 0) > 0 }
    if let b = mostRetries(loops, ivs) {
      let stretch = ivs[b]
      let n = retries(stretch)
      // The rate is over the timed intervals only: the first one of a file runs from the (unknown)
      // moment the trigger was set.
      let timed = stretch.drop { $0.startNs == nil }
      let span: Int64? = timed.first.flatMap { f in
        f.startNs.flatMap { s in timed.last!.endNs.map { max(0, $0.subtractingSaturated(s)) } }
      }
      if stretch.compactMap(\.switches).contains(where: \.dropped) {
        v.verdict = .inconclusive
        v.caveats.append(.switchOutsDropped)
      } else {
        v.verdict = .spinning
      }
      v.evidence.append(
        .counted(
          fact: .retriesWithoutSleep(
            retries: n, intervals: stretch.count, lines: LineRange(stretch.first!.line, stretch.last!.line))))
      let preempted = stretch.compactMap(\.switches).reduce(Int64(0)) { $0.addingSaturated($1.preemptions) }
      if preempted > 0 { v.evidence.append(.counted(fact: .preemptedOnly(preemptions: preempted))) }
      if b.upperBound == ivs.count { v.evidence.append(.counted(fact: .untilLastReading)) }
      if let span, span > 0 {
        v.evidence.append(.counted(fact: .retryRate(retries: retries(timed), spanNs: span)))
        v.retriesPerSecond = Double(retries(timed)) / (Double(span) / 1e9)
      }
    } else if let e = exited {
      v.verdict = .resolved
      v.evidence.append(.counted(fact: .exitedAfterRetries(retries: total, line: ivs[e].line)))
    } else if let r = ongoing, retries(ivs[r]) >= Int64(thresholds.minRetries) {
      // Many retries without a sleep up to the last reading, over too few intervals to call it a loop.
      v.verdict = .inconclusive
      v.caveats.append(
        .tooFewCountedIntervals(
          intervals: r.count, needed: thresholds.minCountedIntervals, retries: retries(ivs[r]),
          neededRetries: thresholds.minRetries))
    } else if !sleptIn.isEmpty {
      v.verdict = .sleeping
      let spans = sleptIn.compactMap { iv in
        iv.startNs.flatMap { s in iv.endNs.map { max(0, $0.subtractingSaturated(s)) } }
      }
      v.evidence.append(
        .counted(
          fact: .retriesWithSleeps(
            retries: retries(sleptIn[...]),
            sleeps: sleptIn.compactMap(\.switches).reduce(Int64(0)) { $0.addingSaturated($1.sleeps) },
            intervals: sleptIn.count, spanNs: spans.count == sleptIn.count ? spans.reduce(0, +) : nil)))
    } else if let last = ivs.lastIndex(where: { $0.retries > 0 }), last < ivs.count - 1 {
      v.verdict = .resolved
      v.evidence.append(.counted(fact: .retriesStopped(retries: total, quietIntervals: ivs.count - 1 - last)))
    } else {
      v.verdict = .inconclusive
      let r = ongoing ?? mostRetries(stretches, ivs)
      v.caveats.append(
        .tooFewCountedIntervals(
          intervals: r?.count ?? 0, needed: thresholds.minCountedIntervals, retries: r.map { retries(ivs[$0]) } ?? 0,
          neededRetries: thresholds.minRetries))
    }
    v.evidence.append(.counted(fact: .countedRetries(retries: total, readings: ivs.count)))
  }

  /// Of `stretches`, the one with the most retries; of equal ones the later, which tells how long
  /// the thread went on retrying.
  private func mostRetries(_ stretches: [Range<Int>], _ ivs: [CountedInterval]) -> Range<Int>? {
    var most: Range<Int>?
    for r in stretches where most == nil || retries(ivs[r]) >= retries(ivs[most!]) { most = r }
    return most
  }

  private func retries(_ s: ArraySlice<CountedInterval>) -> Int64 {
    s.reduce(Int64(0)) { $0.addingSaturated($1.retries) }
  }
}
