import ArgumentParser
import TraceAnalysis

/// `iou-analyze analyze PATH...`
struct AnalyzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Tell, per thread, whether it spins in a kernel-mode fault-retry loop, sleeps, or got out.",
    usage: "iou-analyze analyze [<options>] <path> ...",
    discussion: """
      PATH is a trace file (ftrace text, trace-cmd report or trace.dat, perf script, /proc stacks, dmesg, \
      a pasted report; .gz and .zst are read directly), '-' for standard input (once), or a folder holding \
      the captures of one run. \(ExitStatus.help)
      """)

  @Argument(help: ArgumentHelp("Trace file, run folder, or '-' for standard input.", valueName: "path"))
  var paths: [String]

  @OptionGroup(title: "Reports") var output: OutputArguments
  @OptionGroup(title: "Analysis") var analysis: AnalysisArguments

  func validate() throws {
    try StandardInput.checkReadOnce(paths)
  }

  func run() throws {
    let progress = Console.stderrIsTerminal && !output.quiet
    let options = try analysis.analysisOptions(progress: progress)
    var status = ExitStatus.healthy
    var runs: [RunAnalysis] = []
    for path in paths {
      let run = try RunAnalyzer.analyze(path, options: options)
      runs.append(run)
      status = ExitStatus.worst(status, run.exitCode)
    }
    if progress { Console.clearProgress() }
    try ReportWriter(requests: output.reports, color: output.color).write(runs)
    if !output.quiet {
      for run in runs {
        for f in run.files {
          for d in f.diagnostics { Console.report(d) }
        }
      }
    }
    try ExitStatus.finish(status)
  }
}
