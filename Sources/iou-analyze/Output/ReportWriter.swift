import TraceAnalysis
import TraceDat
import TraceReport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Renders a result once per `--report` request and writes each to its file or standard output.
/// Files are written first, so that a reader closing standard output early loses nothing else.
struct ReportWriter {
  var requests: [ReportRequest]
  var color: ColorChoice

  /// Writes the reports of analysed runs.
  func write(_ runs: [RunAnalysis]) throws {
    try write { format, colour in try Self.render(runs, format, colour: colour) }
  }

  /// Writes the reports of a comparison.
  func write(_ comparison: Comparison) throws {
    try write { format, colour in try Self.render(comparison, format, colour: colour) }
  }

  private func write(_ render: (ReportFormat, Bool) throws -> String) throws {
    for r in requests.sorted(by: { ($0.file == nil ? 1 : 0) < ($1.file == nil ? 1 : 0) }) {
      let channel = try r.file.map(OutputChannel.create) ?? OutputChannel.standardOutput
      let terminal = r.file == nil && isatty(1) != 0
      var text = try render(r.format, color.colours(terminal: terminal))
      if !text.hasSuffix("\n") { text += "\n" }
      try channel.write(text)
      try channel.close()
    }
  }

  static func render(_ runs: [RunAnalysis], _ format: ReportFormat, colour: Bool) throws -> String {
    switch format {
    case .text: return runs.map { TextReport(colour: colour).render($0) }.joined(separator: "\n")
    case .json: return try JSONReport.render(runs)
    case .markdown: return runs.map(MarkdownReport.render).joined(separator: "\n")
    case .junit: return JUnitReport.render(runs)
    case .html: return HTMLReport.render(runs, traceDat: IsolatedTraceDatDecoder())
    case .chrome: return try ChromeTraceReport.render(runs)
    }
  }

  static func render(_ c: Comparison, _ format: ReportFormat, colour: Bool) throws -> String {
    switch format {
    case .text: return TextReport(colour: colour).render(c)
    case .json: return try JSONReport.render(c)
    case .markdown: return MarkdownReport.render(c)
    case .junit: return JUnitReport.render(c)
    case .html: return HTMLReport.render(c, traceDat: IsolatedTraceDatDecoder())
    case .chrome: return try ChromeTraceReport.render([c.before, c.after])
    }
  }
}
