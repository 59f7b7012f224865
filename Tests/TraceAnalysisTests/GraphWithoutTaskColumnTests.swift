import Foundation
import Testing

@testable import TraceAnalysis

/// function_graph as the kernel prints it with `funcgraph-proc` off (its default): no task column,
/// the task of each CPU known only from the context-switch banners (` 0)  <idle>-0  =>  iou-wrk-67 `).
/// Built from the vanilla threadexit capture; each test names its edit.
@Suite struct GraphWithoutTaskColumnTests {
  /// Edit: the task column (`  iou-wrk-67   |`) cut from every line that has one; with `noSched`,
  /// the sched event lines dropped too.
  static func edited(noSched: Bool) -> String {
    // `    4.861643 |   0)   iou-wrk-67   |               |  handle_userfault() {` loses `   iou-wrk-67   |`.
    let taskColumn = /^(\s*\d+\.\d+ \|\s+\d+\)) +\S+ +\|/
    let lines = Fixtures.lines(Fixtures.vanillaGraph).filter { !noSched || !$0.contains("/* sched_") }
    return Fixtures.temporary(lines.map { $0.replacing(taskColumn) { String($0.output.1) } })
  }

  @Test func theWorkerIsNamedByTheBannersAndStillSpins() throws {
    let path = Self.edited(noSched: true)
    try #require(
      Fixtures.lines(path).contains { $0.hasPrefix("    4.861643 |   0) ") && $0.hasSuffix("handle_userfault() {") })
    let run = try analyze(path)
    let v = try #require(run.thread(67))
    // The banner prints the comm cut to fit its column (`iou-wrk-67`: comm `iou-wrk`).
    #expect(v.comm == "iou-wrk" && v.isWorker)
    #expect(v.verdict == .spinning && run.exitCode == 1)
  }
}
