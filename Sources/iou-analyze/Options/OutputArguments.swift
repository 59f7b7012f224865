import ArgumentParser

/// Where and how reports are written: `--report FORMAT[=FILE]` (repeatable), `--json`, `--output`,
/// `--quiet`, `--color`.
struct OutputArguments: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      """
      Write a report: text, json, markdown, junit, html or chrome, to FILE when given (repeatable, e.g. \
      --report junit=results.xml --report markdown=summary.md). Without =FILE it goes to standard output \
      (or --output) instead of the text report.
      """,
      valueName: "format[=file]"))
  var report: [ReportRequest] = []

  @Flag(help: "Same as --report json.")
  var json = false

  @Option(
    help: ArgumentHelp(
      "Write the report that would go to standard output to this file instead.", valueName: "file"))
  var output: String?

  @Flag(
    name: .shortAndLong,
    help:
      "No text report on standard output and no warnings; errors are still shown and the exit status tells the verdict."
  )
  var quiet = false

  @Option(
    help: ArgumentHelp(
      "Colour the text report: auto (a terminal, unless NO_COLOR is set), always or never.", valueName: "when"))
  var color: ColorChoice = .auto

  func validate() throws {
    let plan = reports
    let toStdout = plan.filter { $0.file == nil }
    if toStdout.count > 1 {
      throw ValidationError(
        "Only one report can go to standard output; give the others a file (--report FORMAT=FILE).")
    }
    var seen: Set<String> = []
    for file in plan.compactMap(\.file) where !seen.insert(file).inserted {
      throw ValidationError("Two reports would be written to '\(file)'.")
    }
  }

  /// The reports to write: those asked for, plus the text report on standard output unless a
  /// report already goes there or `--quiet` was given.
  var reports: [ReportRequest] {
    var plan = report
    if json { plan.append(ReportRequest(format: .json, file: nil)) }
    if let output {
      plan = plan.map { $0.file == nil ? ReportRequest(format: $0.format, file: output) : $0 }
    }
    let primary = output
    if !quiet && !plan.contains(where: { $0.file == primary }) {
      plan.insert(ReportRequest(format: .text, file: primary), at: 0)
    }
    return plan
  }
}
