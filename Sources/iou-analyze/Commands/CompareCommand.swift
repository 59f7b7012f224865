import Foundation
import TraceAnalysis
import TraceReport

/// `iou-analyze compare BEFORE AFTER`
enum CompareCommand {
  static let spec = CommandSpec(
    name: "compare",
    abstract: "Check that a fix turned the spin into sleeps: CONFIRMED, NOT CONFIRMED or INCONCLUSIVE.",
    discussion: """
      BEFORE and AFTER are captures (files or run folders) of the same scenario on the unfixed and the
      fixed kernel. A task that stays blocked after the fix is named as a residual hang next to the
      verdict. Exit status: 0 CONFIRMED, 1 NOT CONFIRMED, 2 bad input or usage, 3 INCONCLUSIVE.
      """,
    arguments: [
      ArgumentSpec(name: "before", help: "Capture from the kernel without the fix."),
      ArgumentSpec(name: "after", help: "Capture from the kernel with the fix."),
    ],
    options: ReportOption.options + AnalysisOptionSpecs.options)

  static func run(_ p: ParsedArguments, io: ConsoleIO) throws -> Int32 {
    let options = try AnalysisOptionSpecs.make(p, spec)
    let format = try ReportOption.format(p, spec)
    let before = try RunAnalyzer.analyze(p.positionals[0], options: options)
    let after = try RunAnalyzer.analyze(p.positionals[1], options: options)
    let c = Comparison.compare(before: before, after: after, thresholds: options.thresholds)
    io.out(try ReportOption.render(c, format, colour: io.stdoutIsTerminal))
    return c.verdict.exitCode
  }
}
