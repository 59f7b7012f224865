import TraceParse

/// What a thread is doing right now, for live displays (computed without closing any phase).
public struct LiveThreadStatus: Sendable {
  public var tid: Int32
  public var comm: String
  /// Scheduler state from the last sched_switch (`R` when on CPU or unknown).
  public var state: String
  /// The verdict so far: SPINNING once the current run of retries is long enough.
  public var verdict: Verdict
  /// Retry calls seen in total.
  public var faultCalls: Int
  /// Start of the current state (ns), when known.
  public var since: Int64?
}

extension ThreadTracker {
  /// Threads in the fault path and io workers, as they are now.
  public func liveStatus() -> [LiveThreadStatus] {
    // Tasks, not the per-CPU stand-ins (tid -2 - cpu) of lines without a task column; the idle task
    // (tid 0) is neither an io worker nor in the fault path, so `> 0` and `>= 0` are one rule.
    threads.values.filter { $0.tid > 0 }.compactMap { t -> LiveThreadStatus? in  // mutants: equivalent
      let comm = symbols.name(t.comm)
      guard t.fault.totalCalls > 0 || t.fault.openCall != nil || roles.isWorker(comm) else { return nil }
      var verdict = Verdict.notInFault
      var since: Int64?
      if let r = t.fault.run, r.count >= thresholds.minRetries {
        verdict = .spinning
        since = r.firstStart
      } else if let call = t.fault.openCall, t.sched.switchedOut?.state.isBlocked == true {
        verdict = .sleeping
        since = call.start
      } else if t.fault.openCall != nil || t.fault.run != nil {
        verdict = .inconclusive
        since = t.fault.openCall?.start ?? t.fault.run?.firstStart
      } else if let e = t.episodes.last {
        verdict = e.verdict
        since = e.startNs
      }
      return LiveThreadStatus(
        tid: t.tid, comm: comm, state: t.sched.switchedOut?.state.letter ?? "R", verdict: verdict,
        faultCalls: t.fault.totalCalls + (t.fault.openCall == nil ? 0 : 1), since: since)
    }.sorted { $0.tid < $1.tid }
  }

  /// Threads whose current run of back-to-back retries already proves a loop.
  public var spinningThreads: [Int32] {
    threads.values.filter { ($0.fault.run?.count ?? 0) >= thresholds.minRetries }.map(\.tid).sorted()
  }

  /// Records received so far.
  public var recordCount: Int { records }

  /// The last timestamp seen (ns).
  public var latestTimestamp: Int64? { lastTimestamp }
}
