import TraceParse

/// Verdicts from sampled call chains, stack snapshots and /proc/PID/stat counters, which show
/// states at instants rather than a sequence of retries: weaker evidence, said so in caveats.
extension FaultLoopDetector {
  func applySamples(_ t: TrackedThread, _ v: inout ThreadVerdict) {
    guard let lines = t.sampled.faultSampleLines else { return }  // no sample in the fault path
    let symbols = tracker.symbols
    let share = Double(t.sampled.faultSamples) / Double(t.sampled.samples)
    let cpu = sampledCPUShare(t)
    var cpuShare: Double?
    if case .share(let c, let method) = cpu {
      cpuShare = c
      if v.cpuSharePercent == nil { v.cpuSharePercent = c * 100 }
      v.evidence.append(.cpuShareFromSamples(cpuSharePercent: c * 100, method: method))
    }
    if v.loopStack.isEmpty { v.loopStack = t.sampled.sampleStack.map { symbols.name($0) } }
    v.evidence.append(
      .faultSamples(
        inFaultPath: t.sampled.faultSamples, total: t.sampled.samples, inRetryFunction: t.sampled.retrySamples,
        lines: lines))
    if let a = t.sampled.firstFaultSample, let b = t.sampled.lastFaultSample, b > a {
      v.evidence.append(.faultSampleRate(samples: t.sampled.faultSamples, spanNs: b.subtractingSaturated(a)))
    }
    guard v.episodes.isEmpty else { return }  // a trace of the same thread decides; samples only add
    let saturated = saturatedCPUs(t)
    if let c = cpuShare, c < thresholds.maxAsleepShare, let n = saturated {
      v.evidence.append(.lowShareOnSaturatedCPUs(cpuSharePercent: c * 100, cpus: n))
    }
    if let c = cpuShare, c < thresholds.maxAsleepShare, saturated == nil {
      // Rarely on a CPU: no loop, whatever the fault-path samples say; they show where it waits.
      v.evidence.append(.mostlyOffCPU(cpuSharePercent: c * 100, maxPercent: thresholds.maxAsleepShare * 100))
      v.verdict = t.sampled.retrySamples > 0 ? .sleeping : .notInFault
      v.caveats.append(.sampledWaiting)
    } else if t.sampled.faultSamples < thresholds.minFaultSamples {
      v.verdict = .inconclusive
      v.caveats.append(.tooFewFaultSamples(samples: t.sampled.faultSamples, needed: thresholds.minFaultSamples))
    } else if share < thresholds.minFaultSampleShare {
      v.verdict = .inconclusive
      v.caveats.append(
        .lowFaultSampleShare(faultSharePercent: share * 100, neededPercent: thresholds.minFaultSampleShare * 100))
    } else if t.sampled.retrySamples == 0 {
      v.verdict = .inconclusive
      v.caveats.append(.noSampleInRetryFunction)
    } else if let c = cpuShare, c < thresholds.minBusyShare {
      v.verdict = .inconclusive
      v.caveats.append(.notBusy(cpuSharePercent: c * 100))
    } else if cpuShare != nil {
      v.verdict = .spinning
      v.caveats.append(.sampledEvidence)
    } else if case .unknown(let why) = cpu {
      v.verdict = .inconclusive
      v.caveats.append(.noCPUShareFromSamples(reason: why))
    }
  }

  /// The number of CPUs the thread was sampled on when none of them ever ran the idle task in the
  /// capture (saturated, so a low share says nothing), or nil when one of them did.
  func saturatedCPUs(_ t: TrackedThread) -> Int? {
    let cpus = tracker.samplePeriodsPerCPU.keys.filter { t.ranOn($0) }
    guard !cpus.isEmpty, !cpus.contains(where: tracker.cpusSampledIdle.contains) else { return nil }
    return cpus.count
  }

  /// The share of a CPU a task spent in system time between its first and last timed
  /// /proc/TID/stat samples (stime ticks at USER_HZ 100), or nil with fewer than two.
  func systemShare(_ t: TrackedThread) -> Double? {
    guard let a = t.snap.cpuTimes.firstTimed, let b = t.snap.cpuTimes.lastTimed, let ta = a.timestamp,
      let tb = b.timestamp, tb > ta
    else {
      return nil
    }
    return (Double(b.systemTicks) - Double(a.systemTicks)) / 100 / (Double(tb.subtractingSaturated(ta)) / 1e9)
  }

  /// A task outside io-wq is in scope when it burns a CPU in system time and no stack of it is
  /// in the fault path: its /proc stack is empty while it runs, so where it loops is unknown.
  func burnsCPUInKernelUnseen(_ t: TrackedThread) -> Bool {
    guard let system = systemShare(t), system >= thresholds.minBusyShare else { return false }
    return !t.snap.snapshots.contains(where: \.inFault)
  }

  /// A task that only lockdep names (`1 lock held by iou-wrk-92/93:` after a hung-task report)
  /// is in the report without any stack: nothing tells whether it spins.
  func applyNamedOnly(_ t: TrackedThread, _ v: inout ThreadVerdict) {
    guard t.snap.namedByLockdep, t.fault.totalCalls == 0, t.sampled.samples == 0, t.snap.snapshots.isEmpty,
      t.snap.cpuTimes.isEmpty
    else { return }
    v.verdict = .inconclusive
    v.caveats.append(.namedByLockdepOnly)
  }

  /// A sampled thread's CPU share, or why the samples do not give one.
  enum SampledShare {
    case share(Double, CPUShareMethod)
    case unknown(CPUShareGap)
  }

  /// The thread's sample periods over those of the busiest CPU (see ``CPUShareMethod``). It
  /// needs every sample's period and CPU; the event's name plays no part.
  func sampledCPUShare(_ t: TrackedThread) -> SampledShare {
    if tracker.sawSampleWithoutPeriod { return .unknown(.noPeriods) }
    guard
      let busiest = tracker.samplePeriodsPerCPU.max(by: {
        $0.value < $1.value || $0.value == $1.value && $0.key > $1.key
      }),
      busiest.value > 0
    else { return .unknown(.noCPUColumn) }
    let c = min(1, Double(t.sampled.samplePeriodSum) / Double(busiest.value))
    return .share(
      c, .periodsOfBusiestCPU(cpu: busiest.key, threadPeriods: t.sampled.samplePeriodSum, cpuPeriods: busiest.value))
  }

  func applySnapshots(_ t: TrackedThread, _ v: inout ThreadVerdict) {
    let symbols = tracker.symbols
    let faultShots = t.snap.snapshots.filter(\.inFault)
    if v.loopStack.isEmpty, let s = faultShots.first { v.loopStack = s.frames.reversed().map { symbols.name($0) } }
    for s in faultShots.prefix(3) { v.evidence.append(.sighting(sighting: sighting(s, frames: 4))) }
    var busy: Double?
    if let a = t.snap.cpuTimes.firstTimed, let b = t.snap.cpuTimes.lastTimed, b.timestamp! > a.timestamp! {
      let span = b.timestamp!.subtractingSaturated(a.timestamp!)
      let share = (Double(b.ticks) - Double(a.ticks)) / 100 / (Double(span) / 1e9)
      busy = share
      // Each state is in the list once, so `<` and `<=` sort it alike.
      let states = t.snap.cpuTimes.states.sorted { $0.rawValue < $1.rawValue }  // mutants: equivalent
      v.evidence.append(
        .procStat(
          fromTicks: a.ticks, toTicks: b.ticks, spanNs: span, cpuSharePercent: share * 100,
          states: states, lines: LineRange(a.line, b.line)))
      if v.cpuSharePercent == nil { v.cpuSharePercent = share * 100 }
    }
    guard v.episodes.isEmpty, t.sampled.faultSamples == 0 else { return }
    if faultShots.contains(where: { $0.source == .lockup }) {
      v.verdict = .spinning
      v.caveats.append(.lockupReport)
      return
    }
    let pasted = faultShots.filter { $0.source == .perfReport }
    if !pasted.isEmpty {
      let claims = tracker.claims[t.tid] ?? []
      for c in claims {
        switch c {
        case .cpuUsage(let percent): v.evidence.append(.claimedCPUUsage(percent: percent))
        }
      }
      v.caveats.append(.pastedStacks(count: pasted.count, withClaimedCPUUsage: !claims.isEmpty))
    }
    if PseudoTid.isPseudo(t.tid) { v.caveats.append(.placeholderTid(tid: t.tid)) }
    let running = faultShots.filter {
      $0.source == .runningBacktrace || $0.source == .perfReport || $0.state == .running
    }
    let sleeping = faultShots.filter { $0.state == .sleeping || $0.state == .uninterruptible }
    if let busy, busy >= thresholds.minBusyShare, faultShots.count >= 2, sleeping.isEmpty {
      // Burns a CPU, and whenever its stack could be read it was in the fault path.
      v.verdict = .spinning
      v.caveats.append(.procEvidence(inFaultPath: faultShots.count, snapshots: t.snap.snapshots.count))
    } else if busy == nil, running.count >= 3, sleeping.isEmpty {
      // Caught on-CPU in the fault path again and again, never asleep in it.
      v.verdict = .spinning
      v.caveats.append(.snapshotEvidence(onCPUInFaultPath: running.count))
    } else if !v.isWorker, let system = systemShare(t), system >= thresholds.minBusyShare {
      // Outside io-wq, nothing ties it to the worker's loop: no corroboration makes it one.
      v.verdict = .inconclusive
      v.caveats.append(.busyInKernelStackNotShown(systemSharePercent: system * 100))
    } else if let busy, busy >= thresholds.minBusyShare {
      v.verdict = .inconclusive
      v.caveats.append(.burnsCPUStackNotShown)
    } else if let busy, busy < thresholds.maxAsleepShare, !sleeping.isEmpty {
      // Seen asleep in the fault path and its CPU counters hardly moved: an instant in R (just after
      // a wake-up) does not make it a loop. Always R at a low share is another thing: runnable but
      // starved of a CPU (many loops sharing few CPUs), left to the corroboration below.
      v.verdict = .sleeping
      v.evidence.append(.mostlyOffCPU(cpuSharePercent: busy * 100, maxPercent: thresholds.maxAsleepShare * 100))
      v.evidence.append(.blockedInFaultSnapshots(count: sleeping.count, snapshots: t.snap.snapshots.count))
    } else if !running.isEmpty {
      v.verdict = .inconclusive
      v.caveats.append(.caughtOnCPU(snapshots: running.count))
    } else if !sleeping.isEmpty && busy == nil {
      // Seen asleep in the fault path, never on a CPU, and no CPU time recorded (a sysrq dump).
      v.verdict = .sleeping
      v.evidence.append(.blockedInFaultSnapshots(count: sleeping.count, snapshots: t.snap.snapshots.count))
    } else if !faultShots.isEmpty {
      // In the fault path, but with no state or CPU time recorded, or asleep there at a CPU share
      // between a sleeper's and a loop's: the snapshots cannot tell a loop from a wait.
      v.verdict = .inconclusive
      v.caveats.append(
        .faultSnapshotsUndecided(
          inFaultPath: faultShots.count, snapshots: t.snap.snapshots.count, asleep: sleeping.count,
          cpuSharePercent: busy.map { $0 * 100 }))
    }
    // Otherwise the verdict stays NOT_IN_FAULT: no trace, fault sample or snapshot shows a fault.
  }
}
