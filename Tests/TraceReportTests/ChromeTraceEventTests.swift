import Foundation
import Testing
import TraceAnalysis

@testable import TraceReport

/// The Perfetto/Chrome export of the bundled folders, checked against the Trace Event Format's
/// rules, carries every kind of evidence.
@Suite struct ChromeTraceEventTests {
  static func events(_ runs: [RunAnalysis]) throws -> [[String: Any]] {
    let json = try ChromeTraceReport.render(runs)
    let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(doc["displayTimeUnit"] as? String == "ms")
    return try #require(doc["traceEvents"] as? [[String: Any]])
  }

  /// The format's rules for the phases used here (Trace Event Format, "Event Descriptions").
  static func checkFormat(_ events: [[String: Any]]) {
    let metadata: Set<String> = ["process_name", "process_labels", "process_sort_index", "thread_name"]
    for e in events {
      let ph = e["ph"] as? String
      #expect(e["name"] is String && e["pid"] is Int && e["tid"] is Int, "\(e)")
      switch ph {
      case "M":
        #expect(metadata.contains(e["name"] as? String ?? ""), "\(e)")
        #expect(e["args"] is [String: Any])
      case "X":
        #expect((e["ts"] as? Double).map { $0 >= 0 } == true && (e["dur"] as? Double).map { $0 >= 0 } == true, "\(e)")
      case "i":
        #expect(e["ts"] is Double && ["t", "p", "g"].contains(e["s"] as? String ?? ""), "\(e)")
      default:
        Issue.record("unexpected phase \(ph ?? "nil") in \(e)")
      }
    }
  }

  @Test func everyEvidenceKindOfTheVanillaFolderIsOnATrack() throws {
    let path = fixtures.appendingPathComponent("vanilla-6.12.117/threadexit").path
    let run = try RunAnalyzer.analyze(path, options: AnalysisOptions())
    let events = try Self.events([run])
    Self.checkFormat(events)
    let cats = Set(events.compactMap { $0["cat"] as? String })
    #expect(cats.isSuperset(of: ["phase", "retry", "sample", "snapshot", "blocked"]))
    // One process per capture, named after the file and its folder.
    let processes = events.filter { $0["name"] as? String == "process_name" }.compactMap {
      ($0["args"] as? [String: Any])?["name"] as? String
    }
    #expect(processes.count == run.files.filter { $0.skipped == nil }.count)
    #expect(processes.contains("perf.txt (threadexit)"))
    // Every retry of the spin, and every perf sample with its stack.
    let retries = run.files.flatMap(\.threads).flatMap(\.episodes).flatMap(\.retries).count
    #expect(events.filter { $0["cat"] as? String == "retry" }.count == retries)
    let sample = try #require(events.first { $0["cat"] as? String == "sample" })
    let stack = (sample["args"] as? [String: Any])?["stack"] as? [String]
    #expect(stack?.first == "ret_from_fork_asm" && stack?.contains("handle_userfault") == true)
    // The hung-task report's task, and the D stretch of function_graph.
    #expect(events.contains { $0["name"] as? String == "reported hung" })
    #expect(events.contains { $0["name"] as? String == "blocked in D" && $0["ph"] as? String == "X" })
  }

  @Test func lostEventsAreProcessInstants() throws {
    // The real fix capture with a lost-events line inserted (trace.c's form), named as an edit.
    var lines = try String(
      contentsOfFile: fixtures.appendingPathComponent("fix-fail-fault/threadexit/fgraph_proc.txt").path, encoding: .utf8
    ).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.insert("CPU:1 [LOST 5120 EVENTS]", at: 300)
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).txt").path
    #expect(FileManager.default.createFile(atPath: p, contents: Data(lines.joined(separator: "\n").utf8)))
    let events = try Self.events([try RunAnalyzer.analyze(p, options: AnalysisOptions())])
    Self.checkFormat(events)
    let lost = try #require(events.first { $0["cat"] as? String == "lost" })
    #expect(lost["s"] as? String == "p")
    #expect((lost["args"] as? [String: Any])?["events"] as? Int == 5120)
    #expect((lost["ts"] as? Double ?? 0) > 0)
  }
}
