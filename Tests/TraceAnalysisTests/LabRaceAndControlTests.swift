import Foundation
import Testing

@testable import TraceAnalysis

/// Verdicts on the lab captures of issue 11 (fixtures/lab/<kernel>/<scenario>, see their READMEs): the
/// seed's whole-process SIGKILL race, healthy busy-userfaultfd controls, many workers at once.
@Suite struct LabRaceAndControlTests {
  func lab(_ path: String) -> String { Fixtures.path("lab/\(path)") }

  /// The analysis of one file of a folder's run.
  func file(_ run: RunAnalysis, _ name: String) throws -> FileAnalysis {
    try #require(run.files.first { $0.file.hasSuffix("/\(name)") }, "no \(name) in \(run.input)")
  }

  @Test func theSeedsRaceSpinsAWorkerWhileTheKilledProcessWaitsInIoWqPutAndExit() throws {
    let run = try analyze(lab("vanilla/race"))
    #expect(run.exitCode == 1)
    // function_graph: the idle bound worker took the linked write after its SIGKILL and loops; the
    // unbound worker whose write failed on SIGKILL exited; the main thread is in D.
    let graph = try file(run, "fgraph_proc.txt")
    let spinning = graph.threads.filter { $0.verdict == .spinning }
    #expect(spinning.count == 1)
    #expect(spinning.allSatisfy { $0.isWorker })
    #expect(graph.threads.contains { $0.isWorker && $0.verdict == .resolved })
    #expect(!graph.blockedTasks.isEmpty)
    // /proc stacks (another iteration that spun): the exiting task waits for its workers, from a
    // whole-process SIGKILL (do_exit <- do_group_exit <- get_signal), and a worker burns a CPU.
    let stacks = try file(run, "stacks.txt")
    #expect(stacks.threads.contains { $0.isWorker && $0.verdict == .spinning })
    let exiting = try #require(stacks.blockedTasks.first { $0.waitsForWorkers })
    #expect(exiting.stack.contains("io_wq_put_and_exit"))
    let exitPath = ["do_exit", "do_group_exit", "get_signal"]
    #expect(exitPath.allSatisfy { exiting.stack.contains($0) })
    #expect(try file(run, "dmesg_hung.txt").blockedTasks.contains { $0.reportedHung && $0.waitsForWorkers })
  }
}

/// `iou-analyze capture --until-verdict` run in the lab guest against the race (fixtures/lab/live-capture-race).
@Suite struct LabRaceLiveCaptureTests {
  @Test func theSavedFolderOfACaptureThatStoppedOnTheRaceSpins() throws {
    let run = try analyze(Fixtures.path("lab/live-capture-race/vanilla/capture"))
    #expect(run.exitCode == 1)
    // iteration 7's victim (pid 201): its bound worker spins; earlier victims' workers resolved.
    let spinning = run.threads(in: .spinning).map(\.thread)
    #expect(Set(spinning.map(\.tid)) == [203])
    #expect(spinning.allSatisfy { $0.isWorker && $0.comm == "iou-wrk-201" })
    #expect(run.threads(in: .resolved).count >= 3)
  }
}

/// The race on each fix series, compared with vanilla's.
@Suite struct LabRaceFixTests {
  func compare(_ kernel: String) throws -> Comparison {
    Comparison.compare(
      before: try analyze(Fixtures.path("lab/vanilla/race")), after: try analyze(Fixtures.path("lab/\(kernel)/race")))
  }

  @Test func failingTheFaultCuresTheRaceWithNoHangLeft() throws {
    // iowq-fail-fault: no victim of 400 survived its SIGKILL; in the last one the idle bound worker
    // took the linked write after its SIGKILL, and its fault failed after one quick retry.
    let c = try compare("iowq-fail-fault")
    #expect(c.verdict == .confirmed)
    #expect(c.residualHangs.isEmpty)
  }

  @Test(arguments: ["seed-series", "uffd-retry-sleep"])
  func aSleepingFixLeavesTheKilledProcessHungInIoWqPutAndExit(kernel: String) throws {
    // The worker sleeps in the fault path for good (its SIGKILL was consumed), so the whole-process
    // SIGKILL never completes: the exit waits in io_wq_put_and_exit, with a hung-task report.
    let c = try compare(kernel)
    #expect(c.verdict == .confirmed)
    #expect(
      c.residualHangs.contains {
        if case .blockedInD(let frame?, _, true) = $0.kind { frame.hasPrefix("io_wq_put_and_exit") } else { false }
      })
    #expect(c.residualHangs.contains { if case .asleepInFaultPath = $0.kind { true } else { false } })
  }
}

/// Healthy busy-userfaultfd controls: 10240 faults, each served at once by a UFFDIO_COPY handler.
@Suite struct LabBusyUserfaultfdControlTests {
  static let folders = ["vanilla", "seed-series", "uffd-retry-sleep", "iowq-fail-fault"].flatMap {
    ["\($0)/busy-uffd-iouring", "\($0)/busy-uffd-write"]
  }

  @Test(arguments: folders)
  func noThreadSpinsInAnyFileOfABusyHealthyControl(folder: String) throws {
    let run = try analyze(Fixtures.path("lab/\(folder)"))
    #expect(run.files.count >= 5)
    for f in run.files {
      let spinning = f.threads.filter { $0.verdict == .spinning }.map { "\($0.comm) tid \($0.tid)" }
      #expect(spinning.isEmpty, "\(f.file): \(spinning)")
    }
    // The function_graph windows (20000 lines) hold about a hundred served faults each, with and without sched events.
    for name in ["fgraph_proc.txt.gz", "fgraph_nosched.txt.gz"] {
      let f = try #require(run.files.first { $0.file.hasSuffix("/\(name)") })
      let faults = f.threads.flatMap(\.episodes).reduce(0) { $0 + $1.faultCalls }
      #expect(faults >= 50, "\(name): \(faults) fault calls")
    }
  }

  @Test(arguments: folders)
  func aBusyHealthyControlIsNoSpin(folder: String) throws {
    // perf.txt workers with one or two fault-path samples are on-CPU 5-10% of the time: SLEEPING.
    #expect(try analyze(Fixtures.path("lab/\(folder)")).exitCode == 0)
  }

  @Test(arguments: ["vanilla/busy-uffd-write", "uffd-retry-sleep/busy-uffd-iouring", "iowq-fail-fault/busy-uffd-write"])
  func aWindowEndingInAFewQuickRetriesAfterLongerOnesBeforeSleepsIsStillSleeping(folder: String) throws {
    // These fgraph_nosched windows (no sched events) end inside a few quick retries of a thread that
    // slept in every earlier fault, some of them after more quick retries than that.
    let f = try #require(try analyze(Fixtures.path("lab/\(folder)/fgraph_nosched.txt.gz")).files.first)
    let ends = f.threads.compactMap { t in
      t.episodes.last?.facts.lazy.compactMap { fact -> (Int, Int)? in
        if case .quickRetriesAtEndAsBeforeSleeping(let n, let most) = fact { (n, most) } else { nil }
      }.first.map { (t.verdict, $0) }
    }
    #expect(!ends.isEmpty)
    for (verdict, (n, most)) in ends { #expect(verdict == .sleeping && n >= 1 && n <= most) }
  }

  @Test func tenQuickRetriesBetweenInferredSleepsAreNoSpin() throws {
    // vanilla/busy-uffd-write-false-spin (the timed lab run of this session): a healthy write(2)
    // thread, uffd_io-113, makes 10 quick retries (0.57 ms each) between calls whose sleeps are
    // inferred (no sched events); it was called SPINNING.
    let dir = Fixtures.path("lab/vanilla/busy-uffd-write-false-spin")
    let f = try analyze("\(dir)/fgraph_nosched.txt.gz").files[0]
    let w = try #require(f.threads.first { $0.tid == 113 })
    #expect(w.verdict == .inconclusive)
    let loop = try #require(w.episodes.first { $0.facts == [.loopEndedInInferredSleep(retries: 10)] })
    // Sleeps followed it: it did not last until the end of the capture.
    #expect(!loop.untilEndOfCapture)
    #expect(try analyze(dir).exitCode != 1)
    // With --min-retries 11 the same 10 retries are no loop at all, and the thread sleeps.
    let eleven = try analyze("\(dir)/fgraph_nosched.txt.gz") { $0.thresholds.minRetries = 11 }
    #expect(eleven.thread(113)?.verdict == .sleeping)
  }

  @Test func blockedTimeIsStatedOnlyWhereSchedEventsMeasuredIt() throws {
    let dir = Fixtures.path("lab/vanilla/busy-uffd-iouring")
    func sleeps(_ name: String) throws -> [Episode] {
      try analyze("\(dir)/\(name)").files[0].threads.flatMap(\.episodes).filter { $0.verdict == .sleeping }
    }
    let measured = try sleeps("fgraph_proc.txt.gz").flatMap(\.facts).compactMap { f -> Int64? in
      if case .blockedOffCPU(let d) = f { d } else { nil }
    }
    #expect(!measured.isEmpty && measured.allSatisfy { $0 > 0 })
    let inferred = try sleeps("fgraph_nosched.txt.gz")
    #expect(!inferred.isEmpty)
    #expect(!inferred.flatMap(\.facts).contains { if case .blockedOffCPU = $0 { true } else { false } })
  }

  @Test func quickRetriesAtTheEndDecideOnlyUpToTheMostSeenBeforeASleep() throws {
    // vanilla/busy-uffd-write/fgraph_nosched.txt.gz, uffd_io-109: its most quick retries before a
    // sleep are 3 until the 4 before its sleeping call at line 15127. Cuts: just before the 4th of
    // those 4 (3 quick retries at the end) and just before the sleeping call (4 at the end).
    let lines = try Fixtures.gunzip(Fixtures.path("lab/vanilla/busy-uffd-write/fgraph_nosched.txt.gz"))
    let entries = CaptureEdits.entries(lines, comm: "uffd_io-109")
    let sleeping = try #require(entries.firstIndex(of: 15126))
    func last(_ cut: Int) throws -> Episode? {
      try analyze(Fixtures.temporary(Array(lines[..<cut]))).thread(109)?.episodes.last
    }
    let three = try #require(try last(entries[sleeping - 1]))
    #expect(three.verdict == .sleeping)
    #expect(three.facts.last == .quickRetriesAtEndAsBeforeSleeping(retries: 3, mostBeforeSleep: 3))
    let four = try #require(try last(entries[sleeping]))
    #expect(four.verdict == .inconclusive)
    #expect(four.facts == [.tooFewRetriesAtEnd(retries: 4, needed: 10)])
  }
}
