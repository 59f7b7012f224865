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
    #expect(w.cpuShare == 1.0)
    #expect(w.scheduleReturnedAtOnce == true)
    #expect(w.loopStack.first == "handle_userfault")
    #expect(w.caveats.contains { $0.contains("callers of handle_userfault were not in the capture") })
    let rate = try #require(w.retriesPerSecond)
    #expect(rate > 5_000 && rate < 12_000)  // ~90-125 µs a retry under QEMU TCG
    let sleep = w.episodes[0]
    #expect(sleep.firstLine == 102)
    #expect(sleep.facts.contains { $0.contains("off-CPU blocked 314.3 ms") })
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
    #expect(w.episodes[1].facts.contains { $0.contains("exited at line 392") })
    #expect(run.files[0].blockedTasks.isEmpty)
  }

  @Test func kill9ControlSleepsUntilSIGKILLThenExits() throws {
    let run = try analyze(Fixtures.kill9Graph)
    #expect(run.exitCode == 0)
    let w = try #require(run.thread(66))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .resolved])
    #expect(try #require(w.episodes[0].seconds) > 2.0)
  }

  @Test func traceCmdReportTextGivesTheSameVerdictAsTracefsText() throws {
    let run = try analyze(Fixtures.traceCmdReport)
    let w = try #require(run.thread(364))
    #expect(w.comm == "iou-wrk-363")
    #expect(w.episodes.map(\.verdict) == [.sleeping, .resolved])
  }

  @Test func withoutSchedEventsSleepsAreInferredAndTheReportSaysSo() throws {
    let lines = Fixtures.lines(Fixtures.vanillaGraph).filter { !$0.contains("/* sched_") }
    let run = try analyze(Fixtures.temporary(lines))
    let w = try #require(run.thread(67))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .spinning])
    #expect(w.cpuShare == nil)
    #expect(run.files[0].notes.contains { $0.contains("no sched_switch events") })
    #expect(run.files[0].captureHints.contains { $0.contains("sched_switch/enable") })
  }

  @Test func lostEventsInsideTheLoopMakeTheWorkerInconclusive() throws {
    var lines = Fixtures.lines(Fixtures.vanillaGraph)
    lines.insert("CPU:1 [LOST 5120 EVENTS]", at: 3000)  // trace.c's form, on the worker's CPU
    let run = try analyze(Fixtures.temporary(lines))
    let w = try #require(run.thread(67))
    #expect(w.verdict == .inconclusive)
    #expect(w.caveats.contains { $0.contains("line 3001") && $0.contains("5120 events") })
    #expect(run.exitCode == 3)
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
    #expect(w.evidence.contains { $0.contains("only") && $0.contains("retries before the capture ended") })
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
    let run = try analyze(Fixtures.vanillaGraph) { $0.threads = [12345] }
    #expect(run.files[0].threads.isEmpty)
  }
}
