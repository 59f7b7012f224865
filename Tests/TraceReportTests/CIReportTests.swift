import Foundation
import FoundationXML
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

  @Test func junitIsWellFormedWithAFailurePerSpinningThread() throws {
    let xml = JUnitReport.render([vanillaDir, fixDir])
    let doc = try XMLDocument(xmlString: xml)
    let suites = try doc.nodes(forXPath: "/testsuites/testsuite")
    #expect(suites.count == 2)
    let failures = try doc.nodes(forXPath: "/testsuites/testsuite[1]/testcase/failure")
    #expect(failures.count == vanillaDir.threads(in: .spinning).count)
    #expect(try doc.nodes(forXPath: "/testsuites/testsuite[2]//failure").isEmpty)
    // The empty dmesg of the fix run (no hung task) is skipped, not an error.
    #expect(try doc.nodes(forXPath: "/testsuites/testsuite[2]/testcase[@name='read']/skipped").count == 1)
    // Without the TraceDat module (this test target does not link it) trace.dat is an unread file.
    let errors = try doc.nodes(forXPath: "/testsuites/testsuite[2]/testcase[error]/@classname").map {
      $0.stringValue ?? ""
    }
    #expect(errors.count == 1 && errors[0].hasSuffix("trace.dat"))
  }

  @Test func junitOfAComparisonFailsOnlyWhenNotConfirmed() throws {
    let confirmed = try XMLDocument(
      xmlString: JUnitReport.render(Comparison.compare(before: vanillaDir, after: fixDir)))
    #expect(try confirmed.nodes(forXPath: "/testsuites/testsuite[1]/testcase/failure").isEmpty)
    var unfixed = vanillaDir
    unfixed.input += " (a second capture)"
    let still = try XMLDocument(xmlString: JUnitReport.render(Comparison.compare(before: vanillaDir, after: unfixed)))
    #expect(try still.nodes(forXPath: "/testsuites/testsuite[1]/testcase/failure").count == 1)
  }

  @Test func xmlEscapingCoversMarkupAndControlCharacters() {
    #expect(JUnitReport.escape("a<b & \"c\"\u{1}") == "a&lt;b &amp; &quot;c&quot;?")
  }
}
