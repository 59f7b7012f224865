import Foundation
import TraceParse

/// Turns a finished ``ThreadTracker`` into per-thread verdicts with evidence, and finds the
/// tasks blocked waiting for them.
public struct FaultLoopDetector {
  let tracker: ThreadTracker
  var thresholds: Thresholds { tracker.thresholds }

  /// A detector over `tracker` (after the last record).
  public init(tracker: ThreadTracker) { self.tracker = tracker }

  /// Closes open phases and returns the analysis of the file.
  public func analyze(file: String, read: TraceReadResult) -> FileAnalysis {
    let symbols = tracker.symbols
    var verdicts: [ThreadVerdict] = []
    var blocked: [BlockedTask] = []
    let threads = tracker.threads.values.filter { $0.tid > 0 }.sorted { $0.tid < $1.tid }
    let pseudo = tracker.threads.values.filter { $0.tid < -1 && $0.totalCalls > 0 }
    for t in threads + pseudo {
      finish(t)
      let comm = symbols.name(t.comm)
      let isWorker = tracker.roles.isWorker(comm)
      // Sampled and snapshot input: any task takes ordinary page faults, so a non-worker is in
      // scope only when a stack shows the retry function itself; an io worker with any fault path.
      let retryShot = t.snapshots.contains { s in
        s.inFault && s.frames.contains { tracker.roles.role($0).contains(.retry) }
      }
      let inFault =
        t.totalCalls > 0
        || (isWorker ? t.faultSamples > 0 || t.snapshots.contains { $0.inFault } : t.retrySamples > 0 || retryShot)
      if let b = blockedTask(t, comm) { blocked.append(b) }
      guard inFault || isWorker else { continue }
      verdicts.append(verdict(for: t, comm: comm, isWorker: isWorker))
    }
    linkOwners(&verdicts, &blocked)
    corroborate(&verdicts, blocked)
    var notes: [String] = []
    var hints: [String] = []
    describeCapture(verdicts, blocked, read, &notes, &hints)
    return FileAnalysis(
      file: file, format: read.format.rawValue, lines: read.lines, captureStart: tracker.firstTimestamp,
      captureEnd: tracker.lastTimestamp, threads: verdicts, blockedTasks: blocked, notes: notes, captureHints: hints,
      lostEvents: tracker.lostTotal, diagnostics: read.diagnostics, skipped: nil)
  }

  // MARK: - closing phases at the end of the capture

  private func finish(_ t: TrackedThread) {
    if let call = t.openCall {
      let blockedNow = t.switchedOutState?.isBlocked ?? false
      if blockedNow || tracker.slept(call).slept {
        tracker.flushRun(t, atEnd: false)
        var s = t.sleep ?? SleepPhase(firstStart: call.start, firstLine: call.line)
        s.count += 1
        s.blockedTime = s.blockedTime.addingSaturated(call.blockedTime).addingSaturated(
          max(0, (tracker.lastTimestamp ?? 0).subtractingSaturated(t.switchedOutAt ?? tracker.lastTimestamp ?? 0)))
        s.wakeups += call.wakeups
        t.sleep = s
        t.openCall = nil
        tracker.flushSleep(t, untilEnd: true)
        return
      }
      // A thread that sleeps on every retry (a fix waking it periodically) is in a new call,
      // not yet asleep, when the window ends: its sleeping phase goes on.
      if t.run == nil, t.sleep != nil {
        t.openCall = nil
        tracker.flushSleep(t, untilEnd: false)
        t.episodes[t.episodes.count - 1].untilEndOfCapture = true
        t.episodes[t.episodes.count - 1].lastLine = tracker.lastLine
        t.episodes[t.episodes.count - 1].end = tracker.lastTimestamp
        t.episodes[t.episodes.count - 1].facts.append(
          "in a new fault call (line \(call.line)) when the capture ended, after sleeping in every earlier one")
        return
      }
      // In a retry call, on CPU, at the end: it counts as one more retry in progress.
      tracker.endCall(t, call, end: tracker.lastTimestamp, line: tracker.lastLine)
    }
    tracker.flushSleep(t, untilEnd: false)
    if let r = t.run {
      t.run = nil
      let recent =
        (r.lastEnd.flatMap { end in tracker.lastTimestamp.map { $0.subtractingSaturated(end) <= thresholds.maxRetryGap }
        }) ?? true
      if r.count >= thresholds.minRetries {
        t.episodes.append(tracker.spinEpisode(t, r, untilEnd: recent && !t.exited))
      } else if t.exited || !recent {
        t.pendingShortRetries += r.count
      } else {
        t.episodes.append(
          Episode(
            verdict: .inconclusive, firstLine: r.firstLine, lastLine: tracker.lastLine, start: r.firstStart,
            end: tracker.lastTimestamp, faultCalls: r.count,
            facts: [
              "only \(r.count) back-to-back retr\(r.count == 1 ? "y" : "ies") before the capture ended (\(thresholds.minRetries) make a loop)"
            ], untilEndOfCapture: true))
        return
      }
    }
    // Left the fault path: the last phase ended, the thread went on or exited.
    if t.totalCalls > 0, t.episodes.last?.untilEndOfCapture != true {
      var facts: [String] = []
      if t.pendingShortRetries > 0 {
        facts.append(
          "the fault returned after \(t.pendingShortRetries) quick retr\(t.pendingShortRetries == 1 ? "y" : "ies") (no loop)"
        )
      } else {
        facts.append("the last fault call returned at line \(t.lastCallLine)")
      }
      if t.exited {
        facts.append(
          "the thread exited at line \(t.exitLine)" + (t.exitTimestamp.map { " (\(Format.timestamp($0)))" } ?? ""))
      } else {
        facts.append("no further fault call up to the end of the capture")
      }
      t.episodes.append(
        Episode(
          verdict: .resolved, firstLine: t.lastCallLine, lastLine: t.exited ? t.exitLine : t.lastCallLine,
          start: t.lastCallEnd, end: t.exited ? t.exitTimestamp : t.lastCallEnd, faultCalls: t.pendingShortRetries,
          facts: facts, untilEndOfCapture: false))
      t.pendingShortRetries = 0
    }
  }

  // MARK: - one thread

  private func verdict(for t: TrackedThread, comm: String, isWorker: Bool) -> ThreadVerdict {
    let symbols = tracker.symbols
    var v = ThreadVerdict(
      tid: t.tid, comm: comm.isEmpty ? "?" : comm, tgid: t.tgid >= 0 ? t.tgid : nil, ownerTid: Self.ownerTid(comm),
      isWorker: isWorker, verdict: .notInFault, episodes: t.episodes, evidence: [], caveats: [], loopStack: [],
      retriesPerSecond: nil, cpuShare: nil, scheduleReturnedAtOnce: nil)
    if t.tid < 0 {
      v.caveats.append("lines without a task column on CPU \(-2 - t.tid) before any context-switch banner")
    }
    if !t.episodes.isEmpty {
      v.verdict = Self.threadVerdict(t.episodes)
      v.loopStack = t.loopStack.map { symbols.name($0) }
      if let worst = t.episodes.last(where: { $0.verdict == v.verdict }) {
        v.evidence.append(
          "\(worst.verdict.rawValue): lines \(worst.firstLine)–\(worst.lastLine)"
            + (worst.start.map { " (\(Format.timestamp($0)) → \(Format.timestamp(worst.end)))" } ?? ""))
        v.evidence.append(contentsOf: worst.facts)
        if worst.verdict == .spinning, let s = worst.seconds, s > 0 {
          v.retriesPerSecond = Double(worst.faultCalls) / s
        }
      }
      if let spin = t.episodes.last(where: { $0.verdict == .spinning }) {
        v.scheduleReturnedAtOnce = spin.scheduleReturnedAtOnce
        v.cpuShare = spin.cpuShare
      }
      if t.callersHidden {
        v.caveats.append(
          "callers of \(v.loopStack.first ?? "the fault function") were not in the capture (set_graph_function starts the graph there); the loop is recognised from repeated entries without sleeping"
        )
      }
    }
    if t.samples > 0 { applySamples(t, &v) }
    if !t.snapshots.isEmpty || !t.cpuTimes.isEmpty { applySnapshots(t, &v) }
    applyLostEvents(t, &v)
    if v.verdict == .notInFault {
      v.evidence.append("no call of the fault function and no fault-path stack for this thread in the capture")
    }
    return v
  }

  /// A loop or an undecidable phase anywhere decides; otherwise the thread is in its last state
  /// (SLEEPING → RESOLVED is RESOLVED, RESOLVED → SLEEPING is SLEEPING).
  static func threadVerdict(_ episodes: [Episode]) -> Verdict {
    let worst = episodes.map(\.verdict).max()!
    if worst == .spinning || worst == .inconclusive { return worst }
    return episodes.last!.verdict
  }

  static func ownerTid(_ comm: String) -> Int32? {
    guard comm.hasPrefix("iou-wrk-") || comm.hasPrefix("iou-sqp-") else { return nil }
    return Int32(comm.dropFirst(8))
  }

  private func applyLostEvents(_ t: TrackedThread, _ v: inout ThreadVerdict) {
    guard !tracker.lost.isEmpty, t.firstFaultLine > 0 || t.firstFaultSampleLine > 0 else { return }
    let from = t.firstFaultLine > 0 ? t.firstFaultLine : t.firstFaultSampleLine
    let inWindow = tracker.lost.filter { $0.line >= from && t.ranOn($0.cpu) }
    guard let first = inWindow.first else { return }
    let n = inWindow.reduce(Int64(0)) { $0.addingSaturated($1.count ?? 0) }
    v.caveats.append(
      "events were lost inside this thread's fault window (line \(first.line), CPU \(first.cpu)\(n > 0 ? ", \(n) events" : "")): retries and sleeps may be missing, so no verdict is given"
    )
    if v.verdict != .notInFault { v.verdict = .inconclusive }
  }

  // MARK: - blocked tasks

  private func blockedTask(_ t: TrackedThread, _ comm: String) -> BlockedTask? {
    let symbols = tracker.symbols
    var b = BlockedTask(
      tid: t.tid, comm: comm.isEmpty ? "?" : comm, stack: [], since: nil, line: 0, blockedFor: nil,
      untilEndOfCapture: false,
      reportedHung: false, waitsForWorkers: false, workers: [], evidence: [])
    if t.switchedOutState == .uninterruptible, !t.exited {
      b.since = t.switchedOutAt
      b.line = t.switchedOutLine
      b.untilEndOfCapture = true
      if let s = t.switchedOutAt, let e = tracker.lastTimestamp { b.blockedFor = e - s }
      b.evidence.append(
        "switched out in D at line \(t.switchedOutLine) (\(Format.timestamp(t.switchedOutAt))) and never ran again up to the end of the capture"
          + (b.blockedFor.map { " (\(Format.duration($0)))" } ?? ""))
    }
    for s in t.snapshots where s.state == .uninterruptible || s.source == .hungTask || s.exitWait {
      if b.stack.isEmpty || s.exitWait { b.stack = s.frames.map { symbols.name($0) } }
      if s.exitWait { b.waitsForWorkers = true }
      if s.source == .hungTask { b.reportedHung = true }
      if b.line == 0 { b.line = s.line }
      let what: String
      switch s.source {
      case .hungTask: what = "hung-task report"
      case .procStack: what = "/proc stack"
      case .taskDump: what = "sysrq task dump"
      default: what = "stack"
      }
      b.evidence.append(
        "\(what) at line \(s.line): state \(s.state?.letter ?? "?") in \(s.frames.prefix(3).map { symbols.name($0) }.joined(separator: " ← "))"
      )
    }
    guard b.untilEndOfCapture || !b.stack.isEmpty else { return nil }
    if PseudoTid.isPseudo(t.tid) {
      b.evidence.append("the text names no pid for this task: tid \(t.tid) is a placeholder")
    }
    if b.evidence.count > 4 {
      let n = b.evidence.count - 3
      b.evidence = Array(b.evidence.prefix(3)) + ["… and \(n) more samples showing the same"]
    }
    return b
  }

  private func linkOwners(_ verdicts: inout [ThreadVerdict], _ blocked: inout [BlockedTask]) {
    // One pass over the verdicts, then one lookup per blocked task: linear in the number of threads.
    var workersByOwner: [Int32: [Int32]] = [:]
    for v in verdicts { if let owner = v.ownerTid { workersByOwner[owner, default: []].append(v.tid) } }
    for i in blocked.indices { blocked[i].workers = workersByOwner[blocked[i].tid] ?? [] }
  }

  /// Snapshot and sampled evidence is weak alone. A worker caught on-CPU in the fault path (or
  /// burning a CPU) while the task that owns it is blocked waiting for its workers to exit is the
  /// signature of the loop.
  private func corroborate(_ verdicts: inout [ThreadVerdict], _ blocked: [BlockedTask]) {
    let waiter = blocked.first(where: \.waitsForWorkers)
    for i in verdicts.indices
    where verdicts[i].verdict == .inconclusive
      && verdicts[i].caveats.contains(where: { $0.hasPrefix("needs corroboration") })
    {
      if let w = waiter {
        verdicts[i].verdict = .spinning
        verdicts[i].caveats.removeAll { $0.hasPrefix("needs corroboration") }
        verdicts[i].evidence.append(
          "task \(w.tid) (\(w.comm)) is blocked in D waiting for io workers to exit (\(w.stack.first { $0.hasPrefix("io_wq_put_and_exit") } ?? w.stack.first ?? "io_wq_put_and_exit")), while this worker keeps running"
        )
        verdicts[i].caveats.append(
          "weaker evidence than a trace: no sequence of retries was recorded; capture function_graph and sched_switch to prove the loop"
        )
      } else {
        verdicts[i].caveats = verdicts[i].caveats.map {
          $0.hasPrefix("needs corroboration") ? String($0.dropFirst("needs corroboration: ".count)) : $0
        }
      }
    }
  }

  // MARK: - what the capture shows

  private func describeCapture(
    _ verdicts: [ThreadVerdict], _ blocked: [BlockedTask], _ read: TraceReadResult, _ notes: inout [String],
    _ hints: inout [String]
  ) {
    if read.isCutWindow { notes.append("the file is a window cut from a longer capture (`# cut:` line)") }
    if tracker.sawFunctionRecords, !tracker.sawSchedSwitch {
      notes.append("no sched_switch events: sleeps are inferred from schedule() durations only")
      hints.append(
        "echo 1 > /sys/kernel/tracing/events/sched/sched_switch/enable; echo 1 > /sys/kernel/tracing/events/sched/sched_wakeup/enable"
      )
    }
    if tracker.sawFunctionRecords, tracker.firstTimestamp == nil {
      notes.append("no timestamps (funcgraph-abstime off): retry rates cannot be computed")
      hints.append("echo funcgraph-abstime > /sys/kernel/tracing/trace_options")
    }
    if !tracker.sawFunctionRecords, !tracker.sawSamples, !tracker.sawSnapshots,
      verdicts.allSatisfy({ $0.verdict == .notInFault })
    {
      notes.append("events only: no function_graph calls, samples or stacks to place threads in the fault path")
    }
    if verdicts.contains(where: { $0.verdict == .inconclusive }) || verdicts.isEmpty && !blocked.isEmpty {
      hints.append(
        "trace-cmd record -p function_graph -g handle_userfault -e sched_switch -e sched_wakeup -e sched_process_exit -- sleep 2"
      )
      hints.append("perf record -e cpu-clock -F 999 -g -a -- sleep 2 && perf script")
    }
    if tracker.lostTotal > 0 {
      notes.append("\(tracker.lost.count) lost-events marker(s) in the file")
      hints.append(
        "echo 65536 > /sys/kernel/tracing/buffer_size_kb  # larger per-CPU buffer, and narrow set_graph_function")
    }
    if verdicts.isEmpty {
      notes.append(
        blocked.isEmpty
          ? "no io worker and no thread in the fault path in this capture"
          : "no io worker or fault-path thread in this capture")
    }
  }
}
