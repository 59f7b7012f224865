import Foundation
import Testing
import TraceParse

@testable import TraceAnalysis

/// /proc snapshots of a thread that is not an io worker and burns a CPU in system time while its
/// stack reads empty (it is running): INCONCLUSIVE with that reason, never an all-clear. Built
/// from the real /proc samples of the vanilla run (vanilla-6.12.117/threadexit/stacks.txt), whose
/// worker tid 93 burns a CPU with an empty stack; each test names its edits.
@Suite struct ProcBusyThreadTests {
  static let stacks = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/stacks.txt")

  /// Edit: the worker renamed from `iou-wrk-92` to `uffd_iou` (the process's own name: a thread
  /// that is not an io worker), in its `--- tid` and `stat:` lines; `withoutWaiter` also drops the
  /// sections of tid 92 (the task blocked in io_wq_put_and_exit).
  static func renamed(withoutWaiter: Bool = false) -> [String] {
    edited(rename: true, withoutWaiter: withoutWaiter)
  }

  /// The capture with the worker renamed (`rename`, see ``renamed(withoutWaiter:)``) and the
  /// sections of tid 92 dropped (`withoutWaiter`).
  static func edited(rename: Bool, withoutWaiter: Bool) -> [String] {
    var out: [String] = []
    var skipping = false
    for line in Fixtures.lines(stacks) {
      if line.hasPrefix("--- tid ") || line.hasPrefix("=== ") {
        skipping = withoutWaiter && line.hasPrefix("--- tid 92 ")
      }
      if skipping { continue }
      out.append(rename ? line.replacingOccurrences(of: "iou-wrk-92", with: "uffd_iou") : line)
    }
    return out
  }

  /// The stime ticks of tid 93 moved to utime (fields 14 and 15 of its stat lines swapped).
  static func inUserTime(_ lines: [String]) -> [String] {
    lines.map { l in
      guard l.hasPrefix("stat: 93 ") else { return l }
      var f = l.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
      // f[0] is `stat:`, so /proc's field n is f[n].
      f.swapAt(14, 15)
      return f.joined(separator: " ")
    }
  }

  @Test func theEditRenamesOnlyTheWorker() {
    let lines = Self.renamed()
    #expect(lines.contains("--- tid 93 comm uffd_iou"))
    #expect(!lines.contains { $0.contains("iou-wrk") })
    #expect(Self.renamed(withoutWaiter: true).allSatisfy { !$0.contains("tid 92") && !$0.hasPrefix("stat: 92 ") })
  }

  @Test func aBusyThreadOutsideIoWqWithAnEmptyStackIsInconclusive() throws {
    let run = try analyze(Fixtures.temporary(Self.renamed()))
    #expect(run.verdict == .inconclusive && run.exitCode == 3)
    let t = try #require(run.thread(93))
    #expect(!t.isWorker && t.verdict == .inconclusive)
    guard case .busyInKernelStackNotShown(let p) = try #require(t.caveats.first) else {
      Issue.record("caveats \(t.caveats)")
      return
    }
    #expect(p > 99 && p < 100)
    // Not a worker: the task blocked waiting for its workers does not make it a spin.
    #expect(!t.evidence.contains { if case .ownerWaitsForWorkers = $0 { true } else { false } })
  }

  @Test func theBusyLimitIsABoundary() throws {
    // 219 stime ticks over 2.21 s = 99.1% of a CPU; without the waiter nothing else is undecided.
    // A task at exactly the limit is in scope, one ulp under it is not.
    let path = Fixtures.temporary(Self.renamed(withoutWaiter: true))
    let share = try #require(try analyze(path).thread(93)?.procStatShare)
    #expect(abs(share - 219.0 / 100 / 2.21) < 1e-3)
    let inScope = try analyze(path) { $0.thresholds.minBusyShare = share }
    #expect(inScope.thread(93)?.verdict == .inconclusive && inScope.exitCode == 3)
    #expect(
      inScope.thread(93)?.caveats.contains { if case .busyInKernelStackNotShown = $0 { true } else { false } } == true)
    let outOfScope = try analyze(path) { $0.thresholds.minBusyShare = share.nextUp }
    #expect(outOfScope.thread(93) == nil && outOfScope.exitCode == 0)
  }

  @Test func aBusyWorkerWithNoReadableStackIsUndecidedFromTheBusyLimitOn() throws {
    // Edit: the sections of tid 92 (the waiter) dropped; the worker keeps its name.
    let path = Fixtures.temporary(Self.edited(rename: false, withoutWaiter: true))
    let share = try #require(try analyze(path).thread(93)?.procStatShare)
    let at = try #require(try analyze(path) { $0.thresholds.minBusyShare = share }.thread(93))
    #expect(at.verdict == .inconclusive && at.caveats.contains(.burnsCPUStackNotShown))
    let over = try #require(try analyze(path) { $0.thresholds.minBusyShare = share.nextUp }.thread(93))
    #expect(!over.caveats.contains(.burnsCPUStackNotShown))
  }

  @Test func burningUserTimeIsNoKernelLoop() throws {
    let run = try analyze(Fixtures.temporary(Self.inUserTime(Self.renamed(withoutWaiter: true))))
    #expect(run.thread(93) == nil && run.exitCode == 0)
  }

  @Test(arguments: ["vanilla", "iowq-fail-fault", "seed-series"])
  func theRealWriteSignalSubmitterIsNotAnAllClear(_ kernel: String) throws {
    // Real: in the write-signal scenario the submitting thread itself (not an io worker) spins
    // in the fault path at ~99% of a CPU (its README: spin_comm=uffd_iou); /proc shows it running
    // with an empty stack.
    let run = try analyze(Fixtures.path("lab/\(kernel)/write-signal/stacks.txt"))
    #expect(run.exitCode == 3)
    let busy = run.files.flatMap(\.threads).filter { t in
      !t.isWorker && t.caveats.contains { if case .busyInKernelStackNotShown = $0 { true } else { false } }
    }
    #expect(busy.count == 1 && busy.first?.comm == "uffd_iou")
  }

  @Test func aTaskThatIsNoWorkerInAnOrdinaryPageFaultIsOutOfScope() throws {
    // lab/uffd-retry-sleep/write-signal: the submitting thread (tid 94, no io worker) asleep in
    // handle_userfault in all three /proc samples. Edit: its `handle_userfault` frame lines removed,
    // so its stacks show an ordinary hugetlb page fault (hugetlb_fault ← handle_mm_fault ← …).
    let path = Fixtures.path("lab/uffd-retry-sleep/write-signal/stacks.txt")
    #expect(try analyze(path).thread(94)?.verdict == .sleeping)
    let lines = Fixtures.lines(path)
    let edited = lines.filter { !$0.hasPrefix("[<0>] handle_userfault+") }
    try #require(lines.count - edited.count == 3 && edited.contains { $0.hasPrefix("[<0>] hugetlb_fault+") })
    #expect(try analyze(Fixtures.temporary(edited)).thread(94) == nil)
  }
}
