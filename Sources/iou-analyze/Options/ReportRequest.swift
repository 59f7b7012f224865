import ArgumentParser

/// The formats `--report` writes.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
  case text, json, markdown, junit, html, chrome
}

/// One `--report FORMAT[=FILE]`: a format and where it goes (nil: standard output or `--output`).
struct ReportRequest: ExpressibleByArgument, Equatable {
  var format: ReportFormat
  var file: String?

  init(format: ReportFormat, file: String?) {
    self.format = format
    self.file = file
  }

  init?(argument: String) {
    let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
    guard let format = ReportFormat(rawValue: String(parts[0])) else { return nil }
    if parts.count == 2 {
      guard !parts[1].isEmpty else { return nil }
      self.init(format: format, file: parts[1] == "-" ? nil : String(parts[1]))
    } else {
      self.init(format: format, file: nil)
    }
  }

  static var defaultCompletionKind: CompletionKind { .list(ReportFormat.allCases.map(\.rawValue)) }
}
