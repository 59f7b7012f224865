import Foundation
import Testing

/// Every analysis option changes the result on a real capture: each test fails when the CLI ignores
/// the option (the default gives the other answer, checked in the same test).
@Suite struct AnalysisOptionEffectTests {
  static let graph = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt")

  @Test func minRetriesAboveTheLoopsLengthLeavesItUndecided() throws {
    // The loop in the capture is 78 retries long and runs to the end of the window.
    #expect(try CLI.run(["analyze", "--min-retries", "78", Self.graph]).status == 1)
    let r = try CLI.run(["analyze", "--min-retries", "79", Self.graph])
    #expect(r.status == 3)
    #expect(r.stdout.contains("only 78 back-to-back retries before the capture ended (79 make a loop)"))
  }

  @Test func maxRetryGapSplitsTheLoopWhereItsRetriesAreFurtherApart() throws {
    // Edit: every line from the 6th retry of the loop on is stamped 60 ms later.
    var lines = try String(contentsOfFile: Self.graph, encoding: .utf8).components(separatedBy: "\n")
    let entries = lines.indices.filter {
      lines[$0].contains(" iou-wrk-67 ") && lines[$0].hasSuffix("handle_userfault() {")
    }
    for i in entries[6]..<lines.count {
      guard let bar = lines[i].firstIndex(of: "|"),
        let t = Double(lines[i][..<bar].trimmingCharacters(in: .whitespaces))
      else { continue }
      lines[i] = String(format: "%12.6f ", t + 0.060) + lines[i][bar...]
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("gap-\(UUID().uuidString).txt").path
    try lines.joined(separator: "\n").write(toFile: file, atomically: false, encoding: .utf8)
    #expect(try CLI.run(["analyze", Self.graph]).stdout.contains("78 back-to-back fault retries"))
    #expect(try CLI.run(["analyze", file]).stdout.contains("73 back-to-back fault retries"))
    #expect(
      try CLI.run(["analyze", "--max-retry-gap-ms", "61", file]).stdout.contains("78 back-to-back fault retries"))
  }

  @Test func hangMsDecidesWhetherAWorkerAsleepToTheEndIsAResidualHang() throws {
    // seed-series threadexit: the worker sleeps in handle_userfault to the end of its capture.
    let before = CLI.fixture("lab/vanilla/threadexit")
    let after = CLI.fixture("lab/seed-series/threadexit")
    let asleep = "asleep in the fault path"
    #expect(try CLI.run(["compare", before, after]).stdout.contains(asleep))
    let r = try CLI.run(["compare", "--hang-ms", "86400000", before, after])
    #expect(r.status == 0)
    #expect(!r.stdout.contains(asleep))
  }

  @Test func aRuleFileReplacesTheBuiltInRule() throws {
    // The built-in rule with another retry function: nothing in the capture retries it.
    let rule = """
      {"name": "another function", "retryFunctions": ["no_such_function"], "faultPathFrames": ["no_such_function"],
       "scheduleFunctions": ["schedule"], "exitWaitFrames": ["io_wq_put_and_exit"], "workerCommPrefixes": ["iou-wrk"],
       "expectedCallers": []}
      """
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("rule-\(UUID().uuidString).json").path
    try rule.write(toFile: file, atomically: false, encoding: .utf8)
    #expect(try CLI.run(["analyze", Self.graph]).status == 1)
    let r = try CLI.run(["analyze", "--rule", file, Self.graph])
    #expect(r.status == 0)
    #expect(r.stdout.contains("NOT_IN_FAULT"))
  }

  @Test func threadKeepsOnlyTheNamedThread() throws {
    // Tid 66 is the exiting task: in the trace, but not in the fault path.
    #expect(try CLI.run(["analyze", "--thread", "67", Self.graph]).status == 1)
    let r = try CLI.run(["analyze", "--thread", "66", Self.graph])
    #expect(r.status == 0)
    #expect(!r.stdout.contains("iou-wrk-66 tid 67"))
  }

  @Test func formatForcesTheParser() throws {
    // The perf capture read as ftrace: no line of it is function_graph or event text.
    let perf = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/perf.txt")
    #expect(try CLI.run(["analyze", perf]).status == 1)
    #expect(try CLI.run(["analyze", "--format", "ftrace", perf]).status == 2)
  }
}
