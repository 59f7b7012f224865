import Foundation
import Testing

@testable import TraceAnalysis

/// /proc stacks that show a worker in the fault path but not whether it loops: INCONCLUSIVE, never
/// an all-clear. Built from the real /proc samples of the uffd-retry-sleep live capture, whose worker
/// tid 160 sleeps in handle_userfault (states S and D, 1 tick of CPU time in 5.5 s).
@Suite struct FaultSnapshotStateTests {
  static let stacks = Fixtures.path("lab/live-capture/uffd-retry-sleep/overrun/hist-armed/stacks.txt")

  static func worker(_ path: String, _ configure: (inout AnalysisOptions) -> Void = { _ in }) throws -> ThreadVerdict {
    try #require(try analyze(path, configure).thread(160))
  }

  @Test func stacksWithoutStatLinesAreInconclusive() throws {
    #expect(try Self.worker(Self.stacks).verdict == .sleeping)
    // Edit: every `stat:` line dropped (`cat /proc/PID/task/*/stack` alone, as users often paste it).
    let path = Fixtures.temporary(Fixtures.lines(Self.stacks).filter { !$0.hasPrefix("stat: ") })
    let run = try analyze(path)
    #expect(run.verdict == .inconclusive && run.exitCode == 3)
    let v = try #require(run.thread(160))
    #expect(v.verdict == .inconclusive)
    #expect(v.caveats == [.faultSnapshotsUndecided(inFaultPath: 12, snapshots: 12, asleep: 0, cpuSharePercent: nil)])
    #expect(!v.evidence.contains(.noFaultPath))
  }

  @Test func asleepInTheFaultPathIsSleepingOnlyBelowTheAsleepShare() throws {
    let v = try Self.worker(Self.stacks)
    let share = try #require(v.procStatShare)
    #expect(share > 0)
    let below = try Self.worker(Self.stacks) { $0.thresholds.maxAsleepShare = share.nextUp }
    #expect(below.verdict == .sleeping)
    let at = try Self.worker(Self.stacks) { $0.thresholds.maxAsleepShare = share }
    #expect(at.verdict == .inconclusive)
    #expect(
      at.caveats == [.faultSnapshotsUndecided(inFaultPath: 12, snapshots: 12, asleep: 12, cpuSharePercent: share * 100)]
    )
  }
  @Test func theFirst256SnapshotsOfAThreadAreKeptAndThreeShown() throws {
    // Edit: sample 2 (the worker asleep in handle_userfault, its owner in nanosleep) repeated 300
    // times, each numbered and stamped 0.5 s after the one before: past the README's 256 kept.
    let lines = Fixtures.lines(Self.stacks)
    let from = try #require(lines.firstIndex(of: "=== sample 2 uptime 13.39"))
    let to = try #require(lines.firstIndex(of: "=== sample 3 uptime 13.88"))
    let body = lines[(from + 1)..<to]
    var edited = [lines[0]]
    for k in 0..<300 {
      edited.append("=== sample \(k + 1) uptime " + String(format: "%.2f", 13.39 + 0.5 * Double(k)))
      edited += body
    }
    let v = try Self.worker(Fixtures.temporary(edited))
    #expect(v.verdict == .sleeping)
    #expect(v.evidence.contains(.blockedInFaultSnapshots(count: 256, snapshots: 256)))
    let shown = v.evidence.compactMap { if case .sighting(let s) = $0 { s.line } else { nil } }
    // Each shown at the line of its first frame, in the first three samples.
    let first = try #require(edited.firstIndex { $0.hasPrefix("[<0>] handle_userfault") }) + 1
    #expect(shown == [first, first + body.count + 1, first + 2 * (body.count + 1)])
    // The CPU share is measured to the last of the 300 stat samples, and pictures keep the first
    // 256 stacks and 256 stat samples.
    let lastStat = try #require(edited.lastIndex { $0.hasPrefix("stat: 160 ") }) + 1
    let statLines = v.evidence.compactMap { if case .procStat(_, _, _, _, _, let l) = $0 { l } else { nil } }
    #expect(statLines.map(\.last) == [lastStat])
    #expect(v.snapshots.count == 512 && v.snapshots.filter { $0.cpuTicks != nil }.count == 256)
    // A stack in handle_userfault is in the fault path; a stat sample has no stack to be in it.
    #expect(v.snapshots.allSatisfy { $0.inFaultPath == ($0.cpuTicks == nil) })
  }
  @Test func aSysrqDumpOfAWorkerAsleepInTheFaultPathIsSleeping() throws {
    // A sysrq task dump has the state and the stack, no CPU time: asleep there (D) is a wait.
    let run = try analyze(Fixtures.path("lab/uffd-retry-sleep/cancel/sysrq.txt"))
    let v = try #require(run.thread(95))
    #expect(v.isWorker && v.verdict == .sleeping && v.cpuSharePercent == nil)
    #expect(v.tgid == 93)  // its `task:iou-wrk-93 … pid:95 tgid:93` line
    #expect(v.evidence.contains(.blockedInFaultSnapshots(count: 1, snapshots: 1)))
    #expect(run.exitCode == 0)
  }
  @Test func aWorkerWhoseStacksAreOutsideTheFaultPathIsNotInFault() throws {
    // lab/iowq-fail-fault/cancel: the worker's /proc stacks are in io-wq's idle wait, not in a fault.
    let run = try analyze(Fixtures.path("lab/iowq-fail-fault/cancel/stacks.txt"))
    let v = try #require(run.thread(93))
    #expect(v.isWorker && v.verdict == .notInFault)
    #expect(v.evidence.contains(.noFaultPath))
    #expect(v.snapshots.allSatisfy { !$0.inFaultPath })
  }
  @Test func aTaskSeenInDOutsideTheExitWaitIsStillABlockedTask() throws {
    // Edit: lab/vanilla/threadexit's sysrq-w dump with the exit-wait frames (io_wq_put_and_exit,
    // io_uring_clean_tctx, io_uring_cancel_generic) dropped from uffd_iou's stack: a task asleep in D
    // elsewhere, seen once, not from a hung-task report.
    let exitWait = ["io_wq_put_and_exit+", "io_uring_clean_tctx+", "io_uring_cancel_generic+"]
    let lines = Fixtures.lines(Fixtures.path("lab/vanilla/threadexit/sysrq.txt"))
    let edited = lines.filter { l in !exitWait.contains { l.contains(" \($0)") } }
    try #require(lines.count - edited.count == 3)
    let b = try #require(try analyze(Fixtures.temporary(edited)).files[0].blockedTasks.first { $0.tid == 96 })
    #expect(!b.waitsForWorkers && !b.reportedHung)
    #expect(b.stack.contains("__wait_for_common") && !b.stack.contains("io_wq_put_and_exit"))
    #expect(b.evidence.contains { if case .sighting(let s) = $0 { s.state == .uninterruptible } else { false } })
  }
}
