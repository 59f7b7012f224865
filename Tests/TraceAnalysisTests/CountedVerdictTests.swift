import Foundation
import Testing
import TraceParse

@testable import TraceAnalysis

/// Named edits of real `hist.txt` files saved by `capture --method hist`: readings (each after its
/// `# iou-analyze hist:` line) alternate between the retry kprobe's histogram and sched_switch's.
enum HistEdits {
  /// The readings, each with its marker line first.
  static func readings(_ lines: [String]) -> [[String]] {
    var out: [[String]] = []
    for l in lines {
      if l.hasPrefix("# iou-analyze hist:") { out.append([]) }
      if !out.isEmpty { out[out.count - 1].append(l) }
    }
    return out
  }

  static func isSwitchReading(_ r: [String]) -> Bool { r[0].contains("event=sched/sched_switch") }

  /// What a reading says of `tid`, read from its text: the hits of a retry reading, or the
  /// switch-outs in `states` (prev_state values) of a sched_switch reading; 0 when it has no entry.
  static func count(_ r: [String], tid: Int32, states: [Int] = []) -> Int64 {
    r.reduce(Int64(0)) { sum, l in
      let fields = l.split(whereSeparator: { " {}[],:".contains($0) })
      let matches =
        isSwitchReading(r)
        ? fields.count >= 6 && fields[0] == "prev_pid" && fields[1] == "\(tid)"
          && states.contains { fields[3] == "\($0)" }
        : fields.count >= 5 && fields[0] == "common_pid" && fields[fields.count - 3] == "\(tid)"
      return matches ? sum + Int64(fields.last!)! : sum
    }
  }

  /// A key value as the kernel's hist file prints it: right-aligned in 10 columns.
  static func field(_ value: some BinaryInteger) -> String {
    let s = String(value)
    return String(repeating: " ", count: max(0, 10 - s.count)) + s
  }

  /// The index (among the readings of each histogram) of the first retry reading that counts `tid`.
  static func firstCounted(_ lines: [String], tid: Int32) -> Int? {
    readings(lines).filter { !isSwitchReading($0) }.firstIndex { count($0, tid: tid) > 0 }
  }

  /// Rewrites the hits of `tid` in every retry reading after the first that counts it, so that the
  /// `k`-th interval after that one (k from 1) counts `retries(k)` retries.
  static func loopHits(_ lines: [String], tid: Int32, retries: (Int) -> Int64) -> [String] {
    guard let first = firstCounted(lines, tid: tid) else { return lines }
    var n = 0
    var total: Int64 = 0
    return readings(lines).flatMap { r -> [String] in
      guard !isSwitchReading(r) else { return r }
      defer { n += 1 }
      if n == first { total = count(r, tid: tid) }
      guard n > first else { return r }
      total += retries(n - first)
      return r.map { l in
        guard count([r[0], l], tid: tid) > 0, let at = l.range(of: " hitcount: ") else { return l }
        return l[..<at.upperBound] + field(total)
      }
    }
  }

  /// Adds an entry `{ prev_pid: tid, prev_state: state } hitcount: 1` to every sched_switch reading
  /// from the `from`-th one on (counts are cumulative, so a switch-out shows in every later reading).
  static func addSwitchOut(_ lines: [String], tid: Int32, state: Int, from: Int) -> [String] {
    var n = 0
    return readings(lines).flatMap { r -> [String] in
      guard isSwitchReading(r) else { return r }
      defer { n += 1 }
      guard n >= from, let at = r.firstIndex(where: { $0.hasPrefix("{ ") || $0.hasPrefix("Totals:") }) else { return r }
      var r = r
      r.insert(
        "{ prev_pid: \(field(tid)), prev_state: \(field(state)) } hitcount:          1",
        at: at)
      return r
    }
  }
}

@Suite struct CountedVerdictTests {
  static func dir(_ kernel: String, _ capture: String = "hist-armed") -> String {
    Fixtures.path("lab/live-capture/\(kernel)/overrun/\(capture)")
  }
  static func hist(_ kernel: String, _ capture: String = "hist-armed") -> String { dir(kernel, capture) + "/hist.txt" }

  static func worker(_ path: String, _ configure: (inout AnalysisOptions) -> Void = { _ in }) throws -> ThreadVerdict {
    let run = try analyze(path, configure)
    return try #require(run.files.flatMap(\.threads).first { $0.isWorker && $0.comm.hasPrefix("iou-wrk-") })
  }

  /// The deciding stretch of the vanilla capture: its intervals and retries.
  static func stretch(_ v: ThreadVerdict) -> (intervals: Int, retries: Int64)? {
    for e in v.evidence {
      if case .counted(.retriesWithoutSleep(let n, let k, _)) = e { return (k, n) }
    }
    return nil
  }

  @Test func theVanillaWorkerSpinsFromCountsAlone() throws {
    let v = try Self.worker(Self.hist("vanilla"))
    #expect(v.verdict == .spinning)
    #expect(v.caveats.contains(.countedEvidence))
    #expect((v.retriesPerSecond ?? 0) > 1000)
    #expect(v.loopStack == ["handle_userfault"])
    #expect(v.evidence.contains(.counted(fact: .untilLastReading)))
  }

  @Test func theLoopNeedsItsNumberOfIntervals() throws {
    let (k, _) = try #require(Self.stretch(try Self.worker(Self.hist("vanilla"))))
    #expect(try Self.worker(Self.hist("vanilla")) { $0.thresholds.minCountedIntervals = k }.verdict == .spinning)
    let short = try Self.worker(Self.hist("vanilla")) { $0.thresholds.minCountedIntervals = k + 1 }
    #expect(short.verdict == .inconclusive)
    #expect(short.caveats.contains { if case .tooFewCountedIntervals(k, k + 1, _, _) = $0 { true } else { false } })
  }

  @Test func tooFewIntervalsStillRetryingAtTheEndAreUndecidedFromTheMinimumRetries() throws {
    // The loop's stretch, one interval short of a loop: undecided while it has the minimum retries,
    // and one retry short of them what is left is the call that slept before the trigger.
    let (k, n) = try #require(Self.stretch(try Self.worker(Self.hist("vanilla"))))
    let at = try Self.worker(Self.hist("vanilla")) {
      $0.thresholds.minCountedIntervals = k + 1
      $0.thresholds.minRetries = Int(n)
    }
    #expect(at.verdict == .inconclusive)
    #expect(
      at.caveats.contains(.tooFewCountedIntervals(intervals: k, needed: k + 1, retries: n, neededRetries: Int(n))))
    let over = try Self.worker(Self.hist("vanilla")) {
      $0.thresholds.minCountedIntervals = k + 1
      $0.thresholds.minRetries = Int(n) + 1
    }
    #expect(over.verdict == .sleeping)
  }

  @Test func theLoopNeedsItsNumberOfRetries() throws {
    let (_, n) = try #require(Self.stretch(try Self.worker(Self.hist("vanilla"))))
    #expect(try Self.worker(Self.hist("vanilla")) { $0.thresholds.minRetries = Int(n) }.verdict == .spinning)
    // One retry short, what is left is the call that slept before the trigger.
    #expect(try Self.worker(Self.hist("vanilla")) { $0.thresholds.minRetries = Int(n) + 1 }.verdict == .sleeping)
  }

  @Test func oneSleepBetweenTwoReadingsBreaksTheLoopButAPreemptionDoesNot() throws {
    let v = try Self.worker(Self.hist("vanilla"))
    let (k, _) = try #require(Self.stretch(v))
    let lines = Fixtures.lines(Self.hist("vanilla"))
    let switchReadings = HistEdits.readings(lines).filter(HistEdits.isSwitchReading).count
    // Edit: one more switch-out of the worker, in the last reading: in S (1) it is a
    // sleep inside the stretch, in R+ (256, a preemption) it is not.
    let slept = HistEdits.addSwitchOut(lines, tid: v.tid, state: 1, from: switchReadings - 1)
    let s = try Self.worker(Fixtures.temporary(slept)) { $0.thresholds.minCountedIntervals = k }
    #expect(s.verdict == .sleeping)
    let preempted = HistEdits.addSwitchOut(lines, tid: v.tid, state: 256, from: switchReadings - 1)
    let p = try Self.worker(Fixtures.temporary(preempted)) { $0.thresholds.minCountedIntervals = k }
    #expect(p.verdict == .spinning)
    // The preemption is stated; the loop without it states none.
    let stated = { (v: ThreadVerdict) in
      v.evidence.compactMap { if case .counted(.preemptedOnly(let n)) = $0 { n } else { nil } }.reduce(0, +)
    }
    #expect(stated(p) == stated(v) + 1)
  }

  /// Edit: hist-armed with the worker's hits rewritten so that each of the 9 intervals of its loop
  /// counts `retries(k)`, and one switch-out in S added in the `sleptIn`-th of them.
  static func splitLoop(sleptIn: Int, retries: (Int) -> Int64) throws -> (lines: [String], firstCounted: Int) {
    let lines = Fixtures.lines(hist("vanilla"))
    let tid = try worker(hist("vanilla")).tid
    let first = try #require(HistEdits.firstCounted(lines, tid: tid))
    let even = HistEdits.loopHits(lines, tid: tid, retries: retries)
    return (HistEdits.addSwitchOut(even, tid: tid, state: 1, from: first + sleptIn), first)
  }

  @Test func ofTwoEqualLoopsTheLaterIsTheEvidence() throws {
    // 30,000 retries in each interval and a sleep in the 5th: two loops of 4 intervals and 120,000
    // retries, the later one until the last reading.
    let (lines, first) = try Self.splitLoop(sleptIn: 5) { _ in 30_000 }
    let v = try Self.worker(Fixtures.temporary(lines))
    #expect(v.verdict == .spinning)
    #expect(Self.stretch(v)! == (4, 120_000))
    #expect(v.evidence.contains(.counted(fact: .untilLastReading)))
    // Its first interval ends at the retry reading 6 intervals after the first that counts the worker
    // (the real loop's, at the 1st): it starts that many lines later.
    let markers = lines.indices.filter { lines[$0].hasPrefix("# iou-analyze hist: event=iou_analyze/") }
    let firstLine = { (v: ThreadVerdict) in
      v.evidence.lazy.compactMap { if case .counted(.retriesWithoutSleep(_, _, let l)) = $0 { l.first } else { nil } }
        .first
    }
    let real = try #require(firstLine(try Self.worker(Self.hist("vanilla"))))
    #expect(firstLine(v) == real + markers[first + 6] - markers[first + 1])
  }

  @Test func aShortBurstWithMoreRetriesDoesNotHideALoopOfEnoughIntervals() throws {
    // 200,000 retries in the 2nd interval, 30,000 in the others, a sleep in the 3rd: a burst of 2
    // intervals and 230,000 retries, then a loop of 6 intervals and 180,000 until the last reading.
    let (lines, _) = try Self.splitLoop(sleptIn: 3) { $0 == 2 ? 200_000 : 30_000 }
    let path = Fixtures.temporary(lines)
    let v = try Self.worker(path) { $0.thresholds.minCountedIntervals = 3 }
    #expect(v.verdict == .spinning)
    #expect(Self.stretch(v)! == (6, 180_000))
    // Asking for 7 intervals, neither is a loop: the one still going is too short.
    let short = try Self.worker(path) { $0.thresholds.minCountedIntervals = 7 }
    #expect(short.verdict == .inconclusive)
    #expect(
      short.caveats.contains(.tooFewCountedIntervals(intervals: 6, needed: 7, retries: 180_000, neededRetries: 10)))
  }

  @Test func aCountedLoopStatesItsOnePreemptionAndNoneWithout() throws {
    // Edit: hist-1 with the worker's switch-outs while runnable (prev_state 0 and 256) dropped from
    // every sched_switch reading: a loop never preempted; then one preemption (256) added to the last.
    let lines = Fixtures.lines(Self.hist("vanilla", "hist-1"))
    let tid = try Self.worker(Self.hist("vanilla", "hist-1")).tid
    let key = "{ prev_pid: \(String(repeating: " ", count: 10 - String(tid).count))\(tid), prev_state: "
    let never = lines.filter { l in
      guard l.hasPrefix(key) else { return true }
      let state = l.dropFirst(key.count).prefix { $0 != "}" }.trimmingCharacters(in: .whitespaces)
      return state != "0" && state != "256"
    }
    try #require(never.count < lines.count)
    let stated = { (v: ThreadVerdict) in
      v.evidence.compactMap { if case .counted(.preemptedOnly(let n)) = $0 { n } else { nil } }
    }
    let v0 = try Self.worker(Fixtures.temporary(never))
    #expect(v0.verdict == .spinning && stated(v0).isEmpty)
    let switchReadings = HistEdits.readings(never).filter(HistEdits.isSwitchReading).count
    let once = HistEdits.addSwitchOut(never, tid: tid, state: 256, from: switchReadings - 1)
    let v1 = try Self.worker(Fixtures.temporary(once))
    #expect(v1.verdict == .spinning && stated(v1) == [1])
  }

  @Test func aHitsHistogramThatDoesNotNameItsFunctionIsTakenAsTheRetryFunctionsAndSaysSo() throws {
    // Edit: ` probe=handle_userfault` removed from every `# iou-analyze hist:` line of hist-armed.
    let lines = Fixtures.lines(Self.hist("vanilla")).map {
      $0.replacingOccurrences(of: " probe=handle_userfault", with: "")
    }
    let v = try Self.worker(Fixtures.temporary(lines))
    #expect(v.verdict == .spinning && v.caveats.contains(.countedFunctionUnnamed))
    #expect(!(try Self.worker(Self.hist("vanilla"))).caveats.contains(.countedFunctionUnnamed))
    // Edit: only the last marker line without it: one unnamed reading is enough to say so.
    var one = Fixtures.lines(Self.hist("vanilla"))
    let last = try #require(one.lastIndex { $0.contains(" probe=handle_userfault") })
    one[last] = one[last].replacingOccurrences(of: " probe=handle_userfault", with: "")
    #expect(try Self.worker(Fixtures.temporary(one)).caveats.contains(.countedFunctionUnnamed))
  }

  @Test func readingsWhoseTimesGoBackwardsGiveNoRate() throws {
    // Edit: the last retry reading of hist-armed stamped uptime=1.000000, before every other reading.
    var lines = Fixtures.lines(Self.hist("vanilla"))
    let last = try #require(lines.lastIndex { $0.hasPrefix("# iou-analyze hist: event=iou_analyze/handle_userfault") })
    let at = try #require(lines[last].range(of: "uptime="))
    let end = lines[last][at.upperBound...].firstIndex(of: " ") ?? lines[last].endIndex
    lines[last].replaceSubrange(at.upperBound..<end, with: "1.000000")
    let v = try Self.worker(Fixtures.temporary(lines))
    #expect(v.verdict == .spinning)
    #expect(v.retriesPerSecond == nil)
    #expect(!v.evidence.contains { if case .counted(.retryRate) = $0 { true } else { false } })
    #expect(try Self.worker(Self.hist("vanilla")).retriesPerSecond != nil)
  }

  @Test func eachIntervalCountsTheRetriesSinceThePreviousReading() throws {
    let v = try Self.worker(Self.hist("vanilla"))
    // Edit: the first four readings of both histograms dropped, as if the trigger had been read only
    // from the time the worker had already retried 10,700 times (after its last sleep).
    let kept = Array(HistEdits.readings(Fixtures.lines(Self.hist("vanilla"))).dropFirst(8))
    let hits = kept.filter { !HistEdits.isSwitchReading($0) }.map { HistEdits.count($0, tid: v.tid) }
    try #require(hits.count > 2 && hits[0] > 0)
    let edited = try Self.worker(Fixtures.temporary(kept.flatMap { $0 }))
    // The first kept interval holds the earlier sleep (counts are cumulative); the loop is every
    // later interval, whose retries add up to the last count less the first.
    #expect(edited.verdict == .spinning)
    let (k, n) = try #require(Self.stretch(edited))
    #expect(k == hits.count - 1)
    #expect(n == hits[hits.count - 1] - hits[0])
    // All the kept intervals, the first from zero, count the last reading's hits.
    #expect(
      edited.evidence.contains(.counted(fact: .countedRetries(retries: hits[hits.count - 1], readings: hits.count))))
    // The rate is over the same intervals: from the first kept reading's uptime to the last one's.
    let uptimes = kept.filter { !HistEdits.isSwitchReading($0) }.compactMap { r in
      r[0].split(separator: " ").first { $0.hasPrefix("uptime=") }.flatMap { Double($0.dropFirst(7)) }
    }
    let span = Int64(((uptimes[uptimes.count - 1] - uptimes[0]) * 1e6).rounded()) * 1000
    #expect(edited.evidence.contains(.counted(fact: .retryRate(retries: n, spanNs: span))))
  }

  @Test func aSleepingWorkersRetriesAndSleepsAreTheLastReadingsCounts() throws {
    // The uffd-retry-sleep worker sleeps in S (1) or D (2) on every retry; both states are sleeps.
    let path = Self.hist("uffd-retry-sleep")
    let v = try Self.worker(path)
    #expect(v.verdict == .sleeping)
    let readings = HistEdits.readings(Fixtures.lines(path))
    let retries = HistEdits.count(try #require(readings.last { !HistEdits.isSwitchReading($0) }), tid: v.tid)
    let sleeps = HistEdits.count(
      try #require(readings.last(where: HistEdits.isSwitchReading)), tid: v.tid, states: [1, 2])
    try #require(retries > 0 && sleeps > 0)
    let slept = v.evidence.compactMap { e -> (Int64, Int64)? in
      if case .counted(.retriesWithSleeps(let n, let s, _, _)) = e { (n, s) } else { nil }
    }
    #expect(slept.count == 1 && slept.first! == (retries, sleeps))
    #expect(v.evidence.contains(.counted(fact: .countedRetries(retries: retries, readings: readings.count / 2))))
  }

  @Test func anIntervalWithoutItsSwitchOutReadingCountsNoSleepAndNoExit() throws {
    // Edit: the last sched_switch reading of the uffd-retry-sleep capture dropped, as if the capture
    // had ended between the reading of the two histograms.
    let readings = HistEdits.readings(Fixtures.lines(Self.hist("uffd-retry-sleep")))
    let last = try #require(readings.lastIndex(where: HistEdits.isSwitchReading))
    try #require(last == readings.count - 1)
    let kept = Array(readings.dropLast())
    let tid = try Self.worker(Self.hist("uffd-retry-sleep")).tid
    let v = try Self.worker(Fixtures.temporary(kept.flatMap { $0 }))
    #expect(v.verdict == .sleeping)
    // The sleeping intervals end with the last one that has both readings.
    let hits = kept.filter { !HistEdits.isSwitchReading($0) }
    let switches = kept.filter(HistEdits.isSwitchReading)
    let retries = HistEdits.count(hits[hits.count - 2], tid: tid)
    let sleeps = HistEdits.count(switches[switches.count - 1], tid: tid, states: [1, 2])
    #expect(HistEdits.count(hits[hits.count - 1], tid: tid) > retries)
    #expect(
      v.evidence.contains {
        if case .counted(.retriesWithSleeps(let n, let s, _, _)) = $0 {
          n == retries && s == sleeps
        } else {
          false
        }
      })
  }

  /// Edit: the vanilla hist-armed capture cut after its first `n` readings (the 7th is the first
  /// retry reading that counts the worker, with one hit; the 8th the sched_switch reading after it).
  static func firstReadings(_ n: Int) -> [[String]] {
    Array(HistEdits.readings(Fixtures.lines(hist("vanilla"))).prefix(n))
  }

  /// True when `v` is undecided for a stretch of `intervals` intervals and `retries` retries
  /// without a sleep, too few under the default thresholds.
  static func undecided(_ v: ThreadVerdict, intervals: Int, retries: Int64) -> Bool {
    let th = Thresholds()
    return v.verdict == .inconclusive
      && v.caveats.contains(
        .tooFewCountedIntervals(
          intervals: intervals, needed: th.minCountedIntervals, retries: retries, neededRetries: th.minRetries))
  }

  @Test func aThreadCountedOnceHasAVerdict() throws {
    // Edit: the capture cut after the fourth reading of each histogram, the first in which the
    // worker was counted, with one hit.
    let readings = Self.firstReadings(8)
    let v = try Self.worker(Fixtures.temporary(readings.flatMap { $0 }))
    #expect(HistEdits.count(readings[6], tid: v.tid) == 1)
    #expect(v.evidence.contains(.counted(fact: .countedRetries(retries: 1, readings: 4))))
  }

  @Test func aThreadCountedOnceWithoutASleepIsAStretchTooShortToDecide() throws {
    // Edit: as above (cut after the worker's first retry reading, one hit), and the worker's entries
    // dropped from every sched_switch reading (it slept in that interval): its one retry, without a
    // sleep, is a stretch of one interval.
    let readings = Self.firstReadings(8)
    let tid = try Self.worker(Fixtures.temporary(readings.flatMap { $0 })).tid
    let lines = readings.flatMap { r in
      HistEdits.isSwitchReading(r)
        ? r.filter { !$0.hasPrefix("{ prev_pid: \(HistEdits.field(tid)),") } : r
    }
    try #require(lines.count < readings.flatMap { $0 }.count)
    #expect(Self.undecided(try Self.worker(Fixtures.temporary(lines)), intervals: 1, retries: 1))
  }

  @Test func aThreadCountedOnlyWhereTheSwitchOutReadingIsMissingIsUndecided() throws {
    // Edit: as above, the capture cut after the worker's first retry reading, and the sched_switch
    // reading after it dropped too (a capture stopped between the two): the one interval in which
    // it retried has no switch-out counts, the three before it have no retries.
    let readings = Self.firstReadings(7)
    try #require(!HistEdits.isSwitchReading(readings[6]))
    #expect(Self.undecided(try Self.worker(Fixtures.temporary(readings.flatMap { $0 })), intervals: 0, retries: 0))
  }

  @Test func everyCountedThreadHasItsOwnVerdict() throws {
    // Edit: every retry-histogram entry of the vanilla worker (tid 191) followed by the same entry
    // for tid 192, as if a second worker of the task had retried alike (the many-workers scenario).
    let lines = Fixtures.lines(Self.hist("vanilla", "hist-1")).flatMap { l -> [String] in
      l.hasPrefix("{ common_pid: iou-wrk-190     [       191] }")
        ? [l, l.replacingOccurrences(of: "[       191]", with: "[       192]")] : [l]
    }
    let threads = try analyze(Fixtures.temporary(lines)).files[0].threads
    #expect(threads.map(\.tid) == [191, 192])
    #expect(threads.allSatisfy { $0.verdict == .spinning && $0.isWorker })
  }

  @Test func withoutTheSwitchOutHistogramSleepsAreUnknown() throws {
    // Edit: the sched_switch readings are dropped.
    let lines = HistEdits.readings(Fixtures.lines(Self.hist("vanilla"))).filter { !HistEdits.isSwitchReading($0) }
    let v = try Self.worker(Fixtures.temporary(lines.flatMap { $0 }))
    #expect(v.verdict == .inconclusive)
    #expect(v.caveats.contains(.noSwitchOutCounts))
  }

  /// Edit: in the sched_switch readings from the `from`-th on, `Dropped: 0` becomes `Dropped: 1`
  /// (the count is cumulative, so it rises once: in the `from`-th reading's interval).
  static func switchOutsDropped(_ path: String, from: Int) -> [String] {
    var n = 0
    return HistEdits.readings(Fixtures.lines(path)).flatMap { r -> [String] in
      guard HistEdits.isSwitchReading(r) else { return r }
      defer { n += 1 }
      return n < from ? r : r.map { $0 == "    Dropped: 0" ? "    Dropped: 1" : $0 }
    }
  }

  @Test func entriesDroppedByTheSwitchOutTableDuringTheLoopMakeItInconclusive() throws {
    // hist-armed: the loop is the last 9 of 13 intervals; the 9th switch reading is inside it.
    let lines = Self.switchOutsDropped(Self.hist("vanilla"), from: 8)
    try #require(lines.count { $0 == "    Dropped: 1" } == 5)
    let v = try Self.worker(Fixtures.temporary(lines))
    #expect(v.verdict == .inconclusive)
    #expect(v.caveats.contains(.switchOutsDropped))
  }

  @Test func entriesDroppedBeforeTheLoopDoNotMatter() throws {
    // hist-armed: the first interval (trigger set to the first reading) is before the loop.
    let v = try Self.worker(Fixtures.temporary(Self.switchOutsDropped(Self.hist("vanilla"), from: 0)))
    #expect(v.verdict == .spinning)
    #expect(!v.caveats.contains(.switchOutsDropped))
  }

  @Test func readingsWithoutTheirDroppedLineDroppedNothing() throws {
    // Edit: every `Dropped:` line of hist-1 removed (readings cut before their totals' last line);
    // hist-1's loop starts in its first interval, where a missing count would matter most.
    let lines = Fixtures.lines(Self.hist("vanilla", "hist-1")).filter { !$0.hasPrefix("    Dropped:") }
    let v = try Self.worker(Fixtures.temporary(lines))
    #expect(v.verdict == .spinning)
    #expect(!v.caveats.contains(.switchOutsDropped))
    let dropped = try Self.worker(Fixtures.temporary(Self.switchOutsDropped(Self.hist("vanilla", "hist-1"), from: 0)))
    #expect(dropped.verdict == .inconclusive && dropped.caveats.contains(.switchOutsDropped))
  }

  @Test func readingsPastTheLimitAreCountedNotKept() throws {
    // Edit: the last reading of the retry histogram repeated past the limit of kept readings, the
    // README's 65,536 (9 hours at two a second).
    let retryReading = try #require(
      HistEdits.readings(Fixtures.lines(Self.hist("vanilla"))).last { !HistEdits.isSwitchReading($0) })
    #expect(CountedReadings.maxReadings == 65_536)
    let n = 65_536 + 5
    let v = try Self.worker(Fixtures.temporary(Array(repeating: retryReading, count: n).flatMap { $0 }))
    #expect(v.caveats.contains(.countsNotKept(count: 5)))
    #expect(
      v.evidence.contains {
        if case .counted(.countedRetries(_, let readings)) = $0 {
          readings == CountedReadings.maxReadings
        } else {
          false
        }
      })
  }

  @Test func switchOutReadingsPastTheLimitAreCountedNotKept() throws {
    // Edit: the last reading of the retry histogram, then the last sched_switch reading, cut to the
    // worker's entries (so that the counts stay under their own limit), repeated up to the limit of
    // kept readings, one past it, and five past it.
    let readings = HistEdits.readings(Fixtures.lines(Self.hist("vanilla")))
    let retryReading = try #require(readings.last { !HistEdits.isSwitchReading($0) })
    let tid = try Self.worker(Self.hist("vanilla")).tid
    let switchReading = try #require(readings.last(where: HistEdits.isSwitchReading)).filter {
      !$0.hasPrefix("{ prev_pid:")
        || $0.hasPrefix("{ prev_pid: \(String(repeating: " ", count: 10 - String(tid).count))\(tid),")
    }
    try #require(switchReading.count(where: { $0.hasPrefix("{ prev_pid:") }) == 3)
    for extra in [0, 1, 5] {
      let repeated = Array(repeating: switchReading, count: CountedReadings.maxReadings + extra).flatMap { $0 }
      let v = try Self.worker(Fixtures.temporary(retryReading + repeated))
      let notKept = v.caveats.compactMap { if case .countsNotKept(let n) = $0 { n } else { nil } }
      #expect(notKept == (extra > 0 ? [extra] : []), "\(extra) more")
    }
  }

  @Test func countsPastTheLimitOfKeptCountsAreCountedOneByOne() throws {
    // Edit: the last retry reading, then the last sched_switch reading (all its entries) repeated
    // until its entries pass the README's limit of kept counts (1,048,576) by a few.
    let readings = HistEdits.readings(Fixtures.lines(Self.hist("vanilla")))
    let retryReading = try #require(readings.last { !HistEdits.isSwitchReading($0) })
    let switchReading = try #require(readings.last(where: HistEdits.isSwitchReading))
    let entries = switchReading.count { $0.hasPrefix("{ prev_pid:") }
    let repeats = 1_048_576 / entries + 2
    try #require(repeats < CountedReadings.maxReadings)
    let lines = retryReading + Array(repeating: switchReading, count: repeats).flatMap { $0 }
    let v = try Self.worker(Fixtures.temporary(lines))
    // The retry reading's one entry is kept too.
    let past = 1 + repeats * entries - 1_048_576
    #expect(v.caveats.contains(.countsNotKept(count: past)))
    // And the counts past the limit are not kept: the last reading (wholly past it) holds none.
    let symbols = SymbolTable()
    var tracker = ThreadTracker(symbols: symbols, thresholds: Thresholds())
    let path = Fixtures.temporary(lines)
    _ = try TraceFileReader(symbols: symbols, forcedFormat: nil).read(path: path, displayName: path, into: &tracker)
    let last = try #require(tracker.counted.switches.last)
    #expect(tracker.counted.switches.count == repeats)
    #expect(last.sleeps.isEmpty && last.preemptions.isEmpty && last.exits.isEmpty)
  }

  @Test func theSavedFolderGivesTheVerdictTheLiveCapturePrinted() throws {
    let captures = ["hist-armed", "hist-1", "hist-2", "hist-3", "hist-overrun", "fgraph-overrun", "auto-overrun"]
    for kernel in ["vanilla", "seed-series", "uffd-retry-sleep", "iowq-fail-fault"] {
      for capture in captures {
        let report = Fixtures.path("lab/live-capture/\(kernel)/overrun/\(capture)-report.txt")
        try #require(FileManager.default.fileExists(atPath: report), "\(report)")
        let first = Fixtures.lines(report)[0]
        let run = try analyze(Self.dir(kernel, capture))
        #expect(first.hasSuffix(": \(run.verdict.rawValue)"), "\(kernel)/\(capture)")
      }
    }
  }

}
