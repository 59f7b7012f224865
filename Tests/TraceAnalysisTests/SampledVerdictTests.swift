import Foundation
import Testing

@testable import TraceAnalysis

/// Verdicts from sampled and snapshot input (perf script, /proc stacks, dmesg, the seed report) on the
/// real captures; expected results from fixtures/shared-traces/CAPTURE-NOTES.md and the seed.
@Suite struct SampledVerdictTests {
  static func file(_ dir: String, _ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
  static let seed = Fixtures.path("seed/000_dd79d7cdb8de7c93.txt")

  @Test(arguments: [
    ("perf.txt", "perf-script"), ("stacks.txt", "proc-stack"), ("sysrq.txt", "dmesg"), ("dmesg_hung.txt", "dmesg"),
  ])
  func everyVanillaFileIsSniffedRight(_ name: String, _ format: String) throws {
    let run = try analyze(Self.file(Fixtures.vanillaDir, name))
    #expect(run.files.first?.format == format)
  }

  @Test func seedIsSniffedAsAPastedReport() throws {
    #expect(try analyze(Self.seed).files.first?.format == "report")
  }

  @Test(arguments: ["perf.txt", "stacks.txt", "sysrq.txt"])
  func vanillaWorkerSpinsInEverySampledCapture(_ name: String) throws {
    let run = try analyze(Self.file(Fixtures.vanillaDir, name))
    #expect(run.verdict == .spinning && run.exitCode == 1)
    let w = try #require(run.thread(93))
    #expect(w.comm == "iou-wrk-92" && w.isWorker && w.ownerTid == 92 && w.verdict == .spinning)
    #expect(!w.evidence.isEmpty)
    #expect(run.threads(in: .spinning).count == 1)
  }

  @Test func perfSamplesGiveTheShareAndTheStack() throws {
    let w = try #require(try analyze(Self.file(Fixtures.vanillaDir, "perf.txt")).thread(93))
    #expect(
      w.evidence.contains {
        if case .faultSamples(142, 142, 85, _) = $0 { true } else { false }
      })
    // 142 of the 143 samples of CPU 0 (the busiest: 143 × 1001001 ns) are the worker's.
    let share = 100 * Double(142) / Double(143)
    #expect(
      w.evidence.contains(
        .cpuShareFromSamples(
          cpuSharePercent: share,
          method: .periodsOfBusiestCPU(cpu: 0, threadPeriods: 142 * 1_001_001, cpuPeriods: 143 * 1_001_001))))
    #expect(w.cpuSharePercent == share)
    #expect(w.loopStack.first == "ret_from_fork_asm" && w.loopStack.last == "handle_userfault")
    #expect(w.loopStack.contains("fault_in_readable") && w.loopStack.contains("io_wq_submit_work"))
  }

  @Test func theSampledStackIsTheFirstSampleInTheRetryFunction() throws {
    // lab/vanilla/threadexit: the worker's first sample in the fault path is asleep in
    // handle_userfault (schedule → __sched_text_start); its last, a retry starting over, is in
    // lock_mm_and_find_vma under exc_page_fault.
    let path = Fixtures.path("lab/vanilla/threadexit/perf.txt")
    let w = try #require(try analyze(path).thread(97))
    #expect(w.loopStack.suffix(3) == ["handle_userfault", "schedule", "__sched_text_start"])
    #expect(w.loopStack.first == "ret_from_fork_asm")
    // Edit: that first sample's frames above handle_mm_fault dropped, as a sample taken in the fault
    // before it reached handle_userfault: the next sample, the first in the retry function, replaces it.
    var lines = Fixtures.lines(path)
    let head = try #require(lines.firstIndex { $0.hasPrefix("iou-wrk-96    97 ") })
    try #require(lines[head + 4].contains(" hugetlb_fault+"))
    lines.removeSubrange(head + 1...head + 4)
    let edited = try #require(try analyze(Fixtures.temporary(lines)).thread(97))
    #expect(edited.loopStack.suffix(3) == ["io_wq_dec_running", "io_acct_run_queue", "do_raw_spin_lock"])
  }

  @Test func procStatGrowthAndTheExitingTaskInD() throws {
    let run = try analyze(Self.file(Fixtures.vanillaDir, "stacks.txt"))
    let w = try #require(run.thread(93))
    // "/proc stat: utime+stime 396 → 615 ticks over 2.21 s = 99% of a CPU, state R" in the text report.
    #expect(
      w.evidence.contains {
        if case .procStat(396, 615, let span, let share, [.running], _) = $0 {
          (2_200_000_000..<2_220_000_000).contains(span) && (98.5..<99.5).contains(share)
        } else {
          false
        }
      })
    #expect(w.evidence.contains(.ownerWaitsForWorkers(tid: 92, comm: "uffd_iou", frame: "io_wq_put_and_exit")))
    #expect(w.caveats.contains(.weakerThanTrace))
    #expect(!w.awaitsCorroboration)
    let b = try #require(run.files[0].blockedTasks.first { $0.tid == 92 })
    #expect(b.waitsForWorkers && b.workers == [93] && b.stack.first == "io_wq_put_and_exit")
    #expect(run.thread(91) == nil)  // the main thread in futex is neither a worker nor in the fault path
  }

  @Test func sysrqCatchesTheWorkerInTheArchFaultLoop() throws {
    let run = try analyze(Self.file(Fixtures.vanillaDir, "sysrq.txt"))
    let w = try #require(run.thread(93))
    #expect(
      w.evidence.first
        == .sighting(
          sighting: StackSighting(
            source: .runningBacktrace, line: 27, state: .running,
            frames: ["lock_mm_and_find_vma", "exc_page_fault", "asm_exc_page_fault", "fault_in_readable"])))
    let b = try #require(run.files[0].blockedTasks.first)
    #expect(b.tid == 92 && b.waitsForWorkers && b.stack.contains("io_wq_put_and_exit"))
  }

  @Test func busyWorkerWhoseReadableStacksAreAllInTheFaultPathSpins() throws {
    // Lab capture (fixtures/lab/vanilla/ringclose, README there): the worker's /proc stack was readable
    // in all three samples (state R, in hugetlb_fault) while it used 94% of a CPU; no exiting task.
    let run = try analyze(Fixtures.path("lab/vanilla/ringclose/stacks.txt"))
    let w = try #require(run.files[0].threads.first { $0.isWorker })
    #expect(w.verdict == .spinning)
    #expect(w.caveats.contains(.procEvidence(inFaultPath: 3, snapshots: 3)))
  }

  @Test func twoReadableStacksInTheFaultPathOfABusyWorkerAreEnough() throws {
    // Edit: the ringclose /proc samples cut before sample 3: two samples, both in the fault path.
    let lines = Fixtures.lines(Fixtures.path("lab/vanilla/ringclose/stacks.txt"))
    let third = try #require(lines.firstIndex { $0.hasPrefix("=== sample 3 ") })
    let two = Array(lines[..<third])
    let w = try #require(try analyze(Fixtures.temporary(two)).thread(95))
    #expect(w.verdict == .spinning)
    #expect(w.caveats.contains(.procEvidence(inFaultPath: 2, snapshots: 2)))
    // Edit: and the worker's second stack emptied (frames dropped): one in the fault path is not enough.
    let second = try #require(two.lastIndex { $0 == "--- tid 95 comm iou-wrk-93" })
    let one = Array(two[...(second + 2)])
    try #require(one.last == "stack:")
    let o = try #require(try analyze(Fixtures.temporary(one)).thread(95))
    #expect(o.verdict == .inconclusive)
    #expect(o.caveats.contains(.burnsCPUStackNotShown))
  }

  @Test func hungTaskAloneIsInconclusive() throws {
    let run = try analyze(Self.file(Fixtures.vanillaDir, "dmesg_hung.txt"))
    #expect(run.verdict == .inconclusive && run.exitCode == 3)
    #expect(
      run.reasons.contains(
        .waiterWithoutWorker(tid: 92, comm: "uffd_iou", file: Self.file(Fixtures.vanillaDir, "dmesg_hung.txt"))))
    let b = try #require(run.files[0].blockedTasks.first)
    #expect(b.reportedHung && b.waitsForWorkers)
    #expect(b.line == 1)  // the report's `INFO: task uffd_iou:92 blocked …` line
  }

  @Test func blockedTaskSightingsAreListedUpToThreeThenCounted() throws {
    // stacks.txt: task 92 in D in io_wq_put_and_exit in each of its 3 samples.
    let run = try analyze(Self.file(Fixtures.vanillaDir, "stacks.txt"))
    let b = try #require(run.files[0].blockedTasks.first { $0.tid == 92 })
    #expect(b.line == 16)  // the first frame of its first stack (no sched_switch in /proc input)
    #expect(b.evidence.count == 3 && b.evidence.allSatisfy { if case .sighting = $0 { true } else { false } })
    // Each sighting names the innermost three frames, where the task waits.
    let frames = b.evidence.compactMap { if case .sighting(let s) = $0 { s.frames } else { nil } }
    #expect(
      frames == Array(repeating: ["io_wq_put_and_exit", "io_uring_clean_tctx", "io_uring_cancel_generic"], count: 3))
  }

  @Test(arguments: ["perf.txt", "stacks.txt", "sysrq.txt"])
  func noSpinAfterTheFix(_ name: String) throws {
    let run = try analyze(Self.file(Fixtures.fixDir, name))
    #expect(run.exitCode == 0 && run.threads(in: .spinning).isEmpty && run.threads(in: .inconclusive).isEmpty)
  }

  @Test func ordinaryPageFaultsOfOtherTasksAreNotTheLoop() throws {
    // perf and sleep take ordinary (not userfaultfd) page faults in the fix capture.
    let run = try analyze(Self.file(Fixtures.fixDir, "perf.txt"))
    #expect(run.files[0].threads.isEmpty)
  }

  @Test func fixFolderSkipsTheEmptyHungTaskLog() throws {
    let run = try analyze(Fixtures.fixDir)
    let empty = try #require(run.files.first { $0.file.hasSuffix("dmesg_hung.txt") })
    // Skipped as empty, a normal result (JUnit says skipped, not error), as a live capture that
    // traced nothing is.
    #expect(empty.skipped == .empty && empty.isEmpty)
    #expect(RunAnalyzer.nothingCaptured("live").files.map(\.isEmpty) == [true])
    #expect(empty.lines == 0 && empty.lostEvents == 0 && empty.threads.isEmpty && empty.notes.isEmpty)
    #expect(run.exitCode == 0)
  }

  @Test func seedReportsTheWorkerSpinningAndSaysTheEvidenceIsWeak() throws {
    let run = try analyze(Self.seed)
    #expect(run.verdict == .spinning && run.exitCode == 1)
    let w = try #require(run.files[0].threads.first)
    #expect(w.comm == "iou-wrk-44588" && w.ownerTid == 44588 && w.verdict == .spinning)
    #expect(w.evidence.contains(.claimedCPUUsage(percent: 100)))
    #expect(w.caveats.contains(.pastedStacks(count: 1, withClaimedCPUUsage: true)))
    #expect(w.loopStack.last == "io_wq_worker_sleeping" && w.loopStack.contains("handle_userfault"))
    let b = try #require(run.files[0].blockedTasks.first)
    #expect(b.waitsForWorkers && b.stack.first == "io_wq_put_and_exit")
    #expect(b.evidence.contains { if case .sighting(let s) = $0 { s.state == .uninterruptible } else { false } })
  }

  @Test func foldersAndComparisonAcrossInputKinds() throws {
    #expect(try analyze(Fixtures.vanillaDir).verdict == .spinning)
    let confirmed = Comparison.compare(before: try analyze(Fixtures.vanillaDir), after: try analyze(Fixtures.fixDir))
    #expect(confirmed.verdict == .confirmed)
    // Sampled captures alone: the perf capture before, and the one after the fix (no worker at all).
    let sampled = Comparison.compare(
      before: try analyze(Self.file(Fixtures.vanillaDir, "perf.txt")),
      after: try analyze(Self.file(Fixtures.fixDir, "perf.txt")))
    #expect(sampled.verdict == .inconclusive)  // after shows no thread in the fault path: nothing proves the fix
    let unfixed = Comparison.compare(
      before: try analyze(Fixtures.vanillaDir), after: try analyze(Self.file(Fixtures.vanillaDir, "perf.txt")))
    #expect(unfixed.verdict == .notConfirmed)
  }
}
