import Foundation
import Testing

@testable import TraceAnalysis

/// Every rule of the detector on both sides of its boundary, on the real vanilla capture
/// (fixtures/shared-traces/vanilla-6.12.117/threadexit) and its siblings, edited in code where a
/// test says so.
@Suite struct RuleBoundaryTests {
  static let graph = Fixtures.lines(Fixtures.vanillaGraph)
  /// The worker's handle_userfault() entries: the first sleeps, the 78 after it return at once.
  static let retries = CaptureEdits.entries(graph, comm: "iou-wrk-67")

  func worker(_ run: RunAnalysis) throws -> ThreadVerdict { try #require(run.thread(67)) }

  // MARK: - minimum retries

  @Test func seventyEightBackToBackRetriesAreALoopWhenSeventyEightMakeOne() throws {
    #expect(Self.retries.count == 79)
    let w = try worker(try analyze(Fixtures.vanillaGraph) { $0.thresholds.minRetries = 78 })
    #expect(w.verdict == .spinning)
    #expect(w.episodes.last?.faultCalls == 78)
  }

  @Test func seventyEightBackToBackRetriesAreNoLoopWhenSeventyNineMakeOne() throws {
    let w = try worker(try analyze(Fixtures.vanillaGraph) { $0.thresholds.minRetries = 79 })
    #expect(w.verdict == .inconclusive)
    #expect(w.episodes.last?.facts.first == .tooFewRetriesAtEnd(retries: 78, needed: 79))
  }

  // MARK: - longest gap between retries

  /// Stretch: every line from the 6th retry of the loop on is stamped `ns` later, so the gap
  /// between the 5th retry's return and the 6th retry's entry grows by `ns` (it is ~80 µs).
  func stretchedBeforeSixthRetry(_ ns: Int64) -> String {
    Fixtures.temporary(CaptureEdits.shift(Self.graph, from: Self.retries[6], by: ns))
  }

  @Test func aGapJustUnderTheLimitKeepsOneLoop() throws {
    let w = try worker(try analyze(stretchedBeforeSixthRetry(49_000_000)))
    let spin = try #require(w.episodes.last)
    #expect(spin.verdict == .spinning && spin.faultCalls == 78 && spin.firstLine == 271)
  }

  @Test func aGapJustOverTheLimitEndsTheLoop() throws {
    let w = try worker(try analyze(stretchedBeforeSixthRetry(51_000_000)))
    let spin = try #require(w.episodes.last)
    // The five retries before the gap are too few for a loop; the 73 after it are one.
    #expect(spin.verdict == .spinning && spin.faultCalls == 73 && spin.firstLine == Self.retries[6] + 1)
  }

  @Test func theGapLimitIsTheThresholdNotAConstant() throws {
    let stretched = stretchedBeforeSixthRetry(51_000_000)
    let w = try worker(try analyze(stretched) { $0.thresholds.maxRetryGap = 52_000_000 })
    #expect(w.episodes.last?.faultCalls == 78)
  }

  // MARK: - a loop needs a time span for its rate and CPU share

  /// Stopped clock: every line from the loop's first retry on has that retry's timestamp, but the
  /// capture's last line, `lastAfter` ns later (the loop lasts until the end of the capture).
  func frozenFromFirstRetry(lastAfter: Int64) throws -> ThreadVerdict {
    try worker(
      try analyze(Fixtures.temporary(CaptureEdits.frozen(Self.graph, from: Self.retries[1], lastAfter: lastAfter))))
  }

  @Test func aLoopOfNoTimeHasNoRateAndNoCPUShare() throws {
    let spin = try #require(try frozenFromFirstRetry(lastAfter: 0).episodes.last)
    #expect(spin.verdict == .spinning && spin.faultCalls == 78 && spin.untilEndOfCapture)
    #expect(spin.cpuSharePercent == nil)
    #expect(!spin.facts.contains { if case .retryRate = $0 { true } else if case .onCPU = $0 { true } else { false } })
  }

  @Test func aLoopOfOneMicrosecondHasARateAndACPUShare() throws {
    let spin = try #require(try frozenFromFirstRetry(lastAfter: 1_000).episodes.last)
    #expect(spin.verdict == .spinning && spin.faultCalls == 78)
    #expect(spin.facts.contains(.retryRate(retries: 78, spanNs: 1_000)))
    #expect(spin.cpuSharePercent == 100 && spin.facts.contains(.onCPU(cpuSharePercent: 100)))
  }

  // MARK: - preempted is not asleep

  /// Edit: the worker's one switch-out inside its first fault call (line 193) says `prev_state`
  /// `state` instead of S.
  func firstSwitchOut(_ state: String) throws -> String {
    var lines = Self.graph
    #expect(lines[192].contains("prev_pid=67 prev_prio=120 prev_state=S "))
    lines[192] = lines[192].replacingOccurrences(of: "prev_state=S ", with: "prev_state=\(state) ")
    return Fixtures.temporary(lines)
  }

  @Test func aSwitchOutInSIsASleep() throws {
    #expect(try worker(try analyze(Fixtures.vanillaGraph)).episodes.map(\.verdict) == [.sleeping, .spinning])
  }

  @Test func aSwitchOutInDIsASleep() throws {
    #expect(try worker(try analyze(try firstSwitchOut("D"))).episodes.map(\.verdict) == [.sleeping, .spinning])
  }

  @Test func aSwitchOutInRIsAPreemptionNotASleep() throws {
    let w = try worker(try analyze(try firstSwitchOut("R")))
    #expect(w.episodes.map(\.verdict) == [.spinning])
    let spin = try #require(w.episodes.first)
    #expect(spin.faultCalls == 79)
    #expect(spin.facts.contains(.onlyPreempted(preemptions: 1)))
    // The preemption came inside schedule(), so that schedule() did switch out: 77 of 78 returned at once.
    #expect(spin.facts.contains(.scheduleReturnedAtOnce(returnedAtOnce: 77, calls: 78)))
  }

  /// Edit: the worker's switch-out in S of its first fault call and the switch-in after it copied
  /// before the entry of loop retry `n + 1`, stamped with that entry's time: it slept between
  /// retries `n` and `n + 1` of the loop, outside any fault call.
  func sleptAfterRetry(_ n: Int) throws -> [String] {
    let out = try #require(Self.graph.firstIndex { $0.contains("prev_pid=67 prev_prio=120 prev_state=S ") })
    let back = try #require(Self.graph[out...].firstIndex { $0.contains(" next_pid=67 ") })
    let at = Self.retries[n + 1]
    let stamp = try #require(CaptureEdits.timestamp(Self.graph[at]))
    var lines = Self.graph
    lines.insert(contentsOf: CaptureEdits.retimed([Self.graph[out], Self.graph[back]], from: 0) { _ in stamp }, at: at)
    return lines
  }

  @Test func aSleepBetweenTwoRetriesEndsTheLoopThere() throws {
    let w = try worker(try analyze(Fixtures.temporary(try sleptAfterRetry(40))))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .spinning, .spinning])
    #expect(w.episodes.dropFirst().map(\.faultCalls) == [40, 38])
    #expect(try worker(try analyze(Fixtures.vanillaGraph)).episodes.last?.faultCalls == 78)
  }

  @Test func aSpinPreemptedForSecondsShowsItsSmallOnCPUShare() throws {
    // Edits: the R switch-out above, and every line from the worker's switch-in (line 256) on 3 s
    // later: 79 retries over ~3.3 s, nearly all of it preempted.
    var lines = Fixtures.lines(try firstSwitchOut("R"))
    #expect(lines[255].contains("next_pid=67 "))
    lines = CaptureEdits.shift(lines, from: 255, by: 3_000_000_000)
    let spin = try #require(try worker(try analyze(Fixtures.temporary(lines))).episodes.first)
    #expect(spin.verdict == .spinning)
    let share = try #require(spin.cpuSharePercent)
    #expect(share > 0 && share < 1 && spin.facts.contains(.onCPU(cpuSharePercent: share)))
  }

  // MARK: - lost events

  func withLost(_ marker: String, before index: Int) -> String {
    var lines = Self.graph
    lines.insert(marker, at: index)
    return Fixtures.temporary(lines)
  }

  @Test func lostEventsJustBeforeTheFirstFaultDoNotMatter() throws {
    let w = try worker(try analyze(withLost("CPU:0 [LOST 10 EVENTS]", before: Self.retries[0])))
    #expect(w.verdict == .spinning && w.caveats.isEmpty == false && !w.caveats.contains { isLost($0) })
  }

  @Test func lostEventsInTheFirstFaultBeforeAnIntactLoopAreStatedAndTheLoopStands() throws {
    let w = try worker(try analyze(withLost("CPU:0 [LOST 10 EVENTS]", before: Self.retries[0] + 1)))
    #expect(w.verdict == .spinning)
    #expect(
      w.caveats.contains(
        .lostEventsBesideIntactLoop(
          line: Self.retries[0] + 2, cpu: 0, events: 10, retries: 78, loopLines: LineRange(272, Self.graph.count))))
  }

  @Test func lostEventsAfterTheFirstFaultOfAThreadWithoutALoopMakeItInconclusive() throws {
    // The fixed kernel's worker sleeps, then resolves; edit: a marker inside its first fault call.
    let fix = Fixtures.lines(Fixtures.fixGraph)
    let first = try #require(CaptureEdits.entries(fix, comm: "iou-wrk-67").first)
    var lines = fix
    lines.insert("CPU:0 [LOST 10 EVENTS]", at: first + 1)
    lines.insert("CPU:1 [LOST 10 EVENTS]", at: first + 1)
    let w = try #require(try analyze(Fixtures.temporary(lines)).thread(67))
    #expect(w.verdict == .inconclusive && w.caveats.contains { isLost($0) })
  }

  /// With `--min-retries 40`: a marker before the entry of spin retry `n + 1` (after `n` of its 78).
  func lostInsideTheLoop(after n: Int) throws -> ThreadVerdict {
    try worker(
      try analyze(withLost("CPU:0 [LOST 10 EVENTS]", before: Self.retries[n + 1])) { $0.thresholds.minRetries = 40 })
  }

  @Test func aLossThatLeaves40RetriesOnOneSideKeepsALoopOf40() throws {
    let w = try lostInsideTheLoop(after: 40)  // 40 before the marker, 38 after
    #expect(w.verdict == .spinning)
    #expect(w.caveats.contains { if case .lostEventsBesideIntactLoop(_, _, _, 40, _) = $0 { true } else { false } })
  }

  @Test func twoLossesInsideTheLoopLeaveItsLongestPartBetweenThem() throws {
    // Edit: markers before the entries of loop retries 21 and 51: parts of 20, 30 and 28 retries.
    var lines = Self.graph
    lines.insert("CPU:1 [LOST 10 EVENTS]", at: Self.retries[51])
    lines.insert("CPU:1 [LOST 10 EVENTS]", at: Self.retries[21])
    let w = try worker(try analyze(Fixtures.temporary(lines)))
    #expect(w.verdict == .spinning)
    #expect(w.caveats.contains { if case .lostEventsBesideIntactLoop(_, 1, 20, 30, _) = $0 { true } else { false } })
  }

  @Test func aLossThatLeaves39RetriesOnEachSideBreaksALoopOf40() throws {
    let w = try lostInsideTheLoop(after: 39)  // 39 before, 39 after
    #expect(w.verdict == .inconclusive)
    #expect(w.caveats.contains { isLost($0) })
  }

  @Test func lostEventsOnACPUTheWorkerNeverRanOnDoNotMatter() throws {
    // The guest has CPUs 0 and 1 and the worker ran on both; the marker names CPU 2.
    let w = try worker(try analyze(withLost("CPU:2 [LOST 10 EVENTS]", before: 3000)))
    #expect(w.verdict == .spinning && !w.caveats.contains { isLost($0) || isBesideLoop($0) })
    let onItsCPU = try worker(try analyze(withLost("CPU:1 [LOST 10 EVENTS]", before: 3000)))
    #expect(onItsCPU.verdict == .spinning && onItsCPU.caveats.contains { isBesideLoop($0) })
  }

  @Test func aLossAfterALoopLongerThanItsKeptRetriesLeavesItWhole() throws {
    // Edit: the loop's 77 whole retries (from its 1st to its 78th entry) repeated 54 times, each copy
    // stamped one loop span later, then the capture's tail; and a marker on the worker's CPU after
    // the last line. The loop has more retries than the 4,096 it keeps marks of, and none of them
    // has a loss between them.
    let loop = Array(Self.graph[Self.retries[1]..<Self.retries[78]])
    let first = try #require(CaptureEdits.timestamp(Self.graph[Self.retries[1]]))
    let span = try #require(CaptureEdits.timestamp(Self.graph[Self.retries[78]])) - first
    var lines = Array(Self.graph[..<Self.retries[1]])
    for k in 0..<54 { lines += CaptureEdits.shift(loop, from: 0, by: Int64(k) * span) }
    lines += CaptureEdits.shift(Array(Self.graph[Self.retries[78]...]), from: 0, by: 53 * span)
    lines.append("CPU:1 [LOST 10 EVENTS]")
    let w = try worker(try analyze(Fixtures.temporary(lines)))
    let spin = try #require(w.episodes.last)
    try #require(spin.verdict == .spinning && spin.faultCalls > Episode.retryMarkLimit)
    #expect(w.verdict == .spinning)
    #expect(
      w.caveats.contains {
        if case .lostEventsBesideIntactLoop(_, 1, 10, let retries, _) = $0 { retries == spin.faultCalls } else { false }
      })
  }

  @Test func aLossAtTheLineOfTheLoopsFirstRetryCameBeforeIt() throws {
    // trace.dat gives a loss the index of the record after it: a loss at the loop's first line (its
    // first retry's entry) was before the loop and leaves it whole; one line later it splits off
    // that first retry.
    let spin = try #require(try worker(try analyze(Fixtures.vanillaGraph)).episodes.first { $0.verdict == .spinning })
    #expect(FaultLoopDetector.longestIntactRun(spin, [spin.firstLine]) == spin.faultCalls)
    #expect(FaultLoopDetector.longestIntactRun(spin, [spin.firstLine + 1]) == spin.faultCalls - 1)
  }

  @Test func ofTwoEquallyIntactLoopsTheEarlierIsNamed() throws {
    // Edits: the worker slept between loop retries 39 and 40 (two loops of 39), and a marker inside
    // its first fault call, before both: each loop is intact, and the first is the one named.
    var lines = try sleptAfterRetry(39)
    lines.insert("CPU:0 [LOST 10 EVENTS]", at: Self.retries[0] + 1)
    let w = try worker(try analyze(Fixtures.temporary(lines)))
    try #require(w.episodes.map(\.verdict) == [.sleeping, .spinning, .spinning])
    let loops = w.episodes.dropFirst()
    #expect(loops.map(\.faultCalls) == [39, 39])
    let first = try #require(loops.first)
    #expect(
      w.caveats.contains {
        if case .lostEventsBesideIntactLoop(_, 0, 10, 39, let l) = $0 {
          l == LineRange(first.firstLine, first.lastLine)
        } else {
          false
        }
      })
  }

  func isLost(_ c: Caveat) -> Bool { if case .lostEvents = c { true } else { false } }
  func isBesideLoop(_ c: Caveat) -> Bool { if case .lostEventsBesideIntactLoop = c { true } else { false } }

  // MARK: - the worst phase decides

  /// Edit: the worker's lines from its 41st retry on are dropped (other tasks' lines stay), and
  /// every line from there on is stamped 100 ms later: the loop stops, the worker goes on.
  static let loopStoppedAfter40: [String] = {
    let cut = retries[41]
    let lines = CaptureEdits.shift(graph, from: cut, by: 100_000_000)
    return Array(lines[..<cut]) + lines[cut...].filter { !$0.contains(" iou-wrk-67 ") }
  }()

  @Test func aLoopThatEndsStillMakesTheThreadSpinning() throws {
    let w = try worker(try analyze(Fixtures.temporary(Self.loopStoppedAfter40)))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .spinning, .resolved])
    #expect(w.verdict == .spinning)
    #expect(w.episodes[1].faultCalls == 40 && !w.episodes[1].untilEndOfCapture)
  }

  @Test func aLoopWhoseLastRetryEndedTheRetryGapBeforeTheEndGoesOnUntilTheEnd() throws {
    // The loop stopped ~100 ms before the end of the capture: with the retry gap set to exactly the
    // time from its last retry's end to the capture's last timestamp it lasts until the end, 1 ns
    // shorter it ended there.
    let path = Fixtures.temporary(Self.loopStoppedAfter40)
    let end = try #require(try worker(try analyze(path)).episodes[1].endNs)
    let last = try #require(Self.loopStoppedAfter40.compactMap(CaptureEdits.timestamp).max())
    let gap = last - end
    try #require(gap > Thresholds().maxRetryGap)
    let at = try worker(try analyze(path) { $0.thresholds.maxRetryGap = gap })
    #expect(at.episodes.map(\.verdict) == [.sleeping, .spinning] && at.episodes[1].untilEndOfCapture)
    let under = try worker(try analyze(path) { $0.thresholds.maxRetryGap = gap - 1 })
    #expect(under.episodes.map(\.verdict) == [.sleeping, .spinning, .resolved] && !under.episodes[1].untilEndOfCapture)
  }

  /// Edit: the capture is cut before the entry of the loop's last retry (still in progress at the
  /// end), so 77 retries of the loop returned; then the worker's first fault call (it sleeps), from
  /// its handle_userfault() entry to the first line where `copyEnds`, is copied after the cut,
  /// stamped 1 ms after the last line kept.
  func loopThenFirstCallAgain(until copyEnds: (String) -> Bool) throws -> ThreadVerdict {
    let first = Self.retries[0]
    let cut = Self.retries[78]
    let found = Self.graph[first...].firstIndex(where: copyEnds)
    let last = try #require(found)
    let kept = Array(Self.graph[..<cut])
    let end = try #require(kept.compactMap(CaptureEdits.timestamp).last)
    let start = try #require(CaptureEdits.timestamp(Self.graph[first]))
    let copied = CaptureEdits.shift(Array(Self.graph[first...last]), from: 0, by: end - start + 1_000_000)
    return try worker(try analyze(Fixtures.temporary(kept + copied)))
  }

  @Test func aLoopFollowedByASleepAtTheEndEndsWhereTheSleepBegins() throws {
    // The copy ends at the worker's switch-out in S: the capture ends with it asleep.
    let w = try loopThenFirstCallAgain { $0.contains("prev_pid=67 ") && $0.contains("prev_state=S ") }
    #expect(w.episodes.map(\.verdict) == [.sleeping, .spinning, .sleeping])
    let loop = w.episodes[1]
    let sleep = w.episodes[2]
    #expect(loop.faultCalls == 77)
    #expect(!loop.untilEndOfCapture)
    #expect(sleep.untilEndOfCapture)
    #expect(loop.lastLine < sleep.firstLine)
    #expect(try #require(loop.endNs) < #require(sleep.startNs))
  }

  @Test func aLoopFollowedByACallThatSleptEndsWhereTheSleepBegins() throws {
    // The copy ends at the return of the worker's first call: it slept, woke and returned.
    let w = try loopThenFirstCallAgain { $0.contains(" iou-wrk-67 ") && $0.hasSuffix("} /* handle_userfault */") }
    #expect(w.episodes.map(\.verdict) == [.sleeping, .spinning, .sleeping, .resolved])
    #expect(w.verdict == .spinning)
    let loop = w.episodes[1]
    let sleep = w.episodes[2]
    #expect(loop.faultCalls == 77)
    #expect(!loop.untilEndOfCapture && !sleep.untilEndOfCapture)
    #expect(sleep.facts.first == .sleptThenReturned(calls: 1))
    #expect(try #require(loop.endNs) < #require(sleep.startNs))
  }

  @Test func aCallThatSleptAndWokeAtTheEndCountsItsSleepExactly() throws {
    // Edit: the capture cut just after the worker's first schedule() returned (line 267), inside
    // its first fault call: it switched out in S at 4.862612 and back in at 5.176924.
    let back = try #require(Self.graph.firstIndex { $0.contains(" iou-wrk-67 ") && $0.hasSuffix("} /* schedule */") })
    let cut = Array(Self.graph[...back])
    let w = try worker(try analyze(Fixtures.temporary(cut)))
    #expect(w.episodes.map(\.verdict) == [.sleeping])
    #expect(w.episodes[0].facts.contains(.blockedOffCPU(durationNs: 314_312_000)))
    // The same cut without sched events: the sleep is inferred, and there is no off-CPU time to state.
    let inferred = try worker(try analyze(Fixtures.temporary(cut.filter { !$0.contains("/* sched_") })))
    #expect(inferred.episodes.map(\.verdict) == [.sleeping])
    #expect(!inferred.episodes[0].facts.contains { if case .blockedOffCPU = $0 { true } else { false } })
  }

  @Test func aFaultCallThatBeganBeforeTheCaptureCountsFromItsReturn() throws {
    // Edit: the capture starts just after the worker woke in its first call (its sched_switch in,
    // line 256, dropped with all before it): `} /* handle_userfault */` comes with no entry.
    let wake = try #require(Self.graph.firstIndex { $0.contains("next_pid=67 ") && $0.contains("prev_comm=swapper/1") })
    let cut = Array(Self.graph[(wake + 1)...])
    let orphan = try #require(
      cut.firstIndex { $0.contains(" iou-wrk-67 ") && $0.hasSuffix("} /* handle_userfault */") })
    let w = try worker(try analyze(Fixtures.temporary(cut)))
    #expect(w.verdict == .spinning)
    // The call counts, from the line of its return: the phases start there.
    #expect(w.episodes.first?.firstLine == orphan + 1)
  }

  @Test func sleepingThenResolvedIsResolved() throws {
    let w = try worker(try analyze(Fixtures.fixGraph))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .resolved] && w.verdict == .resolved)
  }

  // MARK: - hang minimum

  func blockedOwner() throws -> (RunAnalysis, Int64) {
    let run = try analyze(Fixtures.vanillaGraph)
    let b = try #require(run.files[0].blockedTasks.first { $0.tid == 66 })
    return (run, try #require(b.blockedForNs))
  }

  @Test func aTaskBlockedExactlyTheHangMinimumIsAResidualHang() throws {
    let (run, blocked) = try blockedOwner()
    var th = Thresholds()
    th.hangMinimum = blocked
    #expect(Comparison.residualHangs(run, th).map(\.tid) == [66])
  }

  @Test func aTaskBlockedJustUnderTheHangMinimumIsNot() throws {
    let (run, blocked) = try blockedOwner()
    var th = Thresholds()
    th.hangMinimum = blocked + 1
    #expect(Comparison.residualHangs(run, th).isEmpty)
  }

  @Test func aWorkerAsleepToTheEndForTheHangMinimumIsAResidualHang() throws {
    // The first 250 lines: the worker is asleep in handle_userfault when they end.
    let asleep = try analyze(Fixtures.temporary(Array(Self.graph.prefix(250))))
    let sleep = try #require(try worker(asleep).episodes.last)
    let d = try #require(sleep.durationNs)
    var th = Thresholds()
    th.hangMinimum = d
    #expect(Comparison.residualHangs(asleep, th).map(\.tid) == [67])
    th.hangMinimum = d + 1
    #expect(Comparison.residualHangs(asleep, th).isEmpty)
  }

  // MARK: - snapshots and their corroboration

  static let stacks = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/stacks.txt")

  @Test func aBusyWorkerWithNoReadableStackSpinsWhenItsOwnerWaitsForIt() throws {
    let w = try #require(try analyze(Self.stacks).thread(93))
    #expect(w.verdict == .spinning)
    #expect(w.caveats.contains(.weakerThanTrace) && !w.awaitsCorroboration)
  }

  @Test func aBusyWorkerWithNoReadableStackIsInconclusiveWithoutTheWaiter() throws {
    // Edit: the sections of tid 92 (the exiting task in io_wq_put_and_exit) are dropped.
    var keep = true
    let lines = Fixtures.lines(Self.stacks).filter { line in
      if line.hasPrefix("--- ") || line.hasPrefix("=== ") { keep = !line.hasPrefix("--- tid 92 ") }
      return keep
    }
    let w = try #require(try analyze(Fixtures.temporary(lines)).thread(93))
    #expect(w.verdict == .inconclusive)
    #expect(w.caveats == [.burnsCPUStackNotShown] && w.awaitsCorroboration)
  }

  // MARK: - sampled input limits

  static let perf = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/perf.txt")

  @Test func exactlyTheMinimumFaultSamplesDecide() throws {
    let w = try #require(try analyze(Self.perf) { $0.thresholds.minFaultSamples = 142 }.thread(93))
    #expect(w.verdict == .spinning)
  }

  @Test func oneFaultSampleTooFewIsInconclusive() throws {
    let w = try #require(try analyze(Self.perf) { $0.thresholds.minFaultSamples = 143 }.thread(93))
    #expect(w.verdict == .inconclusive && w.caveats == [.tooFewFaultSamples(samples: 142, needed: 143)])
  }

  @Test func aFaultSampleShareAtTheLimitDecidesAndJustUnderDoesNot() throws {
    // All 142 of the worker's samples are in the fault path: a share of exactly 1.
    #expect(try analyze(Self.perf) { $0.thresholds.minFaultSampleShare = 1 }.thread(93)?.verdict == .spinning)
    let w = try #require(try analyze(Self.perf) { $0.thresholds.minFaultSampleShare = 1.000_001 }.thread(93))
    #expect(w.verdict == .inconclusive)
    #expect(w.caveats.contains(.lowFaultSampleShare(faultSharePercent: 100, neededPercent: 1.000_001 * 100)))
  }

  @Test func aCPUShareAtTheBusyLimitDecidesAndJustUnderDoesNot() throws {
    // The worker's sample periods are 142142142 of the 143143143 of the busiest CPU: ~99.3% of a CPU.
    let share = 142_142_142.0 / 143_143_143.0
    #expect(try analyze(Self.perf).thread(93)?.cpuSharePercent == share * 100)
    #expect(try analyze(Self.perf) { $0.thresholds.minBusyShare = share }.thread(93)?.verdict == .spinning)
    let w = try #require(try analyze(Self.perf) { $0.thresholds.minBusyShare = share.nextUp }.thread(93))
    #expect(w.verdict == .inconclusive && w.caveats == [.notBusy(cpuSharePercent: share * 100)])
  }

}
