import Foundation
import Testing
import TraceAnalysis

@testable import TraceReport

@Suite struct CIReportTests {
  let vanillaDir = try! RunAnalyzer.analyze(
    fixtures.appendingPathComponent("vanilla-6.12.117/threadexit").path, options: AnalysisOptions())
  let fixDir = try! RunAnalyzer.analyze(
    fixtures.appendingPathComponent("fix-fail-fault/threadexit").path, options: AnalysisOptions())

  @Test func markdownHasTheVerdictAndOneTableRowPerThread() {
    let md = MarkdownReport.render(vanillaDir)
    #expect(md.hasPrefix("## iou-analyze: `"))
    #expect(md.contains("— **SPINNING**"))
    let rows = md.split(separator: "\n").filter { $0.hasPrefix("| `") && $0.contains("**SPINNING**") }
    #expect(rows.count == vanillaDir.threads(in: .spinning).count)
    #expect(md.contains("uffd_iou tid 92 in `io_wq_put_and_exit` (hung-task report)"))
    #expect(MarkdownReport.escape("a|b<c>") == "a\\|b&lt;c&gt;")
  }
}
