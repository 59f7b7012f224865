import TraceParse

/// Verdicts from sampled call chains, stack snapshots and /proc/PID/stat counters, which show
/// states at instants rather than a sequence of retries: weaker evidence, said so in caveats.
extension FaultLoopDetector {
  func applySamples(_ t: TrackedThread, _ v: inout ThreadVerdict) {
    guard t.faultSamples > 0 else { return }
    let symbols = tracker.symbols
    let share = Double(t.faultSamples) / Double(t.samples)
    var cpuShare: Double?
    var periodShare: Double?
    if tracker.timedSamples, let a = tracker.firstSample, let b = tracker.lastSample, b > a {
      periodShare = min(1, Double(t.samplePeriodSum) / (Double(b) - Double(a)))
      cpuShare = periodShare
    }
    // A clock event recorded system-wide (`-a`, CPU column present) samples every CPU at the same
    // rate, idle included: the thread's share of one CPU's samples is its CPU share, whatever the
    // real sampling rate was (a guest without high-resolution timers samples every tick, not at -F).
    var sampleShare: Double?
    if tracker.timedSamples, tracker.samplesPerCPU.count > 0, tracker.totalSamples > 0 {
      let perCPU = Double(tracker.totalSamples) / Double(tracker.samplesPerCPU.count)
      sampleShare = min(1, Double(t.samples) / perCPU)
      cpuShare = sampleShare
    }
    v.cpuSharePercent = cpuShare.map { $0 * 100 }
    if v.loopStack.isEmpty { v.loopStack = t.sampleStack.map { symbols.name($0) } }
    v.evidence.append(
      .faultSamples(
        inFaultPath: t.faultSamples, total: t.samples, inRetryFunction: t.retrySamples,
        lines: LineRange(t.firstFaultSampleLine, t.lastFaultSampleLine)))
    if let a = t.firstFaultSample, let b = t.lastFaultSample, b > a {
      v.evidence.append(.faultSampleRate(samples: t.faultSamples, spanNs: b.subtractingSaturated(a)))
    }
    if let c = sampleShare {
      v.evidence.append(
        .cpuShareFromSampleCounts(
          cpuSharePercent: c * 100, samples: t.samples, allSamples: tracker.totalSamples,
          cpus: tracker.samplesPerCPU.count))
    }
    if let c = periodShare { v.evidence.append(.cpuShareFromPeriods(cpuSharePercent: c * 100)) }
    guard v.episodes.isEmpty else { return }  // a trace of the same thread decides; samples only add
    if t.faultSamples < thresholds.minFaultSamples {
      v.verdict = .inconclusive
      v.caveats.append(.tooFewFaultSamples(samples: t.faultSamples, needed: thresholds.minFaultSamples))
    } else if share < thresholds.minFaultSampleShare {
      v.verdict = .inconclusive
      v.caveats.append(
        .lowFaultSampleShare(faultSharePercent: share * 100, neededPercent: thresholds.minFaultSampleShare * 100))
    } else if t.retrySamples == 0 {
      v.verdict = .inconclusive
      v.caveats.append(.noSampleInRetryFunction)
    } else if let c = cpuShare, c < thresholds.minBusyShare {
      v.verdict = .inconclusive
      v.caveats.append(.notBusy(cpuSharePercent: c * 100))
    } else if cpuShare != nil {
      v.verdict = .spinning
      v.caveats.append(.sampledEvidence)
    } else {
      v.verdict = .inconclusive
      v.caveats.append(.noCPUShareFromSamples)
    }
  }

  func applySnapshots(_ t: TrackedThread, _ v: inout ThreadVerdict) {
    let symbols = tracker.symbols
    let faultShots = t.snapshots.filter(\.inFault)
    if v.loopStack.isEmpty, let s = faultShots.first { v.loopStack = s.frames.reversed().map { symbols.name($0) } }
    for s in faultShots.prefix(3) { v.evidence.append(.sighting(sighting: sighting(s, frames: 4))) }
    var busy: Double?
    let timed = t.cpuTimes.filter { $0.timestamp != nil }
    if let a = timed.first, let b = timed.last, b.timestamp! > a.timestamp! {
      let span = b.timestamp!.subtractingSaturated(a.timestamp!)
      let share = (Double(b.ticks) - Double(a.ticks)) / 100 / (Double(span) / 1e9)
      busy = share
      var states: [TaskState] = []
      for c in t.cpuTimes where !states.contains(c.state) { states.append(c.state) }
      v.evidence.append(
        .procStat(
          fromTicks: a.ticks, toTicks: b.ticks, spanNs: span, cpuSharePercent: share * 100,
          states: states.sorted { $0.rawValue < $1.rawValue }, lines: LineRange(a.line, b.line)))
      if v.cpuSharePercent == nil { v.cpuSharePercent = share * 100 }
    }
    guard v.episodes.isEmpty, t.faultSamples == 0 else { return }
    if faultShots.contains(where: { $0.source == .lockup }) {
      v.verdict = .spinning
      v.caveats.append(.lockupReport)
      return
    }
    let pasted = faultShots.filter { $0.source == .perfReport }
    if !pasted.isEmpty {
      let claims = tracker.claims[t.tid] ?? []
      for c in claims {
        switch c {
        case .cpuUsage(let percent): v.evidence.append(.claimedCPUUsage(percent: percent))
        }
      }
      v.caveats.append(.pastedStacks(count: pasted.count, withClaimedCPUUsage: !claims.isEmpty))
    }
    if PseudoTid.isPseudo(t.tid) { v.caveats.append(.placeholderTid(tid: t.tid)) }
    let running = faultShots.filter {
      $0.source == .runningBacktrace || $0.source == .perfReport || $0.state == .running
    }
    let sleeping = faultShots.filter { $0.state == .sleeping || $0.state == .uninterruptible }
    if let busy, busy >= thresholds.minBusyShare, faultShots.count >= 2, sleeping.isEmpty {
      // Burns a CPU, and whenever its stack could be read it was in the fault path.
      v.verdict = .spinning
      v.caveats.append(.procEvidence(inFaultPath: faultShots.count, snapshots: t.snapshots.count))
    } else if busy == nil, running.count >= 3, sleeping.isEmpty {
      // Caught on-CPU in the fault path again and again, never asleep in it.
      v.verdict = .spinning
      v.caveats.append(.snapshotEvidence(onCPUInFaultPath: running.count))
    } else if let busy, busy >= thresholds.minBusyShare {
      v.verdict = .inconclusive
      v.caveats.append(.burnsCPUStackNotShown)
    } else if !running.isEmpty {
      v.verdict = .inconclusive
      v.caveats.append(.caughtOnCPU(snapshots: running.count))
    } else if !sleeping.isEmpty && (busy ?? 0) < 0.2 {
      v.verdict = .sleeping
      v.evidence.append(.blockedInFaultSnapshots(count: sleeping.count, snapshots: t.snapshots.count))
    } else if let busy, busy < 0.2, v.isWorker, faultShots.isEmpty {
      v.verdict = .notInFault
    }
  }
}
