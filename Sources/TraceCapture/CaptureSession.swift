import Foundation
import TraceAnalysis
import TraceParse

/// What to capture.
public struct CaptureOptions: Sendable {
  /// Threads by comm glob (`iou-wrk-*`).
  public var commPattern: String?
  /// Threads by pid/tid.
  public var pids: [Int32] = []
  /// Functions to graph (set_graph_function): the fault path by default.
  public var graphFunctions = ["handle_userfault"]
  /// Longest capture in seconds.
  public var duration: Double = 10
  /// Stop as soon as a thread is proven to spin.
  public var untilVerdict = false
  /// Where the scenario folder goes.
  public var outDir: String
  /// A tracefs root to use instead of the mounted one.
  public var tracefsRoot: String?
  /// Per-CPU ring buffer size in KiB.
  public var bufferKB = 16384
  /// /proc sampling interval in seconds.
  public var sampleInterval: Double = 1
  /// How to capture: function_graph, hist counts, or function_graph that turns to counts when it loses events.
  public var method = CaptureMethod.auto
  /// `--method hist`: seconds between readings of the histograms (and /proc samples).
  public var readInterval: Double = 1
  /// Detector options.
  public var analysis = AnalysisOptions()

  public init(outDir: String) { self.outDir = outDir }
}

/// A live capture: our own tracefs instance with function_graph on the fault path, sched events and
/// /proc sampling, streamed through the same parser and tracker as saved files, saved as a scenario
/// folder, and the instance removed on every way out.
public final class CaptureSession {
  public let options: CaptureOptions
  /// Called once tracing is on.
  public var onStart: (() -> Void)?
  /// Set by `--method auto`: stop reading as soon as the trace loses events, so that counting can take over.
  public var stopOnLostEvents = false
  /// When the trace first lost events (a ring-buffer overrun or a lost-events line), if it did.
  public private(set) var lostEventsAt: Date?
  /// When tracing was turned on.
  public private(set) var tracingStarted: Date?
  /// Called about once a second with the live state (for `watch`).
  public var onRefresh: ((_ status: [LiveThreadStatus], _ cpuShare: [Int32: Double]) -> Void)?

  public init(options: CaptureOptions) { self.options = options }

  /// Runs the capture and returns the analysis of the saved folder.
  public func run() throws -> RunAnalysis {
    guard geteuid() == 0 else {
      throw CaptureError("capture needs root: tracefs and /proc/PID/stack are root-only (run it with sudo)")
    }
    let root = try TracefsMount.locate(override: options.tracefsRoot)
    try Self.checkTraceable(root, options.graphFunctions)
    var (targets, explicitTargets) = try ThreadSelector.initialTargets(options)
    try FileManager.default.createDirectory(atPath: options.outDir, withIntermediateDirectories: true)
    let traceFile = options.outDir + "/fgraph_proc.txt"
    guard FileManager.default.createFile(atPath: traceFile, contents: nil) else {
      throw CaptureError("cannot create \(traceFile)")
    }
    guard let tee = FileHandle(forWritingAtPath: traceFile) else { throw CaptureError("cannot write \(traceFile)") }
    defer { try? tee.close() }

    stopRequested.store(false, ordering: .relaxed)
    installStopHandlers()
    let started = Date()
    // Our own instance; the top level (saved first, restored after) only on kernels without instances.
    let instance: TracingArea =
      FileManager.default.fileExists(atPath: root + "/instances")
      ? try TracefsInstance(root: root, name: "iou-analyze-\(getpid())") : TopLevelTracing(root: root)
    defer { instance.release() }
    try instance.write("buffer_size_kb", String(options.bufferKB))
    // set_graph_function is top-level only (6.12); an instance's own file is used where it exists.
    var graphFilter: TopLevelSetting?
    if FileManager.default.fileExists(atPath: instance.path("set_graph_function")) {
      try instance.write("set_graph_function", options.graphFunctions.joined(separator: " "))
    } else {
      graphFilter = try TopLevelSetting(root: root, file: "set_graph_function")
      try graphFilter!.set(options.graphFunctions)
    }
    defer { graphFilter?.restore() }
    if !targets.isEmpty {
      try instance.write("set_ftrace_pid", targets.map { String($0.tid) }.joined(separator: " "))
    }
    try instance.write("current_tracer", "function_graph")
    for option in ["funcgraph-proc", "funcgraph-abstime"] { try instance.enableOption(option) }
    for event in ["sched_switch", "sched_wakeup", "sched_process_exit"] { try instance.enableEvent("sched", event) }
    try instance.traceOn()
    onStart?()

    let sampler = ProcSampler()
    sampler.sample(targets)
    var lastSample = Date()
    var lastRefresh = Date()
    var verdictAt: Date?
    var lastLossCheck = Date()
    let tracingOn = Date()
    tracingStarted = tracingOn
    let symbols = SymbolTable()
    let tracker = ThreadTracker(symbols: symbols, rule: options.analysis.rule, thresholds: options.analysis.thresholds)
    let source = try TracePipeSource(
      path: instance.path("trace_pipe"), tee: tee, deadline: Date().addingTimeInterval(options.duration)
    ) { [self] in
      let now = Date()
      if now.timeIntervalSince(lastSample) >= options.sampleInterval {
        if !explicitTargets { targets = Self.discovered(tracker, targets) }
        sampler.sample(targets)
        lastSample = now
      }
      if stopOnLostEvents, lostEventsAt == nil, now.timeIntervalSince(lastLossCheck) >= 0.25 {
        lastLossCheck = now
        let overrun = ringBufferStats(instance).values.reduce(0) { $0 + ($1["overrun"] ?? 0) }
        if overrun > 0 || tracker.lostEventCount > 0 { lostEventsAt = now }
      }
      if verdictAt == nil, !tracker.spinningThreads.isEmpty {
        verdictAt = now
        if options.untilVerdict { stopRequested.store(true, ordering: .relaxed) }
      }
      if let onRefresh, now.timeIntervalSince(lastRefresh) >= 1 {
        // The trace's proc column truncates comms to 7 bytes; /proc has them whole.
        let comms = Dictionary(targets.map { ($0.tid, $0.comm) }, uniquingKeysWith: { a, _ in a })
        let status = tracker.liveStatus().map { s in
          var s = s
          if let c = comms[s.tid] { s.comm = c }
          return s
        }
        onRefresh(status, sampler.share)
        lastRefresh = now
      }
    }
    source.stopWhen = { [self] in lostEventsAt != nil }
    var sink = tracker
    var reader = TraceFileReader(symbols: symbols, forcedFormat: .ftrace)
    reader.maxLineLength = 1 << 22
    do {
      _ = try reader.read(source: source, displayName: "trace_pipe", into: &sink)
    } catch let e as TraceInputError where e.diagnostic.kind == .notATrace || e.diagnostic.kind == .empty {
      // Nothing was traced (no fault happened in the window): the saved folder still tells so.
      _ = e
    }
    if !explicitTargets { targets = Self.discovered(tracker, targets) }
    sampler.sample(targets)
    let buffers = ringBufferStats(instance)
    source.closePipe()
    instance.release()
    graphFilter?.restore()
    if !sampler.isEmpty {
      try sampler.text.write(toFile: options.outDir + "/stacks.txt", atomically: true, encoding: .utf8)
    }
    let timing: [String: Double] = [
      "setupSeconds": tracingOn.timeIntervalSince(started),
      "tracingSeconds": Date().timeIntervalSince(tracingOn),
      "spinProvenAfterSeconds": verdictAt.map { $0.timeIntervalSince(tracingOn) } ?? -1,
    ]
    try metadata(
      root: root, targets: targets, started: started, bytes: source.bytesRead, buffers: buffers,
      records: tracker.recordCount, timing: timing, area: instance.description
    )
    .write(toFile: options.outDir + "/capture.json", atomically: true, encoding: .utf8)
    try? tee.synchronize()
    do {
      return try RunAnalyzer.analyze(options.outDir, options: options.analysis)
    } catch let e as TraceInputError where e.diagnostic.kind == .empty {
      return RunAnalyzer.nothingCaptured(options.outDir)
    }
  }

  /// Without --comm/--pid: the threads the trace shows in the fault path (and io workers), with
  /// the tasks that own the workers, as they appear.
  static func discovered(_ tracker: ThreadTracker, _ known: [SystemThread]) -> [SystemThread] {
    ThreadSelector.adding(tracker.liveStatus().map(\.tid), to: known)
  }

  /// Refuses functions the kernel cannot trace, before touching anything.
  static func checkTraceable(_ root: String, _ functions: [String]) throws {
    guard let text = KernelFile.read(root + "/available_filter_functions") else {
      throw CaptureError(
        "cannot read \(root)/available_filter_functions: is this kernel built with CONFIG_DYNAMIC_FTRACE?")
    }
    var available = Set<Substring>()
    for line in text.split(separator: "\n") { available.insert(line.split(separator: " ").first ?? line) }
    for f in functions where !available.contains(Substring(f)) {
      throw CaptureError(
        "\(f) cannot be traced: it is not among the \(available.count) functions of \(root)/available_filter_functions (inlined, notrace, or not in this kernel)"
      )
    }
  }

  /// `entries` and `overrun` of every CPU's ring buffer in the instance (overrun > 0: events lost
  /// because the pipe was not read fast enough).
  private func ringBufferStats(_ instance: TracingArea) -> [String: [String: Int]] {
    var out: [String: [String: Int]] = [:]
    let dir = instance.path("per_cpu")
    for cpu in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
      guard let text = KernelFile.read("\(dir)/\(cpu)/stats") else { continue }
      var stats: [String: Int] = [:]
      for line in text.split(separator: "\n") {
        let kv = line.split(separator: ":", maxSplits: 1)
        if kv.count == 2, ["entries", "overrun", "dropped events"].contains(String(kv[0])),
          let v = Int(kv[1].trimmingCharacters(in: .whitespaces))
        {
          stats[String(kv[0])] = v
        }
      }
      out[cpu] = stats
    }
    return out
  }

  private func metadata(
    root: String, targets: [SystemThread], started: Date, bytes: Int64, buffers: [String: [String: Int]], records: Int,
    timing: [String: Double], area: String
  ) throws -> String {
    var u = utsname()
    uname(&u)
    let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let meta: [String: Any] = [
      "tool": "iou-analyze capture",
      "commandLine": CommandLine.arguments,
      "kernel": release,
      "tracefs": root,
      "tracingArea": area,
      "tracer": "function_graph",
      "method": stopOnLostEvents ? "auto" : "function-graph",
      "lostEventsAfterSeconds": lostEventsAt.map { $0.timeIntervalSince(started) } ?? -1,
      "setGraphFunction": options.graphFunctions,
      "targets": targets.map { ["pid": $0.pid, "tid": $0.tid, "comm": $0.comm] },
      "events": ["sched/sched_switch", "sched/sched_wakeup", "sched/sched_process_exit"],
      "traceOptions": ["funcgraph-proc", "funcgraph-abstime"],
      "bufferSizeKB": options.bufferKB,
      "started": ISO8601DateFormatter().string(from: started),
      "seconds": Date().timeIntervalSince(started),
      "bytesRead": bytes,
      "recordsParsed": records,
      "timing": timing,
      "ringBuffers": buffers,
      "stoppedBySignal": stopSignal.load(ordering: .relaxed),
    ]
    let data = try JSONSerialization.data(withJSONObject: meta, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
