import ArgumentParser
import Foundation
import TraceAnalysis
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

      --method hist counts instead: a kprobe event on the retry function with a hist trigger keyed by pid, \
      and a hist trigger on sched_switch keyed by prev_pid and prev_state, read every --read-interval \
      seconds into OUT/hist.txt with /proc samples (stacks.txt); nothing is lost however fast the loop runs \
      (needs CONFIG_KPROBE_EVENTS and CONFIG_HIST_TRIGGERS). --method auto (the default) traces with \
      function_graph and, on the first lost event (ring-buffer overrun), stops the trace and counts for the \
      rest of the duration (at least four readings), when the kernel can; --method function-graph never counts. \
      The hist triggers, \
      the kprobe event and the instance are removed on every way out too.
      """)

  @Flag(help: "Stop as soon as a thread is proven to spin.")
  var untilVerdict = false

  @Option(help: ArgumentHelp("Folder for the capture (default ./iou-capture-<time>).", valueName: "dir"))
  var out: String?

  @Option(
    help: ArgumentHelp("function-graph, hist (counting), or auto (function-graph, counting once events are lost)."))
  var method: CaptureMethod = .auto

  @Option(help: ArgumentHelp("Seconds between readings of the counts (--method hist/auto).", valueName: "seconds"))
  var readInterval: Double = 1

  func validate() throws {
    guard readInterval >= 0.05 && readInterval <= 3600 else {
      throw ValidationError("--read-interval must be seconds from 0.05 to 3600 (got \(readInterval)).")
    }
  }

  @OptionGroup(title: "Reports") var output: OutputArguments
  @OptionGroup(title: "Tracing") var tracing: CaptureArguments
  @OptionGroup(title: "Analysis") var analysis: AnalysisArguments

  func run() throws {
    let folder = out ?? "iou-capture-\(Int(Date().timeIntervalSince1970))"
    var o = try tracing.captureOptions(outDir: folder, defaultDuration: 10, analysis: analysis)
    o.untilVerdict = untilVerdict
    o.method = method
    o.readInterval = readInterval
    let quiet = output.quiet
    let started: () -> Void = { if !quiet { Console.error("tracing; saving into \(folder) (Ctrl-C stops)") } }
    let run: RunAnalysis
    switch method {
    case .functionGraph:
      let session = CaptureSession(options: o)
      session.onStart = started
      run = try session.run()
    case .hist:
      let session = HistCaptureSession(options: o)
      session.onStart = { if !quiet { Console.error("counting; saving into \(folder) (Ctrl-C stops)") } }
      run = try session.run()
    case .auto:
      let session = AutoCaptureSession(options: o)
      session.onStart = started
      session.onSwitch = { if !quiet { Console.error("the trace lost events: counting (hist triggers) from now on") } }
      run = try session.run()
    }
    try ReportWriter(requests: output.reports, color: output.color).write([run])
    try ExitStatus.finish(run.exitCode)
  }
}
