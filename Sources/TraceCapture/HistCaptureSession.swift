import CTraceFS
import Foundation
import TraceAnalysis
import TraceParse

/// `capture --method hist`: counts instead of tracing. A kprobe event on the rule's retry function
/// with a hist trigger keyed by pid (retries per thread), and a hist trigger on sched_switch keyed
/// by prev_pid and prev_state (switch-outs per thread and state), both in our own tracefs instance,
/// read every `readInterval` seconds together with /proc samples of the threads. Nothing goes through
/// the ring buffer, so nothing is lost however fast the loop runs. Every reading is saved into
/// `hist.txt` (with a `# iou-analyze hist:` line naming the event and the time), the samples into
/// `stacks.txt`; hist triggers, instance and kprobe are removed on every way out, in that order.
public final class HistCaptureSession {
  public let options: CaptureOptions
  /// Called once counting is on.
  public var onStart: (() -> Void)?
  /// The tracefs event system of our kprobe events.
  public static let kprobeSystem = "iou_analyze"

  public init(options: CaptureOptions) { self.options = options }

  /// True when the kernel behind `root` can do it: kprobe events and hist triggers (a hist file).
  public static func isSupported(root: String) -> Bool {
    let fm = FileManager.default
    return fm.fileExists(atPath: root + "/instances")
      && (fm.fileExists(atPath: root + "/dynamic_events") || fm.fileExists(atPath: root + "/kprobe_events"))
      && fm.fileExists(atPath: root + "/events/sched/sched_switch/hist")
  }

  /// Runs the capture and returns the analysis of the saved folder (`seconds` overrides the duration).
  public func run(seconds: Double? = nil) throws -> RunAnalysis {
    try count(seconds: seconds)
    return try RunAnalyzer.analyze(options.outDir, options: options.analysis)
  }

  /// Counts for `seconds` (default: the options' duration) into the folder, without analysing it.
  func count(seconds: Double? = nil) throws {
    guard geteuid() == 0 else {
      throw CaptureError("capture needs root: tracefs and /proc/PID/stack are root-only (run it with sudo)")
    }
    let root = try TracefsMount.locate(override: options.tracefsRoot)
    let function = options.graphFunctions.first ?? "handle_userfault"
    try CaptureSession.checkTraceable(root, [function])
    guard Self.isSupported(root: root) else {
      throw CaptureError(
        "\(root) has no kprobe events or hist triggers (or no instances): --method hist needs a kernel with CONFIG_KPROBE_EVENTS and CONFIG_HIST_TRIGGERS; use --method function-graph"
      )
    }
    var (targets, explicitTargets) = try ThreadSelector.initialTargets(options)
    try FileManager.default.createDirectory(atPath: options.outDir, withIntermediateDirectories: true)
    let histFile = options.outDir + "/hist.txt"
    guard FileManager.default.createFile(atPath: histFile, contents: nil),
      let out = FileHandle(forWritingAtPath: histFile)
    else { throw CaptureError("cannot create \(histFile)") }
    defer { try? out.close() }

    stopRequested.store(false, ordering: .relaxed)
    installStopHandlers()
    let started = Date()
    let instance = try TracefsInstance(root: root, name: "iou-analyze-\(getpid())")
    let event = KprobeEvent.eventName("\(function)_\(getpid())")
    var kprobe: KprobeEvent?
    var triggers: [HistTrigger] = []
    var tep: OpaquePointer?
    // Removed in this order on every way out: triggers, the instance, then the kprobe they count.
    defer {
      for t in triggers { t.destroy() }
      instance.destroy()
      kprobe?.destroy()
      if let tep { tep_free(tep) }
    }
    kprobe = try KprobeEvent(root: root, system: Self.kprobeSystem, event: event, function: function)
    tep = Self.localEvents(root, systems: ["sched", Self.kprobeSystem])
    guard let tep, let handle = instance.rawHandle else {
      throw CaptureError("libtracefs cannot read the event formats under \(root)/events")
    }
    let retries = try HistTrigger(
      instance: handle, tep: tep, system: Self.kprobeSystem, event: event,
      keys: [("common_pid", TRACEFS_HIST_KEY_EXECNAME)])
    triggers.append(retries)
    let switches = try HistTrigger(
      instance: handle, tep: tep, system: "sched", event: "sched_switch",
      keys: [("prev_pid", TRACEFS_HIST_KEY_NORMAL), ("prev_state", TRACEFS_HIST_KEY_NORMAL)])
    triggers.append(switches)
    onStart?()

    let countingOn = Date()
    let sampler = ProcSampler()
    var reads: [[String: Any]] = []
    var verdictAt: Date?
    func readAll() throws {
      let uptime = Self.boottime()
      var hits: [String: Int64] = [:]
      for (trigger, probe) in [(retries, function), (switches, "")] {
        guard let text = trigger.read() else {
          throw CaptureError("cannot read \(instance.path("events/\(trigger.system)/\(trigger.event)/hist"))")
        }
        let marker =
          "# iou-analyze hist: event=\(trigger.system)/\(trigger.event)"
          + (probe.isEmpty ? "" : " probe=\(probe)") + String(format: " uptime=%.6f read=%d", uptime, reads.count)
        out.write(Data((marker + "\n" + text + (text.hasSuffix("\n") ? "" : "\n")).utf8))
        hits[trigger.event] = Self.totalHits(text)
      }
      if !explicitTargets { targets = Self.discovered(histFile, targets) }
      sampler.sample(targets)
      reads.append([
        "read": reads.count, "uptime": uptime, "seconds": Date().timeIntervalSince(countingOn),
        "retryHits": hits[event] ?? 0, "switchHits": hits["sched_switch"] ?? 0,
      ])
    }
    try readAll()
    let deadline = countingOn.addingTimeInterval(seconds ?? options.duration)
    var next = countingOn.addingTimeInterval(options.readInterval)
    while !stopRequested.load(ordering: .relaxed), Date() < deadline {
      let wake = min(next, deadline)
      while !stopRequested.load(ordering: .relaxed), Date() < wake { usleep(20_000) }
      try readAll()
      next = next.addingTimeInterval(options.readInterval)
      if verdictAt == nil, Self.spins(histFile, options.analysis) {
        verdictAt = Date()
        if options.untilVerdict { break }
      }
    }
    let countingSeconds = Date().timeIntervalSince(countingOn)
    for t in triggers { t.destroy() }
    instance.destroy()
    kprobe?.destroy()
    try? out.synchronize()
    if !sampler.isEmpty {
      try sampler.text.write(toFile: options.outDir + "/stacks.txt", atomically: true, encoding: .utf8)
    }
    let last = reads.last ?? [:]
    let counted = ((last["retryHits"] as? Int64) ?? 0) + ((last["switchHits"] as? Int64) ?? 0)
    let meta: [String: Any] = [
      "tool": "iou-analyze capture", "method": "hist", "commandLine": CommandLine.arguments,
      "kernel": Self.kernelRelease(), "tracefs": root, "tracingArea": instance.description,
      "kprobe": "p:\(Self.kprobeSystem)/\(event) \(function)",
      "histTriggers": [
        "\(Self.kprobeSystem)/\(event): hist:keys=common_pid.execname:vals=hitcount",
        "sched/sched_switch: hist:keys=prev_pid,prev_state:vals=hitcount",
      ],
      "targets": targets.map { ["pid": $0.pid, "tid": $0.tid, "comm": $0.comm] },
      "readIntervalSeconds": options.readInterval, "reads": reads,
      "started": ISO8601DateFormatter().string(from: started),
      "timing": [
        "setupSeconds": countingOn.timeIntervalSince(started), "countingSeconds": countingSeconds,
        "spinProvenAfterSeconds": verdictAt.map { $0.timeIntervalSince(countingOn) } ?? -1,
      ],
      "eventsCounted": counted, "eventsCountedPerSecond": countingSeconds > 0 ? Double(counted) / countingSeconds : 0,
      "stoppedBySignal": stopSignal.load(ordering: .relaxed),
    ]
    let data = try JSONSerialization.data(withJSONObject: meta, options: [.prettyPrinted, .sortedKeys])
    let name =
      FileManager.default.fileExists(atPath: options.outDir + "/capture.json") ? "hist-capture.json" : "capture.json"
    try (String(decoding: data, as: UTF8.self) + "\n").write(
      toFile: options.outDir + "/" + name, atomically: true, encoding: .utf8)
  }

  /// `Totals:` → `Hits: N` of a hist file's text (0 when absent).
  static func totalHits(_ text: String) -> Int64 {
    var sum: Int64 = 0
    for line in text.split(separator: "\n") where line.hasPrefix("    Hits: ") {
      sum += Int64(line.dropFirst(10)) ?? 0
    }
    return sum
  }

  /// A tep handle with the formats of `systems` only (parsing every event is slow on small machines).
  static func localEvents(_ root: String, systems: [String]) -> OpaquePointer? {
    var names = systems.map { strdup($0) }
    defer { for n in names { free(n) } }
    names.append(nil)
    return names.withUnsafeBufferPointer { p in
      p.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: names.count) {
        tracefs_local_events_system(root, $0)
      }
    }
  }

  /// True when the counts so far prove a thread spinning.
  static func spins(_ histFile: String, _ options: AnalysisOptions) -> Bool {
    guard let a = try? RunAnalyzer.analyzeFile(histFile, options: options) else { return false }
    return a.threads.contains { $0.verdict == .spinning }
  }

  /// Without --comm/--pid: the threads the retry histogram counts, and the tasks that own workers.
  static func discovered(_ histFile: String, _ known: [SystemThread]) -> [SystemThread] {
    guard let a = try? RunAnalyzer.analyzeFile(histFile, options: AnalysisOptions()) else { return known }
    return ThreadSelector.adding(a.threads.map(\.tid), to: known)
  }

  /// Seconds since boot (CLOCK_BOOTTIME, the clock of /proc/uptime in stacks.txt) to the microsecond.
  static func boottime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_BOOTTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }

  static func kernelRelease() -> String {
    var u = utsname()
    uname(&u)
    return withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
  }
}
