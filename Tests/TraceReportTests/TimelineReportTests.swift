import Foundation
import Testing
import TraceAnalysis

@testable import TraceReport

@Suite struct TimelineReportTests {
  let vanilla = try! RunAnalyzer.analyze(
    fixtures.appendingPathComponent("vanilla-6.12.117/threadexit/fgraph_proc.txt").path, options: AnalysisOptions())
  let fix = try! RunAnalyzer.analyze(
    fixtures.appendingPathComponent("fix-fail-fault/threadexit/fgraph_proc.txt").path, options: AnalysisOptions())

  @Test func chromeTraceHasOneCompleteEventPerPhaseAndBlockedTask() throws {
    let json = try ChromeTraceReport.render([vanilla])
    let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let events = try #require(doc["traceEvents"] as? [[String: Any]])
    let complete = events.filter { $0["ph"] as? String == "X" }
    #expect(complete.map { $0["name"] as? String } == ["SLEEPING", "SPINNING", "blocked in D"])
    let spin = complete[1]
    #expect(spin["tid"] as? Int == 67)
    // 5.177209 s → microseconds; it lasts until the end of the window (5.186785 s).
    #expect(abs((spin["ts"] as? Double ?? 0) - 5_177_209) < 1)
    #expect(abs((spin["dur"] as? Double ?? 0) - 9_576) < 1)
    #expect(
      events.contains {
        $0["ph"] as? String == "M" && ($0["args"] as? [String: Any])?["name"] as? String == "iou-wrk-66 (67)"
      })
  }

  @Test func htmlIsSelfContainedWithOneBarPerPhase() {
    let html = HTMLReport.render([vanilla])
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(!html.contains("<link") && !html.contains("src="))  // its scripts are inline
    #expect(html.components(separatedBy: "<rect class=\"spinning\"").count - 1 == 1)
    #expect(html.components(separatedBy: "<rect class=\"sleeping\"").count - 1 == 1)
    #expect(html.components(separatedBy: "<rect class=\"blocked\"").count - 1 == 1)
    #expect(html.contains("<span class=\"v spinning\">SPINNING</span>"))
  }

  @Test func htmlOfAComparisonLeadsWithItsVerdict() {
    let html = HTMLReport.render(Comparison.compare(before: vanilla, after: fix))
    #expect(html.contains("<h1>compare: <span class=\"v resolved\">CONFIRMED</span></h1>"))
    #expect(html.contains("residual hang: none seen after the fix"))
    #expect(HTMLReport.escape("<a & \"b\">") == "&lt;a &amp; &quot;b&quot;&gt;")
  }
}
