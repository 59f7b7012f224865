import Foundation
import Testing
import TraceDat
import TraceFold
import TraceParse

@testable import TraceReport

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Flame graphs of the real captures: the SVG is well-formed and self-contained, its numbers are
/// the folded stacks' numbers, and in a real browser its search and zoom work without errors.
@Suite struct FlameGraphTests {
  static let vanillaPerf = fixtures.appendingPathComponent("vanilla-6.12.117/threadexit/perf.txt").path
  static let fixPerf = fixtures.appendingPathComponent("fix-fail-fault/threadexit/perf.txt").path

  static func folded(_ path: String) throws -> String {
    let r = try Collapse.file(path, options: FoldOptions(), traceDat: TraceDatDecoder())
    var bytes: [UInt8] = []
    r.collapser.write { bytes.append(contentsOf: $0) }
    return String(decoding: bytes, as: UTF8.self)
  }

  static func tree(_ folded: String) throws -> FlameTree {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).folded").path
    #expect(FileManager.default.createFile(atPath: p, contents: Data(folded.utf8)))
    return try FlameTree.read(try InputOpener.open(p), displayName: p).0
  }

  /// Total weight of the folded lines that pass `filter`.
  static func weight(_ folded: String, _ filter: (Substring) -> Bool = { _ in true }) -> Int64 {
    folded.split(separator: "\n").filter(filter).map { Int64($0.split(separator: " ").last!)! }.reduce(0, +)
  }

  /// The attribute `name` of `node` (FoundationXML's attribute(forName:) misses some in a default namespace).
  func attr(_ node: XMLNode, _ name: String) -> XMLNode? {
    (node as? XMLElement)?.attributes?.first { $0.name == name }
  }

  static func write(_ svg: String) -> String {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).svg").path
    _ = FileManager.default.createFile(atPath: p, contents: Data(svg.utf8))
    return p
  }

  @Test func theSVGIsWellFormedSelfContainedAndCarriesTheFoldedWeights() throws {
    let folded = try Self.folded(Self.vanillaPerf)
    let svg = FlameGraphSVG.render(try Self.tree(folded))
    let doc = try XMLDocument(xmlString: svg, options: [])
    let root = try #require(doc.rootElement())
    #expect(root.name == "svg")
    #expect(!svg.contains("href") && !svg.contains("src=") && !svg.contains("@import"))
    let frames = try root.nodes(forXPath: "//*[local-name()='g'][@class='f']")
    #expect(frames.count == Int(attr(root, "data-frames")!.stringValue!)!)
    let total = Self.weight(folded)
    #expect(attr(root, "data-total")?.stringValue == String(total))
    let titles = try root.nodes(forXPath: "//*[local-name()='g'][@class='f']/*[local-name()='title']").map {
      $0.stringValue!
    }
    #expect(titles.first == "all (\(total) samples, 100.00%)")
    // The spinning worker's share, from the folded lines themselves.
    let worker = Self.weight(folded) { $0.hasPrefix("iou-wrk-92;") }
    let share = String(format: "%.2f%%", 100 * Double(worker) / Double(total))
    #expect(titles.contains("iou-wrk-92 (\(worker) samples, \(share))"))
    #expect(titles.contains { $0.hasPrefix("handle_userfault (") })
  }

  @Test func searchAndZoomWorkInChromium() throws {
    let folded = try Self.folded(Self.vanillaPerf)
    let svg = FlameGraphSVG.render(try Self.tree(folded))
    // The frame to zoom into: the spinning worker's process frame.
    let xml = try XMLDocument(xmlString: svg, options: [])
    let worker = try #require(
      try xml.nodes(forXPath: "//*[local-name()='g'][@data-n='iou-wrk-92']").first as? XMLElement)
    let index = attr(worker, "data-i")!.stringValue!
    let page = try Browser.load(Self.write(svg), query: "?s=handle_userfault&z=\(index)")
    #expect(page.console.isEmpty, "console: \(page.console)")
    let dom = try XMLDocument(xmlString: page.dom, options: [])
    let root = try #require(dom.rootElement())
    #expect(attr(root, "data-ready")?.stringValue == "1")
    #expect(attr(root, "data-error") == nil)
    #expect(attr(root, "data-zoom")?.stringValue == index)
    // Search: the share of samples under handle_userfault, as the folded lines give it.
    let hits = Self.weight(folded) { $0.split(separator: " ").first!.contains("handle_userfault") }
    let expected = String(format: "Matched: %.1f%%", 100 * Double(hits) / Double(Self.weight(folded)))
    let matched = try dom.nodes(forXPath: "//*[local-name()='text'][@class='matched']").first?.stringValue
    #expect(matched == expected)
    #expect(try dom.nodes(forXPath: "//*[local-name()='g'][contains(@class,'m')]").count > 0)
    // Zoom: the worker spans the whole width, its callers are faded, other processes hidden.
    let zoomed = try #require(
      try dom.nodes(forXPath: "//*[local-name()='g'][@data-i='\(index)']/*[local-name()='rect']").first as? XMLElement)
    #expect(attr(zoomed, "width")?.stringValue == "1180.0")
    #expect(try dom.nodes(forXPath: "//*[local-name()='g'][@data-n='all'][contains(@class,'p')]").count == 1)
    #expect(try dom.nodes(forXPath: "//*[local-name()='g'][@data-n='perf-exec'][contains(@class,'h')]").count == 1)
    #expect(
      try dom.nodes(forXPath: "//*[local-name()='text'][contains(@class,'unzoom')][contains(@class,'hide')]").isEmpty)
  }

  @Test func theDifferentialGraphIsRedWhereTheSpinGrewAndLoadsCleanly() throws {
    let before = try Self.tree(try Self.folded(Self.fixPerf))
    let after = try Self.tree(try Self.folded(Self.vanillaPerf))
    let diff = FlameTree.differential(before: before, after: after)
    #expect(diff.isDifferential && diff.total == after.total)
    let svg = FlameGraphSVG.render(diff, options: .init())
    let xml = try XMLDocument(xmlString: svg, options: [])
    let worker = try #require(
      try xml.nodes(forXPath: "//*[local-name()='g'][@data-n='iou-wrk-92']/*[local-name()='rect']").first
        as? XMLElement)
    #expect(attr(worker, "fill")?.stringValue?.hasPrefix("rgb(255,") == true)
    let title = try xml.nodes(forXPath: "//*[local-name()='g'][@data-n='iou-wrk-92']/*[local-name()='title']").first?
      .stringValue
    #expect(title?.contains("before 0; change +") == true && title?.contains("new") == true)
    let page = try Browser.load(Self.write(svg))
    #expect(page.console.isEmpty, "console: \(page.console)")
    #expect(page.dom.contains("data-ready=\"1\""))
  }

  @Test func twoCountLinesReadAsDifferentialAndBadLinesAreReported() throws {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).folded").path
    // Lines in difffolded.pl's form, from the vanilla capture's folded stacks with a made-up before count.
    let lines = try Self.folded(Self.vanillaPerf).split(separator: "\n").prefix(3).map { l -> String in
      let w = l.split(separator: " ").last!
      return "\(l.dropLast(w.count))0 \(w)"
    }
    #expect(
      FileManager.default.createFile(
        atPath: p, contents: Data((lines + ["no count here"]).joined(separator: "\n").utf8)))
    let (tree, diagnostics) = try FlameTree.read(try InputOpener.open(p), displayName: p)
    #expect(tree.isDifferential && tree.nodes[0].before == 0 && tree.total > 0)
    #expect(
      diagnostics.map(\.formatted) == [
        "\(p):4: warning: not a folded stack line ('frames count'), skipped: 'no count here'"
      ])
  }
}
