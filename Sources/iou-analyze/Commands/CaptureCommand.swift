import ArgumentParser
import Foundation
import TraceCapture

/// `iou-analyze capture`
struct CaptureCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "capture",
    abstract: "Trace the fault path live (root, tracefs), print verdicts and save the evidence as a run folder.",
    usage: "iou-analyze capture [<options>]",
    discussion: """
      Creates its own tracefs instance (the system's tracing settings are not touched), graphs the fault path \
      (set_graph_function, set_ftrace_pid for the chosen threads, funcgraph-proc/abstime), enables \
      sched_switch/sched_wakeup/sched_process_exit, samples /proc/TID/stat and stack, and streams trace_pipe \
      through the same parser and analysis as saved files. The instance is removed on normal exit, errors, \
      SIGINT, SIGTERM and SIGHUP. OUT holds fgraph_proc.txt, stacks.txt and capture.json; \
      'iou-analyze analyze OUT' reads it back. Exit status as 'analyze'.
      """)

  @Flag(help: "Stop as soon as a thread is proven to spin.")
  var untilVerdict = false

  @Option(help: ArgumentHelp("Folder for the capture (default ./iou-capture-<time>).", valueName: "dir"))
  var out: String?

  @OptionGroup(title: "Reports") var output: OutputArguments
  @OptionGroup(title: "Tracing") var tracing: CaptureArguments
  @OptionGroup(title: "Analysis") var analysis: AnalysisArguments

  func run() throws {
    let folder = out ?? "iou-capture-\(Int(Date().timeIntervalSince1970))"
    var o = try tracing.captureOptions(outDir: folder, defaultDuration: 10, analysis: analysis)
    o.untilVerdict = untilVerdict
    let session = CaptureSession(options: o)
    let quiet = output.quiet
    session.onStart = { if !quiet { Console.error("tracing; saving into \(folder) (Ctrl-C stops)") } }
    let run = try session.run()
    try ReportWriter(requests: output.reports, color: output.color).write([run])
    try ExitStatus.finish(run.exitCode)
  }
}
