import Foundation
import TraceParse

/// Verdicts from sampled call chains, stack snapshots and /proc/PID/stat counters, which show
/// states at instants rather than a sequence of retries: weaker evidence, said so in caveats.
extension FaultLoopDetector {
  func applySamples(_ t: TrackedThread, _ v: inout ThreadVerdict) {
    guard t.faultSamples > 0 else { return }
    let symbols = tracker.symbols
    let share = Double(t.faultSamples) / Double(t.samples)
    var cpuShare: Double?
    var periodShare: Double?
    if tracker.timedSamples, let a = tracker.firstSample, let b = tracker.lastSample, b > a {
      periodShare = min(1, Double(t.samplePeriodSum) / Double(b - a))
      cpuShare = periodShare
    }
    // A clock event recorded system-wide (`-a`, CPU column present) samples every CPU at the same
    // rate, idle included: the thread's share of one CPU's samples is its CPU share, whatever the
    // real sampling rate was (a guest without high-resolution timers samples every tick, not at -F).
    var sampleShare: Double?
    if tracker.timedSamples, tracker.samplesPerCPU.count > 0, tracker.totalSamples > 0 {
      let perCPU = Double(tracker.totalSamples) / Double(tracker.samplesPerCPU.count)
      sampleShare = min(1, Double(t.samples) / perCPU)
      cpuShare = sampleShare
    }
    v.cpuShare = cpuShare
    if v.loopStack.isEmpty { v.loopStack = t.sampleStack.map { symbols.name($0) } }
    v.evidence.append(
      String(
        format:
          "%d of %d samples of this thread are in the fault path (%.0f%%), %d of them inside the retry function; lines %d–%d",
        t.faultSamples, t.samples, share * 100, t.retrySamples, t.firstFaultSampleLine, t.lastFaultSampleLine))
    if let a = t.firstFaultSample, let b = t.lastFaultSample, b > a {
      v.evidence.append(
        String(
          format: "%.0f fault-path samples/s over %@", Double(t.faultSamples) / (Double(b - a) / 1e9),
          Format.duration(b - a)))
    }
    if let c = sampleShare {
      v.evidence.append(
        String(
          format:
            "on-CPU %.0f%% of one CPU: %d of the %d samples taken on %d CPU%@ (clock event, every CPU sampled alike)",
          c * 100, t.samples, tracker.totalSamples, tracker.samplesPerCPU.count,
          tracker.samplesPerCPU.count == 1 ? "" : "s"))
    }
    if let c = periodShare {
      v.evidence.append(String(format: "sum of its sample periods = %.0f%% of the capture window", c * 100))
    }
    guard v.episodes.isEmpty else { return }  // a trace of the same thread decides; samples only add
    if t.faultSamples < thresholds.minFaultSamples {
      v.verdict = .inconclusive
      v.caveats.append(
        "only \(t.faultSamples) fault-path sample\(t.faultSamples == 1 ? "" : "s") (\(thresholds.minFaultSamples) needed)"
      )
    } else if share < thresholds.minFaultSampleShare || t.retrySamples == 0 {
      v.verdict = .inconclusive
      v.caveats.append(
        String(
          format: "in the fault path in %.0f%% of its samples, below the %.0f%% that shows a loop", share * 100,
          thresholds.minFaultSampleShare * 100))
    } else if let c = cpuShare, c < thresholds.minBusyShare {
      v.verdict = .inconclusive
      v.caveats.append(
        String(format: "on-CPU only %.0f%% of the time: not a tight loop, but sampling cannot show sleeps", c * 100))
    } else if cpuShare != nil {
      v.verdict = .spinning
      v.caveats.append(
        "sampled evidence: the thread burns a CPU inside the fault path; a function_graph trace would count the retries"
      )
    } else {
      v.verdict = .inconclusive
      v.caveats.append(
        "needs corroboration: sampled in the fault path, but the sample periods do not give its CPU share")
    }
  }

  func applySnapshots(_ t: TrackedThread, _ v: inout ThreadVerdict) {
    let symbols = tracker.symbols
    let faultShots = t.snapshots.filter(\.inFault)
    if v.loopStack.isEmpty, let s = faultShots.first { v.loopStack = s.frames.reversed().map { symbols.name($0) } }
    for s in faultShots.prefix(3) {
      v.evidence.append(
        "\(Self.describe(s.source)) at line \(s.line): \(s.state.map { "state \($0.letter), " } ?? "")in \(s.frames.prefix(4).map { symbols.name($0) }.joined(separator: " ← "))"
      )
    }
    var busy: Double?
    let timed = t.cpuTimes.filter { $0.timestamp != nil }
    if let a = timed.first, let b = timed.last, b.timestamp! > a.timestamp! {
      let seconds = Double(b.timestamp! - a.timestamp!) / 1e9
      let share = Double(b.ticks - a.ticks) / 100 / seconds
      busy = share
      let states = Set(t.cpuTimes.map { $0.state.letter }).sorted().joined(separator: "/")
      v.evidence.append(
        String(
          format: "/proc stat: utime+stime %lld → %lld ticks over %.2f s = %.0f%% of a CPU, state %@ (lines %d–%d)",
          a.ticks, b.ticks, seconds, share * 100, states, a.line, b.line))
      if v.cpuShare == nil { v.cpuShare = share }
    }
    guard v.episodes.isEmpty, t.faultSamples == 0 else { return }
    if faultShots.contains(where: { $0.source == .lockup }) {
      v.verdict = .spinning
      v.caveats.append("a soft-lockup/RCU-stall report caught it running in the fault path")
      return
    }
    let pasted = faultShots.filter { $0.source == .perfReport }
    if !pasted.isEmpty {
      let claims = tracker.reportedFacts[t.tid] ?? []
      for c in claims where c.hasPrefix("cpu-usage=") {
        v.evidence.append(
          "the report states CPU usage \(c.dropFirst(10)) (the reporter's statement, not a measurement)")
      }
      v.caveats.append(
        "evidence available: \(pasted.count == 1 ? "one sampled stack" : "\(pasted.count) sampled stacks") pasted from perf report"
          + (claims.isEmpty ? "" : " plus the CPU use stated in the text")
          + "; weaker than a trace or a series of samples, which would show the loop repeating")
    }
    if PseudoTid.isPseudo(t.tid) {
      v.caveats.append("the text names no tid for this thread: tid \(t.tid) is a placeholder")
    }
    let running = faultShots.filter {
      $0.source == .runningBacktrace || $0.source == .perfReport || $0.state == .running
    }
    let sleeping = faultShots.filter { $0.state == .sleeping || $0.state == .uninterruptible }
    if let busy, busy >= thresholds.minBusyShare, faultShots.count >= 2, sleeping.isEmpty {
      // Burns a CPU, and whenever its stack could be read it was in the fault path.
      v.verdict = .spinning
      v.caveats.append(
        "/proc evidence: it burns a CPU and \(faultShots.count) of its \(t.snapshots.count) stack samples are in the fault path; a function_graph trace would count the retries"
      )
    } else if busy == nil, running.count >= 3, sleeping.isEmpty {
      // Caught on-CPU in the fault path again and again, never asleep in it.
      v.verdict = .spinning
      v.caveats.append(
        "snapshot evidence: caught on-CPU in the fault path in \(running.count) snapshots and never asleep there; a function_graph trace would count the retries"
      )
    } else if let busy, busy >= thresholds.minBusyShare {
      v.verdict = .inconclusive
      v.caveats.append(
        "needs corroboration: it burns a CPU, but a running task's /proc stack is empty, so its place in the fault path is not shown"
      )
    } else if !running.isEmpty {
      v.verdict = .inconclusive
      v.caveats.append(
        "needs corroboration: \(running.count) snapshot\(running.count == 1 ? "" : "s") caught it on-CPU in the fault path; one instant does not show a loop"
      )
    } else if !sleeping.isEmpty && (busy ?? 0) < 0.2 {
      v.verdict = .sleeping
      v.evidence.append("blocked in the fault path in \(sleeping.count) of \(t.snapshots.count) snapshots")
    } else if let busy, busy < 0.2, v.isWorker, faultShots.isEmpty {
      v.verdict = .notInFault
    }
  }

  static func describe(_ source: SnapshotSource) -> String {
    switch source {
    case .procStack: "/proc stack"
    case .hungTask: "hung-task report"
    case .runningBacktrace: "NMI backtrace (sysrq l)"
    case .taskDump: "sysrq task dump"
    case .lockup: "lockup report"
    case .perfReport: "pasted perf stack"
    }
  }
}
