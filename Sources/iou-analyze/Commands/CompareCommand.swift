import ArgumentParser
import TraceAnalysis

/// `iou-analyze compare BEFORE AFTER`
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Check that a fix turned the spin into sleeps: CONFIRMED, NOT CONFIRMED or INCONCLUSIVE.",
    usage: "iou-analyze compare [<options>] <before> <after>",
    discussion: """
      BEFORE and AFTER are captures (files or run folders) of the same scenario on the unfixed and the fixed \
      kernel. A task that stays blocked after the fix is named as a residual hang next to the verdict. Exit \
      status: 0 CONFIRMED, 1 NOT CONFIRMED, 2 bad input, bad usage or output that could not be written, \
      3 INCONCLUSIVE.
      """)

  @Argument(help: "Capture from the kernel without the fix.")
  var before: String

  @Argument(help: "Capture from the kernel with the fix.")
  var after: String

  @OptionGroup(title: "Reports") var output: OutputArguments
  @OptionGroup(title: "Analysis") var analysis: AnalysisArguments

  func validate() throws {
    try StandardInput.checkReadOnce([before, after])
  }

  func run() throws {
    let progress = Console.stderrIsTerminal && !output.quiet
    let options = try analysis.analysisOptions(progress: progress)
    let b = try RunAnalyzer.analyze(before, options: options)
    let a = try RunAnalyzer.analyze(after, options: options)
    if progress { Console.clearProgress() }
    let c = Comparison.compare(before: b, after: a, thresholds: options.thresholds)
    try ReportWriter(requests: output.reports, color: output.color).write(c)
    if !output.quiet {
      for f in b.files + a.files {
        for d in f.diagnostics { Console.report(d) }
      }
    }
    try ExitStatus.finish(c.verdict.exitCode)
  }
}
