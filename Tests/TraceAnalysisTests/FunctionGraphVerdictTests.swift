import Foundation
import Testing

@testable import TraceAnalysis

@Suite struct FunctionGraphVerdictTests {
  @Test func vanillaWorkerSleepsThenSpinsWithEvidence() throws {
    let run = try analyze(Fixtures.vanillaGraph)
    #expect(run.verdict == .spinning)
    #expect(run.exitCode == 1)
    let w = try #require(run.thread(67))
    #expect(w.comm == "iou-wrk-66")
    #expect(w.isWorker && w.ownerTid == 66)
    #expect(w.verdict == .spinning)
    #expect(w.episodes.map(\.verdict) == [.sleeping, .spinning])
    let spin = w.episodes[1]
    // 79 handle_userfault() entries in the window: the first sleeps 315 ms, 78 return at once.
    #expect(spin.faultCalls == 78)
    #expect(spin.firstLine == 271)
    #expect(spin.untilEndOfCapture)
    #expect(w.cpuSharePercent == 100)
    #expect(w.scheduleReturnedAtOnce == true)
    #expect(w.loopStack.first == "handle_userfault")
    #expect(w.caveats.contains(.callersHidden(function: "handle_userfault")))
    let rate = try #require(w.retriesPerSecond)
    #expect(rate > 5_000 && rate < 12_000)  // ~90-125 µs a retry under QEMU TCG
    let sleep = w.episodes[0]
    #expect(sleep.firstLine == 102)
    // "off-CPU blocked 314.3 ms" in the text report.
    #expect(
      sleep.facts.contains {
        if case .blockedOffCPU(let d) = $0 { (314_250_000..<314_350_000).contains(d) } else { false }
      })
    // One call that slept (woken once by io-wq's signal); a single call has no wake-up rate.
    #expect(sleep.facts.contains(.sleptThenReturned(calls: 1)) && sleep.facts.contains(.wakeups(count: 1)))
    #expect(!sleep.facts.contains { if case .wokeAndRetried = $0 { true } else { false } })
    #expect(
      spin.facts.prefix(2) == [.backToBackRetries(count: 78), .retryRate(retries: 78, spanNs: 9_576_000)]
        && spin.facts.contains(.neverBlocked) && spin.facts.contains(.onCPU(cpuSharePercent: 100)))
    #expect(spin.facts.contains(.scheduleReturnedAtOnce(returnedAtOnce: 77, calls: 77)))
    #expect(!spin.facts.contains { if case .wakeups = $0 { true } else { false } })
  }

  @Test func aSleepNobodyWokeStatesNoWakeups() throws {
    // Edit: the vanilla threadexit graph without its `sched_wakeup` comment lines. The first call
    // still sleeps 315 ms, but no wake-up of it is in the capture, so none is stated.
    let edited = Fixtures.lines(Fixtures.vanillaGraph).filter { !$0.contains("sched_wakeup:") }
    let sleep = try #require(try analyze(Fixtures.temporary(edited)).thread(67)?.episodes.first)
    #expect(sleep.verdict == .sleeping && sleep.facts.contains(.sleptThenReturned(calls: 1)))
    #expect(!sleep.facts.contains { if case .wakeups = $0 { true } else { false } })
  }

  @Test func vanillaOwnerIsBlockedInDUntilTheEndAndLinkedToItsWorker() throws {
    let run = try analyze(Fixtures.vanillaGraph)
    let b = try #require(run.files[0].blockedTasks.first { $0.tid == 66 })
    #expect(b.comm == "uffd_iou")
    #expect(b.untilEndOfCapture)
    #expect(b.line == 2577)
    #expect(b.workers == [67])
    #expect(run.files[0].blockedTasks.count == 1)
  }

  @Test func fixFailFaultWorkerSleepsThenResolves() throws {
    let run = try analyze(Fixtures.fixGraph)
    #expect(run.verdict == .resolved)
    #expect(run.exitCode == 0)
    let w = try #require(run.thread(67))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .resolved])
    #expect(w.episodes[1].facts.contains { if case .exited(392, _) = $0 { true } else { false } })
    #expect(w.episodes[1].untilEndOfCapture == false && w.episodes[1].lastLine == 392)
    #expect(run.files[0].blockedTasks.isEmpty)
  }

  @Test func aResolvedPhaseSaysWhetherQuickRetriesCameBeforeTheLastReturn() throws {
    // lab/vanilla/kill9: the worker's one fault call slept until SIGKILL, returned, and it exited.
    let kill9 = try #require(try analyze(Fixtures.path("lab/vanilla/kill9/fgraph_proc.txt")).thread(81))
    #expect(kill9.episodes.map(\.verdict) == [.sleeping, .resolved])
    #expect(kill9.episodes[1].facts.first == .lastCallReturned(line: 574))
    // The fixed kernel's worker retried once, at once, before it returned for good.
    let fix = try #require(try analyze(Fixtures.fixGraph).thread(67))
    #expect(fix.episodes[1].facts.first == .returnedAfterQuickRetries(retries: 1))
  }

  @Test func kill9ControlSleepsUntilSIGKILLThenExits() throws {
    let run = try analyze(Fixtures.kill9Graph)
    #expect(run.exitCode == 0)
    let w = try #require(run.thread(66))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .resolved])
    #expect(try #require(w.episodes[0].durationNs) > 2_000_000_000)
  }

  @Test func traceCmdReportTextGivesTheSameVerdictAsTracefsText() throws {
    let run = try analyze(Fixtures.traceCmdReport)
    let w = try #require(run.thread(364))
    #expect(w.comm == "iou-wrk-363")
    #expect(w.episodes.map(\.verdict) == [.sleeping, .resolved])
  }

  @Test func aRetryCallWithoutTracedChildrenPlacesTheLoop() throws {
    // Edit: lab/iowq-fail-fault/cancel with the worker's lines before line 352 dropped, so its first
    // fault call is `handle_userfault();` (a leaf: set_graph_function starts the graph there).
    let lines = Fixtures.lines(Fixtures.path("lab/iowq-fail-fault/cancel/fgraph_proc.txt"))
    try #require(lines[351].hasSuffix("  handle_userfault();"))
    let edited = lines.indices.filter { $0 >= 351 || !lines[$0].contains(" iou-wrk-80 ") }.map { lines[$0] }
    let w = try #require(try analyze(Fixtures.temporary(edited)).thread(80))
    #expect(w.loopStack == ["handle_userfault"])
    #expect(w.caveats.contains(.callersHidden(function: "handle_userfault")))
  }

  @Test func aLeafRetryCallSleptByInferenceOnlyPastTheLimit() throws {
    // Edit: as above, and the sched event lines dropped too: the leaf `handle_userfault();` of
    // 11.857 us is a sleep only when it lasts longer than the inference limit.
    let lines = Fixtures.lines(Fixtures.path("lab/iowq-fail-fault/cancel/fgraph_proc.txt"))
    let edited = lines.indices.filter { $0 >= 351 || !lines[$0].contains(" iou-wrk-80 ") }.map { lines[$0] }
      .filter { !$0.contains("/* sched_") }
    let path = Fixtures.temporary(edited)
    let at = try #require(try analyze(path) { $0.thresholds.inferredSleep = 11_857 }.thread(80))
    #expect(!at.episodes.contains { $0.verdict == .sleeping })
    let under = try #require(try analyze(path) { $0.thresholds.inferredSleep = 11_856 }.thread(80))
    #expect(under.episodes.first?.verdict == .sleeping)
    #expect(under.episodes.first?.facts.contains(.sleepInferredFromDurations(calls: 1)) == true)
  }

  @Test func aTaskThatIsNoWorkerIsInScopeFromItsFirstFaultCall() throws {
    // Edit: lab/vanilla/write-signal cut just before the second handle_userfault() entry of
    // uffd_io-81 (not an io worker; it takes the fault in write(2)): one call, which returned.
    let lines = Fixtures.lines(Fixtures.path("lab/vanilla/write-signal/fgraph_proc.txt"))
    let entries = CaptureEdits.entries(lines, comm: "uffd_io-81")
    let t = try #require(try analyze(Fixtures.temporary(Array(lines[..<entries[1]]))).thread(81))
    #expect(!t.isWorker && t.verdict != .notInFault)
  }

  @Test func withoutSchedEventsSleepsAreInferredAndTheReportSaysSo() throws {
    let lines = Fixtures.lines(Fixtures.vanillaGraph).filter { !$0.contains("/* sched_") }
    let run = try analyze(Fixtures.temporary(lines))
    let w = try #require(run.thread(67))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .spinning])
    #expect(w.cpuSharePercent == nil)
    #expect(run.files[0].notes.contains(.noSchedSwitch))
    #expect(run.files[0].captureHints.contains(.enableSchedEvents))
  }

  @Test func aScheduleWhoseExitIsLostLastedUntilItsCallersExit() throws {
    // Edit: as above, and the `} /* schedule */` line of the worker's first fault call dropped, as a
    // lost event would: its `} /* handle_userfault */` closes both. That schedule() lasted from its
    // entry to that exit (314.852 ms), not the 315.547 ms handle_userfault() took, so the call
    // sleeps by inference only under a limit below the former.
    var lines = Fixtures.lines(Fixtures.vanillaGraph).filter { !$0.contains("/* sched_") }
    let mine = lines.indices.filter { lines[$0].contains(" iou-wrk-67 ") }
    let callerExit = try #require(mine.first { lines[$0].hasSuffix("} /* handle_userfault */") })
    let entry = try #require(mine.first { lines[$0].hasSuffix("  schedule() {") })
    let exit = try #require(mine.last { $0 < callerExit && lines[$0].hasSuffix("} /* schedule */") })
    try #require(entry < exit)
    let elapsed = try #require(CaptureEdits.timestamp(lines[callerExit])) - CaptureEdits.timestamp(lines[entry])!
    #expect(elapsed == 314_852_000)
    lines.remove(at: exit)
    let path = Fixtures.temporary(lines)
    let slept = try #require(try analyze(path) { $0.thresholds.inferredSleep = elapsed - 1 }.thread(67))
    #expect(slept.episodes.first?.verdict == .sleeping)
    let not = try #require(try analyze(path) { $0.thresholds.inferredSleep = elapsed }.thread(67))
    #expect(!not.episodes.contains { $0.verdict == .sleeping })
  }

  @Test func lostEventsInsideALongLoopAreStatedAndTheLoopStands() throws {
    var lines = Fixtures.lines(Fixtures.vanillaGraph)
    lines.insert("CPU:1 [LOST 5120 EVENTS]", at: 3000)  // trace.c's form, on the worker's CPU
    let run = try analyze(Fixtures.temporary(lines))
    let w = try #require(run.thread(67))
    #expect(w.verdict == .spinning)
    // 39 retries before the marker, 39 after: either side alone is a loop of at least 10.
    #expect(
      w.caveats.contains(
        .lostEventsBesideIntactLoop(
          line: 3001, cpu: 1, events: 5120, retries: 39, loopLines: LineRange(271, lines.count - 1))))
    #expect(run.exitCode == 1)
    #expect(run.files[0].notes.contains(.lostEventMarkers(count: 1)))
    #expect(run.files[0].captureHints.contains(.largerBuffer))
    let whole = try analyze(Fixtures.vanillaGraph).files[0]
    #expect(!whole.notes.contains(.lostEventMarkers(count: 0)) && !whole.captureHints.contains(.largerBuffer))
  }

  @Test func lostEventsOnAnotherCPUBeforeTheFaultDoNotMatter() throws {
    var lines = Fixtures.lines(Fixtures.vanillaGraph)
    lines.insert("CPU:1 [LOST 10 EVENTS]", at: 50)  // before the worker's first fault
    let run = try analyze(Fixtures.temporary(lines))
    #expect(run.thread(67)?.verdict == .spinning)
  }

  @Test func aWindowEndingAfterAFewRetriesIsInconclusiveNotSpinning() throws {
    // Cut the real capture after the 4th retry: too few to call it a loop.
    let lines = Array(Fixtures.lines(Fixtures.vanillaGraph).prefix(500))
    let run = try analyze(Fixtures.temporary(lines))
    let w = try #require(run.thread(67))
    #expect(w.verdict == .inconclusive)
    #expect(w.episodes.last?.facts.contains { if case .tooFewRetriesAtEnd(_, 10) = $0 { true } else { false } } == true)
  }

  @Test func minRetriesIsATunableThreshold() throws {
    let lines = Array(Fixtures.lines(Fixtures.vanillaGraph).prefix(500))
    let run = try analyze(Fixtures.temporary(lines)) { $0.thresholds.minRetries = 3 }
    #expect(run.thread(67)?.verdict == .spinning)
  }

  @Test func aWindowEndingWhileTheWorkerSleepsIsSleeping() throws {
    let lines = Array(Fixtures.lines(Fixtures.vanillaGraph).prefix(210))
    let run = try analyze(Fixtures.temporary(lines))
    let w = try #require(run.thread(67))
    #expect(w.verdict == .sleeping)
    #expect(w.episodes.last?.untilEndOfCapture == true)
  }

  @Test func threadFilterKeepsOnlyTheNamedThreads() throws {
    // tid 66 (the exiting task, not a worker): the spinning worker 67 is left out. (A tid the
    // capture does not hold is an error: ThreadAndFormatOptionTests.)
    let run = try analyze(Fixtures.vanillaGraph) { $0.threads = [66] }
    #expect(run.files[0].threads.isEmpty)
  }
}
