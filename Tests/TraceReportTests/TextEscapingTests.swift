import Foundation
import Testing
import TraceAnalysis

@testable import TraceReport

/// Control bytes from comms and symbols never reach a terminal raw, and markup embeds are escaped
/// (issue 10: ESC reached the terminal, `|` in a file name broke the Markdown table).
@Suite struct TextEscapingTests {
  static let report = fixtures.appendingPathComponent("fix-fail-fault/threadexit/trace-cmd-report.txt").path

  /// The real trace-cmd report with the worker's comm edited to hold an OSC title sequence, a bell
  /// and a NUL (as a crafted or corrupted comm could), copied into a folder under `fileName`.
  static func hostileCapture(fileName: String = "trace-cmd-report.txt") throws -> String {
    let text = String(decoding: FileManager.default.contents(atPath: report)!, as: UTF8.self)
    #expect(text.contains("iou-wrk-363"))
    let edited = text.replacingOccurrences(of: "iou-wrk-363", with: "iou-wrk-363\u{1B}]0;owned\u{07}\u{0}")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(fileName).path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(edited.utf8)))
    return path
  }

  @Test func controlBytesOfACommAreShownEscapedInText() throws {
    let run = try RunAnalyzer.analyze(Self.hostileCapture(), options: AnalysisOptions())
    for colour in [false, true] {
      let text = TextReport(colour: colour).render(run)
      #expect(text.contains("iou-wrk-363\\x1b]0;owned\\x07\\x00"))
      #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\u{1B}" })
      // With colour on, the only ESC left are the report's own colour codes.
      let esc = text.components(separatedBy: "\u{1B}").dropFirst()
      #expect(colour ? !esc.isEmpty : esc.isEmpty)
      #expect(esc.allSatisfy { $0.hasPrefix("[1;3") || $0.hasPrefix("[0m") })
    }
  }

  @Test func aPipeInAFileNameDoesNotBreakTheMarkdownTable() throws {
    let path = try Self.hostileCapture(fileName: "run|1 `x`.txt")
    let md = MarkdownReport.render(try RunAnalyzer.analyze(path, options: AnalysisOptions()))
    let rows = md.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| file") }
    #expect(!rows.isEmpty)
    for row in rows {
      // Cells are split on `|` not preceded by a backslash: five cells, six separators.
      var separators = 0
      var previous: Character = " "
      for ch in row {
        if ch == "|" && previous != "\\" { separators += 1 }
        previous = ch
      }
      #expect(separators == 6, "\(row)")
      #expect(row.contains("run\\|1 `x`.txt"))
    }
    #expect(!md.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
  }

  @Test func htmlEscapesCommsAndFileNames() throws {
    let path = try Self.hostileCapture(fileName: "<b>'x'&.txt")
    let html = HTMLReport.render([try RunAnalyzer.analyze(path, options: AnalysisOptions())])
    #expect(html.contains("&lt;b&gt;&#39;x&#39;&amp;.txt"))
    #expect(!html.contains("<b>'x'"))
    #expect(html.contains("iou-wrk-363\\x1b]0;owned\\x07\\x00"))
    #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
  }

  @Test func escapesAreIdempotentAndLeaveOrdinaryTextAlone() {
    let s = "a\u{1B}[2Jb\u{202E}c\u{7F}"
    let once = TextEscaping.terminal(s)
    #expect(once == "a\\x1b[2Jb\\u{202E}c\\x7f")
    #expect(TextEscaping.terminal(once) == once)
    #expect(TextEscaping.terminal("iou-wrk-66 → handle_userfault\tok\n") == "iou-wrk-66 → handle_userfault\tok\n")
    #expect(TextEscaping.markdown("uffd_iou *x* _y_ [l](u)") == "uffd_iou \\*x\\* \\_y\\_ \\[l\\](u)")
    #expect(TextEscaping.markdownCode("a`b|c") == "`` a`b\\|c ``")
  }
}
