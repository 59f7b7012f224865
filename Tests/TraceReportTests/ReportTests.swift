import Foundation
import Testing
import TraceAnalysis

@testable import TraceReport

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("fixtures/shared-traces")

@Suite struct ReportTests {
  let vanilla = try! RunAnalyzer.analyze(
    fixtures.appendingPathComponent("vanilla-6.12.117/threadexit/fgraph_proc.txt").path, options: AnalysisOptions())
  let fix = try! RunAnalyzer.analyze(
    fixtures.appendingPathComponent("fix-fail-fault/threadexit/fgraph_proc.txt").path, options: AnalysisOptions())

  @Test func textStartsWithTheVerdictAndCitesLines() {
    let text = TextReport().render(vanilla)
    #expect(text.split(separator: "\n").first!.hasSuffix(": SPINNING"))
    #expect(text.contains("SPINNING: lines 271–6000"))
    #expect(text.contains("SLEEPING lines 102–270"))
    #expect(!text.contains("\u{1B}["))
  }

  @Test func colourOnlyWhenAsked() {
    #expect(TextReport(colour: true).render(vanilla).contains("\u{1B}[1;31mSPINNING"))
  }

  @Test func jsonRoundTripsToTheSameAnalysis() throws {
    let json = try JSONReport.render([vanilla])
    let back = try JSONDecoder().decode(JSONReport.Document.self, from: Data(json.utf8))
    #expect(back.runs == [vanilla])
    #expect(back.schemaVersion == 2 && back.command == "analyze" && back.exitCode == 1)
  }

  @Test func comparisonTextNamesVerdictAndResidualHangs() {
    let c = Comparison.compare(before: vanilla, after: fix)
    let text = TextReport().render(c)
    #expect(text.hasPrefix("compare: CONFIRMED\n"))
    #expect(text.contains("--- before"))
    #expect(text.contains("--- after"))
  }
}
