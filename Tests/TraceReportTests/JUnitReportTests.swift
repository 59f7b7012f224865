import Foundation
import FoundationXML
import Testing
import TraceAnalysis

@testable import TraceReport

/// JUnit reports as CI systems read them: valid by the rules of Jenkins xunit's schema, counts that
/// agree with the exit status, times, and class names that are not file paths.
@Suite struct JUnitReportTests {
  static func run(_ relative: String) -> RunAnalysis {
    try! RunAnalyzer.analyze(fixtures.appendingPathComponent(relative).path, options: AnalysisOptions())
  }
  static func lab(_ relative: String) -> RunAnalysis {
    try! RunAnalyzer.analyze(
      fixtures.deletingLastPathComponent().appendingPathComponent("lab/\(relative)").path, options: AnalysisOptions())
  }

  let vanilla = Self.run("vanilla-6.12.117/threadexit")
  let fix = Self.run("fix-fail-fault/threadexit")
  /// The unfixed run again under another name (the same path twice is INCONCLUSIVE).
  var unfixed: RunAnalysis {
    var r = vanilla
    r.input += " (a second capture)"
    return r
  }

  func reports() -> [(String, String)] {
    [
      ("analyze vanilla", JUnitReport.render([vanilla])),
      ("analyze vanilla+fix", JUnitReport.render([vanilla, fix])),
      ("compare confirmed", JUnitReport.render(Comparison.compare(before: vanilla, after: fix))),
      ("compare not confirmed", JUnitReport.render(Comparison.compare(before: vanilla, after: unfixed))),
      (
        "compare inconclusive",
        JUnitReport.render(
          Comparison.compare(before: Self.run("vanilla-6.12.117/threadexit/dmesg_hung.txt"), after: fix))
      ),
      (
        "compare with a residual hang",
        JUnitReport.render(
          Comparison.compare(before: Self.lab("vanilla/cancel"), after: Self.lab("uffd-retry-sleep/cancel")))
      ),
    ]
  }

  @Test func everyReportFollowsTheXunitSchema() {
    for (name, xml) in reports() {
      #expect(JUnitSchemaRules.violations(xml) == [], "\(name)")
    }
  }

  @Test func theSchemaChecksCatchWhatJenkinsRejects() {
    // The checks must be able to fail: each edit breaks one rule of junit-10.xsd.
    let good = JUnitReport.render([vanilla])
    let broken = [
      good.replacingOccurrences(of: "<testsuite name=", with: "<testsuite nom="),
      good.replacingOccurrences(of: "time=\"0.325142\"", with: "time=\"-1\""),
      good.replacingOccurrences(of: "<properties>", with: "<properties><bogus/>"),
      good.replacingOccurrences(
        of: " failures=\"1\" errors=\"0\" skipped=\"0\"", with: " failures=\"0\" errors=\"0\" skipped=\"0\""),
      good.replacingOccurrences(of: "<failure type=", with: "<failure kind="),
    ]
    for xml in broken {
      #expect(xml != good)
      #expect(!JUnitSchemaRules.violations(xml).isEmpty)
    }
  }

  @Test func aConfirmedCompareHasNoFailureAndOnlyTheVerdictCase() throws {
    let doc = try XMLDocument(xmlString: JUnitReport.render(Comparison.compare(before: vanilla, after: fix)))
    #expect(try doc.nodes(forXPath: "//failure").isEmpty)
    #expect(try doc.nodes(forXPath: "//error").isEmpty)
    #expect(try doc.nodes(forXPath: "/testsuites/testsuite").count == 1)
    let cases = try doc.nodes(forXPath: "//testcase/@name").map { $0.stringValue ?? "" }
    #expect(cases == ["the fix stops the spin"])
    #expect(try doc.nodes(forXPath: "/testsuites/@failures").first?.stringValue == "0")
  }

  @Test func aResidualHangIsNamedWithoutFailingAConfirmedCompare() throws {
    let c = Comparison.compare(before: Self.lab("vanilla/cancel"), after: Self.lab("uffd-retry-sleep/cancel"))
    #expect(c.verdict == .confirmed && !c.residualHangs.isEmpty)
    let doc = try XMLDocument(xmlString: JUnitReport.render(c))
    #expect(try doc.nodes(forXPath: "//failure").isEmpty)
    let hangs = try doc.nodes(forXPath: "//testcase[@classname='compare.residual-hang']")
    #expect(hangs.count == c.residualHangs.count)
    #expect(try hangs[0].nodes(forXPath: "system-out").first?.stringValue?.hasPrefix("residual hang: ") == true)
  }

  @Test func aNotConfirmedCompareFailsOnce() throws {
    let doc = try XMLDocument(xmlString: JUnitReport.render(Comparison.compare(before: vanilla, after: unfixed)))
    #expect(try doc.nodes(forXPath: "//failure").count == 1)
    #expect(try doc.nodes(forXPath: "//failure/@message").first?.stringValue == "NOT CONFIRMED")
  }

  @Test func anAnalysisHasOneCasePerThreadWithTimesAndReadableClassNames() throws {
    let doc = try XMLDocument(xmlString: JUnitReport.render([vanilla]))
    let threads = vanilla.files.map(\.threads.count).reduce(0, +)
    let unread = vanilla.files.filter { $0.skipped != nil }.count
    #expect(try doc.nodes(forXPath: "//testcase").count == threads + unread)
    #expect(try doc.nodes(forXPath: "//testcase/failure").count == vanilla.threads(in: .spinning).count)
    let classnames = try doc.nodes(forXPath: "//testcase/@classname").compactMap(\.stringValue)
    #expect(classnames.allSatisfy { !$0.contains("/") && $0.hasPrefix("analyze.threadexit.") })
    #expect(classnames.contains("analyze.threadexit.fgraph_proc"))
    // The spinning worker of the function_graph capture was traced from 4.862 s to 5.187 s.
    let worker = try #require(
      try doc.nodes(forXPath: "//testcase[@classname='analyze.threadexit.fgraph_proc']/@time").first?.stringValue)
    #expect(worker == "0.325142")
    let suiteTime = try doc.nodes(forXPath: "//testsuite[@file='\(vanilla.files[1].file)']/@time").first?.stringValue
    #expect(suiteTime == "0.364277")
  }

  @Test func classNamesDropFoldersAndExtensions() {
    #expect(JUnitReport.className(file: "/a/b/run/perf.txt.gz", folder: "/a/b/run") == "analyze.run.perf")
    #expect(JUnitReport.className(file: "x/vanilla-6.12.117.txt", folder: nil) == "analyze.vanilla-6_12_117")
    #expect(JUnitReport.className(file: "<stdin>", folder: nil) == "analyze.stdin")
  }

  @Test func xmlEscapingCoversMarkupAndControlCharacters() {
    #expect(JUnitReport.escape("a<b & \"c\"\u{1}\n") == "a&lt;b &amp; &quot;c&quot;?&#10;")
    #expect(JUnitReport.escape("x\ny", attribute: false) == "x\ny")
  }
}
