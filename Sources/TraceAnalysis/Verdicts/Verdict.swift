/// The state of a thread with respect to the fault-retry loop.
public enum Verdict: String, Sendable, Codable, Comparable {
  /// Looping: retrying the fault back to back without sleeping.
  case spinning = "SPINNING"
  /// Blocked in the fault path (off-CPU in S/D), possibly with periodic wake-ups.
  case sleeping = "SLEEPING"
  /// The fault completed or failed and the thread went on or exited.
  case resolved = "RESOLVED"
  /// Never seen in the fault path.
  case notInFault = "NOT_IN_FAULT"
  /// The capture cannot decide (too little data, lost events in the window).
  case inconclusive = "INCONCLUSIVE"

  /// Severity for "worst state decides": spinning > inconclusive > sleeping > resolved > not in fault.
  public var severity: Int {
    switch self {
    case .spinning: 4
    case .inconclusive: 3
    case .sleeping: 2
    case .resolved: 1
    case .notInFault: 0
    }
  }

  public static func < (a: Verdict, b: Verdict) -> Bool { a.severity < b.severity }
}

/// One phase of a thread's life in the fault path, e.g. SLEEPING, then SPINNING.
public struct Episode: Sendable, Codable, Equatable {
  /// The state in this phase.
  public var verdict: Verdict
  /// First and last line of the file that show it.
  public var firstLine: Int
  public var lastLine: Int
  /// Start and end in ns (nil when the input has no timestamps).
  public var startNs: Int64?
  public var endNs: Int64?
  /// Fault calls (retries) in the phase.
  public var faultCalls: Int
  /// What was measured in the phase.
  public var facts: [PhaseFact]
  /// True when the phase lasts until the end of the capture.
  public var untilEndOfCapture: Bool
  /// SPINNING phases: the on-CPU share over the phase in percent (from sched_switch), when known.
  public var cpuSharePercent: Double? = nil
  /// SPINNING phases: whether schedule() was seen returning without a switch-out.
  public var scheduleReturnedAtOnce: Bool? = nil
  /// SPINNING phases: when each retry began (ns) and its line, in order, for pictures of the loop
  /// (at most ``Episode/retryMarkLimit`` are kept; `faultCalls` counts them all).
  public var retries: [RetryMark] = []

  /// Retry marks kept per phase.
  public static let retryMarkLimit = 4096

  /// Nanoseconds between start and end, when known.
  public var durationNs: Int64? {
    guard let s = startNs, let e = endNs else { return nil }
    return max(0, e.subtractingSaturated(s))
  }
}

/// One fault retry of a SPINNING phase.
public struct RetryMark: Sendable, Codable, Equatable {
  /// Line of its entry.
  public var line: Int
  /// Its start (ns), when the input has timestamps.
  public var startNs: Int64?
}

/// The analysis of one thread.
public struct ThreadVerdict: Sendable, Codable, Equatable {
  /// Thread id.
  public var tid: Int32
  /// Best known full comm.
  public var comm: String
  /// Process (tgid) when known, or the owner task parsed from an `iou-wrk-<pid>` name.
  public var tgid: Int32?
  /// The task that created this io worker (`iou-wrk-<pid>`), when the name says.
  public var ownerTid: Int32?
  /// True for io-wq workers.
  public var isWorker: Bool
  /// The thread's verdict (a loop or an undecidable phase anywhere, else the last phase); decides the exit code.
  public var verdict: Verdict
  /// Phases in order (e.g. SLEEPING → SPINNING).
  public var episodes: [Episode]
  /// Evidence that supports the verdict.
  public var evidence: [ThreadEvidence]
  /// Why the verdict is INCONCLUSIVE or weaker than it could be.
  public var caveats: [Caveat]
  /// The stack of the loop, root first (as far as the capture shows it).
  public var loopStack: [String]
  /// Retries per second during the deciding SPINNING phase, when timestamps allow.
  public var retriesPerSecond: Double?
  /// On-CPU share in percent during the deciding phase, when sched_switch, samples or /proc/stat show it.
  public var cpuSharePercent: Double?
  /// True when schedule() was seen returning inside the loop without the thread switching out.
  public var scheduleReturnedAtOnce: Bool?
  /// Its call-chain samples in order (sampled input; at most ``markLimit``), for pictures over time.
  public var samples: [SampleMark] = []
  /// The distinct stacks of ``samples``, root first.
  public var sampleStacks: [[String]] = []
  /// Its stack snapshots and /proc stat samples in order (at most 256 of each), for pictures over time.
  public var snapshots: [SnapshotMark] = []

  /// True while the verdict is INCONCLUSIVE only for want of a corroborating capture.
  public var awaitsCorroboration: Bool { caveats.contains(where: \.awaitsCorroboration) }

  /// The phase verdicts in order (the thread verdict alone when there are no phases).
  public var sequence: [Verdict] { episodes.isEmpty ? [verdict] : episodes.map(\.verdict) }
}

/// Evidence that a task is blocked.
public enum BlockedEvidence: Sendable, Codable, Equatable {
  /// sched_switch put it out in D at `line` and it never ran again up to the end of the capture.
  case switchedOutInD(line: Int, timestampNs: Int64?, blockedForNs: Int64?)
  /// A stack of it blocked (a hung-task report, a /proc stack, a sysrq dump).
  case sighting(sighting: StackSighting)
  /// More sightings showing the same, not listed.
  case moreSightings(count: Int)
  /// The text names no pid for this task: `tid` is a placeholder.
  case placeholderTid(tid: Int32)
}

/// A task blocked in D (uninterruptible), e.g. the exiting task in io_wq_put_and_exit.
public struct BlockedTask: Sendable, Codable, Equatable {
  /// Thread id.
  public var tid: Int32
  /// Comm.
  public var comm: String
  /// Where it is blocked (frames, innermost first) when a stack shows it.
  public var stack: [String]
  /// When it went into D (ns) and at which line, when known.
  public var sinceNs: Int64?
  public var line: Int
  /// How long it stayed in D up to the end of the capture, in ns, when known.
  public var blockedForNs: Int64?
  /// True when it was still in D at the end of the capture.
  public var untilEndOfCapture: Bool
  /// True when a hung-task report names it.
  public var reportedHung: Bool
  /// True when its stack shows it waiting for io workers to exit (io_wq_put_and_exit).
  public var waitsForWorkers: Bool
  /// Worker tids whose name says this task owns them (`iou-wrk-<tid>`).
  public var workers: [Int32]
  /// What shows it blocked.
  public var evidence: [BlockedEvidence]
  /// Its stack snapshots and /proc stat samples in order, for pictures.
  public var snapshots: [SnapshotMark] = []
}
