import Foundation
import TraceAnalysis
import TraceReport

/// `--report FORMAT` (and `--json`, short for `--report json`) of `analyze` and `compare`.
enum ReportOption {
  enum Format: String, CaseIterable {
    case text, json, markdown, junit, html, chrome
  }

  static let options: [OptionSpec] = [
    .value(
      "report", "format",
      help:
        "Output: \(Format.allCases.map(\.rawValue).joined(separator: ", ")) (default text; markdown for CI summaries)."),
    .flag("json", help: "Same as --report json (schemaVersion \(RunAnalysis.schemaVersion))."),
  ]

  static func format(_ p: ParsedArguments, _ spec: CommandSpec) throws -> Format {
    if p.flag("json") { return .json }
    guard let v = p.value("report") else { return .text }
    guard let f = Format(rawValue: v) else {
      throw UsageError(
        message:
          "The value '\(v)' is invalid for '--report': expected one of \(Format.allCases.map(\.rawValue).joined(separator: ", ")).",
        spec: spec)
    }
    return f
  }

  static func render(_ runs: [RunAnalysis], _ format: Format, colour: Bool) throws -> String {
    switch format {
    case .text: return runs.map { TextReport(colour: colour).render($0) }.joined(separator: "\n")
    case .json: return try JSONReport.render(runs.count == 1 ? AnyEncodable(runs[0]) : AnyEncodable(runs))
    case .markdown: return runs.map(MarkdownReport.render).joined(separator: "\n")
    case .junit: return JUnitReport.render(runs)
    case .html: return HTMLReport.render(runs)
    case .chrome: return try ChromeTraceReport.render(runs)
    }
  }

  static func render(_ c: Comparison, _ format: Format, colour: Bool) throws -> String {
    switch format {
    case .text: return TextReport(colour: colour).render(c)
    case .json: return try JSONReport.render(c)
    case .markdown: return MarkdownReport.render(c)
    case .junit: return JUnitReport.render(c)
    case .html: return HTMLReport.render(c)
    case .chrome: return try ChromeTraceReport.render([c.before, c.after])
    }
  }
}
