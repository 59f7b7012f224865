import TraceParse

/// Closing the phases still open when the input ends: a call in progress, a retry run, a sleep.
extension ThreadTracker {
  /// Ends every thread's open phase at the end of the capture. Idempotent: the first call closes
  /// the phases, later calls change nothing, so the same tracker always gives the same analysis.
  public func finish() {
    guard !finished else { return }
    finished = true
    for t in threads.values { closePhases(t) }
  }

  private func closePhases(_ t: TrackedThread) {
    if let call = t.fault.openCall {
      let blockedNow = t.sched.switchedOut?.state.isBlocked ?? false
      if blockedNow || slept(call).slept {
        flushRun(t, atEnd: false)
        var s = t.fault.sleep ?? SleepPhase(firstStart: call.start, firstLine: call.line, lastLine: call.line)
        s.count += 1
        s.blockedTime = s.blockedTime.addingSaturated(call.blockedTime).addingSaturated(
          max(0, (lastTimestamp ?? 0).subtractingSaturated(t.sched.switchedOut?.timestamp ?? lastTimestamp ?? 0)))
        s.wakeups += call.wakeups
        t.fault.sleep = s
        t.fault.openCall = nil
        flushSleep(t, untilEnd: true)
        return
      }
      // A thread that sleeps on every retry (a fix waking it periodically) is in a new call,
      // not yet asleep, when the window ends: its sleeping phase goes on.
      if t.fault.run == nil, t.fault.sleep != nil {
        t.fault.openCall = nil
        flushSleep(t, untilEnd: false)
        t.episodes[t.episodes.count - 1].untilEndOfCapture = true
        t.episodes[t.episodes.count - 1].lastLine = lastLine
        t.episodes[t.episodes.count - 1].endNs = lastTimestamp
        t.episodes[t.episodes.count - 1].facts.append(.inNewCallAtEnd(line: call.line))
        return
      }
      // In a retry call, on CPU, at the end: it counts as one more retry in progress.
      endCall(t, call, end: lastTimestamp, line: lastLine)
    }
    flushSleep(t, untilEnd: false)
    if let r = t.fault.run {
      t.fault.run = nil
      let recent =
        (r.lastEnd.flatMap { end in lastTimestamp.map { $0.subtractingSaturated(end) <= thresholds.maxRetryGap } })
        ?? true
      if r.count >= thresholds.minRetries {
        t.episodes.append(spinEpisode(t, r, untilEnd: recent && !t.sched.exited))
      } else if t.sched.exited || !recent {
        t.fault.pendingShortRetries += r.count
      } else if r.count <= t.fault.mostQuickRetriesBeforeSleep, t.episodes.last?.verdict == .sleeping {
        // No more quick retries than it made before sleeping earlier: the window ended inside the
        // thread's sleeping pattern, and its sleeping phase goes on.
        t.episodes[t.episodes.count - 1].untilEndOfCapture = true
        t.episodes[t.episodes.count - 1].lastLine = lastLine
        t.episodes[t.episodes.count - 1].endNs = lastTimestamp
        t.episodes[t.episodes.count - 1].facts.append(
          .quickRetriesAtEndAsBeforeSleeping(retries: r.count, mostBeforeSleep: t.fault.mostQuickRetriesBeforeSleep))
        return
      } else {
        t.episodes.append(
          Episode(
            verdict: .inconclusive, firstLine: r.firstLine, lastLine: lastLine, startNs: r.firstStart,
            endNs: lastTimestamp, faultCalls: r.count,
            facts: [.tooFewRetriesAtEnd(retries: r.count, needed: thresholds.minRetries)], untilEndOfCapture: true))
        return
      }
    }
    // Left the fault path: the last phase ended, the thread went on or exited.
    if t.fault.totalCalls > 0, t.episodes.last?.untilEndOfCapture != true {
      var facts: [PhaseFact] = [
        t.fault.pendingShortRetries > 0
          ? .returnedAfterQuickRetries(retries: t.fault.pendingShortRetries)
          : .lastCallReturned(line: t.fault.lastCallLine)
      ]
      facts.append(t.sched.exit.map { .exited(line: $0.line, timestampNs: $0.timestamp) } ?? .noFurtherFaultCall)
      t.episodes.append(
        Episode(
          verdict: .resolved, firstLine: t.fault.lastCallLine, lastLine: t.sched.exit?.line ?? t.fault.lastCallLine,
          startNs: t.fault.lastCallEnd, endNs: t.sched.exit.map(\.timestamp) ?? t.fault.lastCallEnd,
          faultCalls: t.fault.pendingShortRetries,
          facts: facts, untilEndOfCapture: false))
    }
  }

}
