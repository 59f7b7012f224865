import Foundation
import Testing

@testable import TraceAnalysis

/// Linking blocked tasks to their io workers filtered every verdict once per blocked task:
/// 100 k blocked io-wq owners took 24 s (issue 10). It is one pass now.
@Suite struct ManyThreadsTests {
  /// `trace-cmd report` sched_switch lines in the form of the real capture's
  /// (fix-fail-fault/threadexit/trace-cmd-report.txt), for `count` owners blocked in D, each
  /// with one io worker that then sleeps.
  static func blockedOwners(_ count: Int) -> String {
    let real = Fixtures.lines(Fixtures.traceCmdReport)[1]
    precondition(real.hasSuffix("sched_switch:         trace-cmd:255 [120] S ==> swapper/1:0 [120]"))
    var text = "cpus=2\n"
    text.reserveCapacity(count * 200)
    for i in 0..<count {
      let owner = 1000 + 2 * i
      let worker = owner + 1
      text +=
        "    uffd_iou-\(owner)  [000]    59.269786: sched_switch:         uffd_iou:\(owner) [120] D ==> iou-wrk-\(owner):\(worker) [120]\n"
      text +=
        "    iou-wrk-\(owner)-\(worker)  [000]    59.269790: sched_switch:         iou-wrk-\(owner):\(worker) [120] S ==> swapper/0:0 [120]\n"
    }
    return text
  }

  @Test func fiftyThousandBlockedOwnersAreEachLinkedToTheirWorker() throws {
    let n = 50_000
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).txt").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(Self.blockedOwners(n).utf8)))
    let started = ContinuousClock.now
    let run = try analyze(path)
    let elapsed = ContinuousClock.now - started
    let blocked = run.files[0].blockedTasks
    #expect(blocked.count == n)
    #expect(blocked.allSatisfy { $0.workers == [$0.tid + 1] })
    // Quadratic linking alone took minutes here; linear analysis of 100 k lines takes seconds.
    #expect(elapsed < .seconds(60))
  }
}
