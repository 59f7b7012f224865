import Foundation
import TraceCapture

/// Options shared by `capture` and `watch`.
enum CaptureOptionSpecs {
  static let options: [OptionSpec] = [
    .value("comm", "pattern", help: "Trace threads whose comm matches this glob, e.g. 'iou-wrk-*'."),
    .value("pid", "pid", repeatable: true, help: "Trace this process's threads (or this thread); repeatable."),
    .value(
      "graph", "function", repeatable: true, help: "Function to graph (set_graph_function); default handle_userfault."),
    .value("duration", "seconds", help: "Stop after this many seconds (capture: default 10)."),
    .value("buffer-kb", "kib", help: "Per-CPU ring buffer size of the instance (default 16384)."),
    .value("tracefs", "dir", help: "Use this tracefs root instead of the mounted one (never mounts anything)."),
  ]

  static func make(_ p: ParsedArguments, _ spec: CommandSpec, outDir: String, defaultDuration: Double) throws
    -> CaptureOptions
  {
    var o = CaptureOptions(outDir: outDir)
    o.commPattern = p.value("comm")
    for v in p.all("pid") {
      guard let pid = Int32(v), pid > 0 else {
        throw UsageError(message: "The value '\(v)' is invalid for '--pid'.", spec: spec)
      }
      o.pids.append(pid)
    }
    if !p.all("graph").isEmpty { o.graphFunctions = p.all("graph") }
    o.duration = defaultDuration
    if let d = p.value("duration") {
      guard let s = Double(d), s > 0, s <= 86_400 else {
        throw UsageError(
          message: "The value '\(d)' is invalid for '--duration': expected seconds (0-86400).", spec: spec)
      }
      o.duration = s
    }
    if let kb = try p.int("buffer-kb", in: 64...4_194_304, spec: spec) { o.bufferKB = kb }
    o.tracefsRoot = p.value("tracefs")
    o.analysis = try AnalysisOptionSpecs.make(p, spec)
    return o
  }
}
