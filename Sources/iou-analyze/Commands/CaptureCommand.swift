import Foundation
import TraceAnalysis
import TraceCapture
import TraceReport

/// `iou-analyze capture`
enum CaptureCommand {
  static let spec = CommandSpec(
    name: "capture",
    abstract: "Trace the fault path live (root, tracefs), print verdicts and save the evidence as a run folder.",
    discussion: """
      Creates its own tracefs instance (the system's tracing settings are not touched), graphs the fault
      path (set_graph_function, set_ftrace_pid for the chosen threads, funcgraph-proc/abstime), enables
      sched_switch/sched_wakeup/sched_process_exit, samples /proc/TID/stat and stack, and streams
      trace_pipe through the same parser and analysis as saved files. The instance is removed on normal
      exit, errors, SIGINT, SIGTERM and SIGHUP. OUT holds fgraph_proc.txt, stacks.txt and capture.json;
      `iou-analyze analyze OUT` reads it back. Exit status as `analyze`.
      """,
    options: [
      .flag("until-verdict", help: "Stop as soon as a thread is proven to spin."),
      .value("out", "dir", help: "Folder for the capture (default ./iou-capture-<time>)."),
    ] + ReportOption.options + CaptureOptionSpecs.options + AnalysisOptionSpecs.options)

  static func run(_ p: ParsedArguments, io: ConsoleIO) throws -> Int32 {
    let out = p.value("out") ?? "iou-capture-\(Int(Date().timeIntervalSince1970))"
    var o = try CaptureOptionSpecs.make(p, spec, outDir: out, defaultDuration: 10)
    o.untilVerdict = p.flag("until-verdict")
    let session = CaptureSession(options: o)
    session.onStart = { io.err("tracing; saving into \(out) (Ctrl-C stops)") }
    let format = try ReportOption.format(p, spec)
    let run = try session.run()
    io.out(try ReportOption.render([run], format, colour: io.stdoutIsTerminal))
    return run.exitCode
  }
}
