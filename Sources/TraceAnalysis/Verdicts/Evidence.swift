import TraceParse

/// First and last line of a file that show something.
public struct LineRange: Sendable, Codable, Equatable {
  /// First line (1-based).
  public var first: Int
  /// Last line.
  public var last: Int

  /// The range `first...last`.
  public init(_ first: Int, _ last: Int) {
    self.first = first
    self.last = last
  }
}

/// One measured fact about a phase of a thread in the fault path. Values only: the wording is
/// TraceReport's.
public enum PhaseFact: Sendable, Codable, Equatable {
  /// SPINNING: retries in a row, none of which slept.
  case backToBackRetries(count: Int)
  /// SPINNING: retries over the span from the first entry to the last return.
  case retryRate(retries: Int, spanNs: Int64)
  /// SPINNING: on-CPU share over the phase, from sched_switch.
  case onCPU(cpuSharePercent: Double)
  /// schedule() calls inside the phase, and how many returned without a switch-out.
  case scheduleReturnedAtOnce(returnedAtOnce: Int, calls: Int)
  /// SPINNING: never switched out in S/D (sched_switch shows only that).
  case neverBlocked
  /// SPINNING: switched out only while runnable (state R).
  case onlyPreempted(preemptions: Int)
  /// SLEEPING: still blocked in the fault path at the end of the capture.
  case stillBlockedAtEnd
  /// SLEEPING: fault calls that slept and returned.
  case sleptThenReturned(calls: Int)
  /// SLEEPING: time off-CPU in S/D during the phase.
  case blockedOffCPU(durationNs: Int64)
  /// SLEEPING: calls over the span of the phase (a periodic wake-up and retry).
  case wokeAndRetried(calls: Int, spanNs: Int64)
  /// sched_wakeup events of the thread while in the fault path.
  case wakeups(count: Int)
  /// SLEEPING: retries that returned at once between sleeps (too few for a loop).
  case quickRetriesBetweenSleeps(count: Int)
  /// SLEEPING: some sleeps inferred from schedule() durations (no sched_switch in the capture).
  case sleepInferredFromDurations(calls: Int)
  /// SLEEPING: in a new fault call (from `line`) when the capture ended, after sleeping in every earlier one.
  case inNewCallAtEnd(line: Int)
  /// SLEEPING: the capture ended after `retries` quick retries, no more than the `mostBeforeSleep` that
  /// the thread made before sleeping in an earlier call.
  case quickRetriesAtEndAsBeforeSleeping(retries: Int, mostBeforeSleep: Int)
  /// INCONCLUSIVE: `retries` back-to-back retries without sched events, ended by a call whose sleep
  /// was inferred: brief sleeps in each of them cannot be told from a loop.
  case loopEndedInInferredSleep(retries: Int)
  /// INCONCLUSIVE: too few back-to-back retries before the capture ended.
  case tooFewRetriesAtEnd(retries: Int, needed: Int)
  /// RESOLVED: the fault returned after quick retries that make no loop.
  case returnedAfterQuickRetries(retries: Int)
  /// RESOLVED: the last fault call returned at `line`.
  case lastCallReturned(line: Int)
  /// RESOLVED: the thread exited.
  case exited(line: Int, timestampNs: Int64?)
  /// RESOLVED: no fault call after the last one up to the end of the capture.
  case noFurtherFaultCall
}

/// One place a stack of the thread was seen (a snapshot, a dump, a pasted sample).
public struct StackSighting: Sendable, Codable, Equatable {
  /// The document it came from.
  public var source: SnapshotSource
  /// Its line.
  public var line: Int
  /// The task's state, when printed.
  public var state: TaskState?
  /// Innermost frames first (at most a few).
  public var frames: [String]
}

/// One piece of evidence for a thread's verdict.
public enum ThreadEvidence: Sendable, Codable, Equatable {
  /// The phase that decides (the worst), with its lines and times; its facts follow as `phaseFact`.
  case phase(verdict: Verdict, lines: LineRange, startNs: Int64?, endNs: Int64?)
  /// A fact of the deciding phase.
  case phaseFact(fact: PhaseFact)
  /// Sampled input: samples of this thread in the fault path and in the retry function.
  case faultSamples(inFaultPath: Int, total: Int, inRetryFunction: Int, lines: LineRange)
  /// Sampled input: fault-path samples over the time between the first and the last.
  case faultSampleRate(samples: Int, spanNs: Int64)
  /// Sampled input: the thread's CPU share, and how it was computed.
  case cpuShareFromSamples(cpuSharePercent: Double, method: CPUShareMethod)
  /// Sampled input: on-CPU at most `maxPercent` of the time, which no loop is: the samples in
  /// the fault path show where it waits.
  case mostlyOffCPU(cpuSharePercent: Double, maxPercent: Double)
  /// Sampled input: on-CPU below the asleep limit, but none of the `cpus` CPUs it was sampled on ever
  /// ran the idle task: they were saturated, and a looping thread sharing them gets no more.
  case lowShareOnSaturatedCPUs(cpuSharePercent: Double, cpus: Int)
  /// A stack of the thread in the fault path.
  case sighting(sighting: StackSighting)
  /// /proc stat counters: CPU ticks between the first and the last sample.
  case procStat(
    fromTicks: Int64, toTicks: Int64, spanNs: Int64, cpuSharePercent: Double, states: [TaskState],
    lines: LineRange)
  /// A pasted report states the task's CPU use (the reporter's claim, not a measurement).
  case claimedCPUUsage(percent: Int64)
  /// Snapshots that show it blocked in the fault path.
  case blockedInFaultSnapshots(count: Int, snapshots: Int)
  /// The task that owns this worker is blocked in D waiting for its workers to exit.
  case ownerWaitsForWorkers(tid: Int32, comm: String, frame: String)
  /// Nothing in the capture places it in the fault path.
  case noFaultPath
  /// A fact from histogram counts (hist triggers, ``CountedFact``).
  case counted(fact: CountedFact)
}

/// How a sampled thread's CPU share was computed.
public enum CPUShareMethod: Sendable, Codable, Equatable {
  /// The sum of the thread's sample periods over the sum of the periods sampled on the busiest
  /// CPU over the capture. Periods count the sampled event (ns of cpu-clock, cycles, instructions,
  /// ...); a CPU running the whole capture collects the most, so the ratio is the thread's share
  /// of one CPU for any sampling event, in frequency mode too (periods then vary per sample).
  case periodsOfBusiestCPU(cpu: Int32, threadPeriods: Int64, cpuPeriods: Int64)
}

/// Why sampled input gives no CPU share.
public enum CPUShareGap: Sendable, Codable, Equatable {
  /// Samples without a period (`perf script -F` without `period`; ftrace stack traces, which an
  /// event takes, not a timer).
  case noPeriods
  /// No CPU column (`perf record` of one task, `perf script -F` without `cpu`): no CPU to compare with.
  case noCPUColumn
}

/// Why a verdict is INCONCLUSIVE or weaker than it could be.
public enum Caveat: Sendable, Codable, Equatable {
  /// Lines without a task column on `cpu` before any context-switch banner.
  case noTaskColumn(cpu: Int32)
  /// The graph starts at the fault function (set_graph_function): its callers are not in the capture.
  case callersHidden(function: String)
  /// Events were lost inside this thread's fault window.
  case lostEvents(line: Int, cpu: Int32, events: Int)
  /// Events were lost inside this thread's fault window, but `retries` back-to-back retries of its
  /// loop (at `loopLines`) have no loss among them: the loop stands.
  case lostEventsBesideIntactLoop(line: Int, cpu: Int32, events: Int, retries: Int, loopLines: LineRange)
  /// Sampled input: too few fault-path samples for a verdict.
  case tooFewFaultSamples(samples: Int, needed: Int)
  /// Sampled input: in the fault path in too small a share of its samples.
  case lowFaultSampleShare(faultSharePercent: Double, neededPercent: Double)
  /// Sampled input: no sample inside the retry function itself.
  case noSampleInRetryFunction
  /// Sampled input: on-CPU too little for a tight loop (sampling cannot show the sleeps).
  case notBusy(cpuSharePercent: Double)
  /// Sampled evidence decided: the thread burns a CPU inside the fault path.
  case sampledEvidence
  /// Needs corroboration: the samples do not give the thread's CPU share.
  case noCPUShareFromSamples(reason: CPUShareGap)
  /// Sampled evidence decided: on-CPU too little for a loop, it waits in the fault path.
  case sampledWaiting
  /// Known only from lockdep's list of lock holders: the report holds no stack of it.
  case namedByLockdepOnly
  /// Not an io worker, but it burns a CPU in system time and no stack of it shows where (a running
  /// task's /proc stack is empty): a kernel loop cannot be told from other kernel work.
  case busyInKernelStackNotShown(systemSharePercent: Double)
  /// Corroborated: weaker than a trace (no sequence of retries recorded).
  case weakerThanTrace
  /// A soft-lockup or RCU-stall report caught it running in the fault path.
  case lockupReport
  /// Only stacks pasted from perf report (and maybe a stated CPU use) show it.
  case pastedStacks(count: Int, withClaimedCPUUsage: Bool)
  /// The text names no tid for this thread: `tid` is a placeholder.
  case placeholderTid(tid: Int32)
  /// /proc evidence decided: it burns a CPU and every readable stack sample is in the fault path.
  case procEvidence(inFaultPath: Int, snapshots: Int)
  /// Snapshot evidence decided: caught on-CPU in the fault path repeatedly, never asleep there.
  case snapshotEvidence(onCPUInFaultPath: Int)
  /// Needs corroboration: it burns a CPU, but a running task's /proc stack is empty.
  case burnsCPUStackNotShown
  /// Needs corroboration: caught on-CPU in the fault path in too few snapshots.
  case caughtOnCPU(snapshots: Int)
  /// Snapshots show it in the fault path, but not whether it loops: no state or CPU time was
  /// recorded with them, or it was asleep there at a CPU share between a sleeper's and a loop's.
  case faultSnapshotsUndecided(inFaultPath: Int, snapshots: Int, asleep: Int, cpuSharePercent: Double?)
  /// Decided from histogram counts: lossless, but without the order of calls inside an interval or
  /// the place of the loop (the stacks of the run give that).
  case countedEvidence
  /// Hist input: no switch-out histogram (sched_switch by prev_pid and prev_state), so sleeps are unknown.
  case noSwitchOutCounts
  /// Hist input: the switch-out table dropped entries (full) during the retries: a sleep may be missing.
  case switchOutsDropped
  /// Hist input: a hits histogram without iou-analyze's marker, taken as counting the retry function.
  case countedFunctionUnnamed
  /// Hist input: counts past the reader's limit were not kept.
  case countsNotKept(count: Int)
  /// Hist input: retries without sleeping over too few read intervals (or too few retries) for a loop.
  case tooFewCountedIntervals(intervals: Int, needed: Int, retries: Int64, neededRetries: Int)

  /// True for the reasons that leave a verdict INCONCLUSIVE unless another capture of the run
  /// corroborates it (a task blocked waiting for this worker).
  public var awaitsCorroboration: Bool {
    switch self {
    case .noCPUShareFromSamples, .burnsCPUStackNotShown, .caughtOnCPU: true
    default: false
    }
  }
}
