import Foundation
import Testing
import TraceAnalysis

@testable import TraceReport

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The HTML report of the bundled vanilla folder (every capture kind) in headless Chromium: the
/// script runs without a console message, every timeline is set up and zooms, every retry of the
/// spin is a mark, and each capture kind has its picture.
@Suite struct HTMLReportBrowserTests {
  static let vanillaFolder = fixtures.appendingPathComponent("vanilla-6.12.117/threadexit").path
  static let fixFolder = fixtures.appendingPathComponent("fix-fail-fault/threadexit").path

  static func write(_ html: String) -> String {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).html").path
    _ = FileManager.default.createFile(atPath: p, contents: Data(html.utf8))
    return p
  }

  func attr(_ node: XMLNode, _ name: String) -> String? {
    (node as? XMLElement)?.attributes?.first { $0.name == name }?.stringValue
  }

  @Test func theVanillaFolderShowsEveryRetryAndAPicturePerCaptureKind() throws {
    let run = try RunAnalyzer.analyze(Self.vanillaFolder, options: AnalysisOptions())
    let html = HTMLReport.render([run])
    // The summary comes first, before the first file's section.
    let summary = try #require(html.range(of: "<section class=\"summary\">"))
    let firstFile = try #require(html.range(of: "<section class=\"file\">"))
    #expect(summary.lowerBound < firstFile.lowerBound)
    #expect(!html.contains("src=") && !html.contains("<link") && !html.contains("@import"))

    let page = try Browser.load(Self.write(html), query: "#zoom=4")
    #expect(page.console.isEmpty, "console: \(page.console)")
    let doc = try XMLDocument(xmlString: page.dom, options: [.documentTidyHTML])
    let root = try #require(doc.rootElement())
    #expect(attr(root, "data-ready") == "1" && attr(root, "data-error") == nil)
    let timelines = try doc.nodes(forXPath: "//*[local-name()='svg'][contains(@class,'timeline')]")
    #expect(timelines.count >= 3)  // fgraph_proc, perf, stacks, sysrq have times
    for t in timelines {
      #expect(attr(t, "data-ready") == "1")
      // Zoomed 4×: the visible window is a quarter of the capture, and the axis has ticks for it.
      let span = Double(attr(t, "data-t1")!)! - Double(attr(t, "data-t0")!)!
      let view = attr(t, "data-view")!.split(separator: " ").map { Double($0)! }
      #expect(abs((view[1] - view[0]) - span / 4) <= max(span / 1000, 1000))
      #expect(try t.nodes(forXPath: ".//*[local-name()='g'][@class='tick']").count >= 3)
    }
    // Every retry of the SPINNING phase in fgraph_proc.txt is a mark.
    let fgraph = try #require(run.files.first { $0.file.hasSuffix("fgraph_proc.txt") })
    let retries = fgraph.threads.flatMap(\.episodes).flatMap(\.retries).filter { $0.startNs != nil }.count
    #expect(retries == 78)
    let marks = try doc.nodes(forXPath: "//*[local-name()='g'][@class='retries']")
    #expect(marks.compactMap { attr($0, "data-count") }.contains(String(retries)))
    let lines = try marks.flatMap { try $0.nodes(forXPath: "./*[local-name()='line']") }
    #expect(lines.count == retries)
    // perf: its fault-path samples over time; /proc and dumps: snapshot marks; hung task: the stack.
    #expect(try doc.nodes(forXPath: "//*[local-name()='g'][@class='samples']").count == 1)
    #expect(try doc.nodes(forXPath: "//*[local-name()='line'][contains(@class,'snap')]").count >= 3)
    #expect(try doc.nodes(forXPath: "//*[local-name()='svg'][@class='blockedstack']").count >= 1)
    #expect(try doc.nodes(forXPath: "//*[local-name()='svg'][@class='samples']").count == 1)
    #expect(try doc.nodes(forXPath: "//*[local-name()='div'][@class='legend']").count >= 1)
    // Each SPINNING thread's fault-path flame graph, its script run too.
    let flames = try doc.nodes(forXPath: "//*[local-name()='svg'][@class='flamegraph']")
    #expect(flames.count >= 2)
    #expect(flames.allSatisfy { attr($0, "data-ready") == "1" })
  }

  @Test func theComparePageDrawsBothRunsOnOneScaleAndADifferentialFlameGraph() throws {
    let before = try RunAnalyzer.analyze(Self.vanillaFolder, options: AnalysisOptions())
    let after = try RunAnalyzer.analyze(Self.fixFolder, options: AnalysisOptions())
    let html = HTMLReport.render(Comparison.compare(before: before, after: after))
    let page = try Browser.load(Self.write(html))
    #expect(page.console.isEmpty, "console: \(page.console)")
    let doc = try XMLDocument(xmlString: page.dom, options: [.documentTidyHTML])
    let roles = try doc.nodes(forXPath: "//*[local-name()='section'][@class='role']")
    let fgraph = try #require(roles.first { ($0.stringValue ?? "").contains("fgraph_proc.txt: before and after") })
    let labels = try fgraph.nodes(
      forXPath: ".//*[local-name()='svg'][contains(@class,'timeline')]/*[local-name()='text'][@class='label']"
    )
    .compactMap(\.stringValue)
    #expect(labels.contains { $0.hasPrefix("before: iou-wrk-66") } && labels.contains { $0.hasPrefix("after: ") })
    let diff = try doc.nodes(forXPath: "//*[local-name()='svg'][@class='flamegraph'][@data-differential='true']")
    #expect(diff.count >= 2)  // perf.txt and fgraph_proc.txt of both runs
    #expect(diff.allSatisfy { attr($0, "data-ready") == "1" })
  }
}
