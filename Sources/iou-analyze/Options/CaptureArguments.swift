import ArgumentParser
import TraceCapture

/// Options shared by `capture` and `watch`: what to trace and how.
struct CaptureArguments: ParsableArguments {
  @Option(help: ArgumentHelp("Trace threads whose comm matches this glob, e.g. 'iou-wrk-*'.", valueName: "pattern"))
  var comm: String?

  @Option(help: ArgumentHelp("Trace this process's threads (or this thread); repeatable.", valueName: "pid"))
  var pid: [Int32] = []

  @Option(
    help: ArgumentHelp(
      "Function to graph (set_graph_function; repeatable); default handle_userfault.", valueName: "function"))
  var graph: [String] = []

  @Option(help: ArgumentHelp("Stop after this many seconds (capture: default 10).", valueName: "seconds"))
  var duration: Double?

  @Option(help: ArgumentHelp("Per-CPU ring buffer size of the instance, in KiB.", valueName: "kib"))
  var bufferKb: Int = CaptureOptions(outDir: "").bufferKB

  @Option(
    help: ArgumentHelp(
      "Use this tracefs root instead of the mounted one (never mounts anything).", valueName: "dir"))
  var tracefs: String?

  func validate() throws {
    if let bad = pid.first(where: { $0 <= 0 }) { throw ValidationError("--pid takes a process id, not \(bad).") }
    if let d = duration, !(d > 0 && d <= 86_400) {
      throw ValidationError("--duration must be seconds from 0 to 86400 (got \(d)).")
    }
    guard (64...4_194_304).contains(bufferKb) else {
      throw ValidationError("--buffer-kb must be from 64 to 4194304 (got \(bufferKb)).")
    }
  }

  /// The library's options, saving into `outDir`.
  func captureOptions(outDir: String, defaultDuration: Double, analysis: AnalysisArguments) throws -> CaptureOptions {
    var o = CaptureOptions(outDir: outDir)
    o.commPattern = comm
    o.pids = pid
    if !graph.isEmpty { o.graphFunctions = graph }
    o.duration = duration ?? defaultDuration
    o.bufferKB = bufferKb
    o.tracefsRoot = tracefs
    o.analysis = try analysis.analysisOptions(progress: false)
    return o
  }
}
