import TraceParse

/// Turns completed retry calls into phases: back-to-back calls that returned without sleeping
/// form a retry run (SPINNING once long enough); calls that slept form a SLEEPING phase.
extension ThreadTracker {
  /// Whether a finished call slept: a sched_switch in S/D during it, or, when the capture has no
  /// sched_switch events, a schedule() or call long enough to have slept.
  func slept(_ call: FaultCall) -> (slept: Bool, inferred: Bool) {
    if call.sleptBlocked { return (true, false) }
    if !sawSchedSwitch, call.longestSchedule > thresholds.inferredSleep { return (true, true) }
    return (false, false)
  }

  func endCall(_ t: TrackedThread, _ call: FaultCall, end: Int64?, line: Int) {
    t.fault.openCall = nil
    t.fault.totalCalls += 1
    let (didSleep, inferred) = slept(call)
    if didSleep {
      if inferred, let r = t.fault.run, r.count >= thresholds.minRetries {
        // Without sched events a sleep shorter than the inference limit looks like a quick retry: a
        // loop that ends in an inferred sleep may have slept briefly in every call.
        t.fault.run = nil
        t.episodes.append(
          Episode(
            verdict: .inconclusive, firstLine: r.firstLine, lastLine: r.lastLine, startNs: r.firstStart,
            endNs: r.lastEnd,
            faultCalls: r.count, facts: [.loopEndedInInferredSleep(retries: r.count)], untilEndOfCapture: false,
            retries: r.marks))
      }
      flushRun(t, atEnd: false)
      var s = t.fault.sleep ?? SleepPhase(firstStart: call.start, firstLine: call.line, lastLine: line)
      s.count += 1
      s.lastEnd = end
      s.lastLine = line
      s.blockedTime = s.blockedTime.addingSaturated(call.blockedTime)
      s.wakeups += call.wakeups
      if inferred { s.inferred += 1 }
      t.fault.sleep = s
    } else {
      flushSleep(t, untilEnd: false)
      if let r = t.fault.run, let last = r.lastEnd, let start = call.start,
        start.subtractingSaturated(last) > thresholds.maxRetryGap
      {
        flushRun(t, atEnd: false)
      }
      var r = t.fault.run ?? RetryRun(firstStart: call.start, firstLine: call.line, lastLine: line)
      r.count += 1
      r.lastEnd = end
      r.lastLine = line
      r.offCPUTime = r.offCPUTime.addingSaturated(call.offCPUTime)
      r.preemptions += call.preemptions
      r.schedules += call.schedules
      r.schedulesReturnedAtOnce += call.schedulesReturnedAtOnce
      if r.marks.count < Episode.retryMarkLimit { r.marks.append(RetryMark(line: call.line, startNs: call.start)) }
      t.fault.run = r
    }
    t.fault.lastCallEnd = end
    t.fault.lastCallLine = line
  }

  func flushSleep(_ t: TrackedThread, untilEnd: Bool) {
    guard let s = t.fault.sleep else { return }
    t.fault.sleep = nil
    var facts: [PhaseFact] = [untilEnd ? .stillBlockedAtEnd : .sleptThenReturned(calls: s.count)]
    if s.blockedTime > 0 { facts.append(.blockedOffCPU(durationNs: s.blockedTime)) }
    if s.count > 1, let start = s.firstStart, let end = s.lastEnd,
      // Two calls that each slept span at least their sleeps: `end == start` never occurs, so `>`
      // and `>=` read the same (this only keeps an out-of-order capture from a negative span).
      end > start  // mutants: equivalent
    {
      facts.append(.wokeAndRetried(calls: s.count, spanNs: end.subtractingSaturated(start)))
    }
    if s.wakeups > 0 { facts.append(.wakeups(count: s.wakeups)) }
    if t.fault.pendingShortRetries > 0 {
      facts.append(.quickRetriesBetweenSleeps(count: t.fault.pendingShortRetries))
      t.fault.mostQuickRetriesBeforeSleep = max(t.fault.mostQuickRetriesBeforeSleep, t.fault.pendingShortRetries)
      t.fault.pendingShortRetries = 0
    }
    if s.inferred > 0 { facts.append(.sleepInferredFromDurations(calls: s.inferred)) }
    t.episodes.append(
      Episode(
        verdict: .sleeping, firstLine: s.firstLine, lastLine: untilEnd ? lastLine : s.lastLine, startNs: s.firstStart,
        endNs: untilEnd ? lastTimestamp : s.lastEnd, faultCalls: s.count, facts: facts, untilEndOfCapture: untilEnd))
  }

  /// Closes the current retry run: a SPINNING phase when long enough, otherwise the retries are
  /// remembered and reported with the phase that follows.
  func flushRun(_ t: TrackedThread, atEnd: Bool) {
    guard let r = t.fault.run else { return }
    t.fault.run = nil
    if r.count >= thresholds.minRetries {
      t.episodes.append(spinEpisode(t, r, untilEnd: atEnd))
    } else {
      t.fault.pendingShortRetries += r.count
    }
  }

  func spinEpisode(_ t: TrackedThread, _ r: RetryRun, untilEnd: Bool) -> Episode {
    var facts: [PhaseFact] = [.backToBackRetries(count: r.count)]
    let end = untilEnd ? (lastTimestamp ?? r.lastEnd) : r.lastEnd
    var cpuShare: Double?
    if let start = r.firstStart, let e = end, e > start {
      facts.append(.retryRate(retries: r.count, spanNs: e.subtractingSaturated(start)))
      if sawSchedSwitch {
        let share = max(0, 100 * (1 - Double(r.offCPUTime) / (Double(e) - Double(start))))
        cpuShare = share
        facts.append(.onCPU(cpuSharePercent: share))
      }
    }
    if r.schedules > 0 {
      facts.append(.scheduleReturnedAtOnce(returnedAtOnce: r.schedulesReturnedAtOnce, calls: r.schedules))
    }
    if sawSchedSwitch { facts.append(r.preemptions == 0 ? .neverBlocked : .onlyPreempted(preemptions: r.preemptions)) }
    return Episode(
      verdict: .spinning, firstLine: r.firstLine, lastLine: untilEnd ? lastLine : r.lastLine, startNs: r.firstStart,
      endNs: end, faultCalls: r.count, facts: facts, untilEndOfCapture: untilEnd, cpuSharePercent: cpuShare,
      scheduleReturnedAtOnce: r.schedulesReturnedAtOnce > 0, retries: r.marks)
  }
}
