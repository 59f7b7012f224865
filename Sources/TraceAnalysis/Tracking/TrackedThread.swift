import TraceParse

/// A function frame on a thread's rebuilt call stack.
struct Frame {
  var function: Symbol
  var timestamp: Int64?
  var line: Int
}

/// One call of a retry function (e.g. handle_userfault) in progress.
struct FaultCall {
  var start: Int64?
  var line: Int
  /// The thread switched out in S/D during the call (sched_switch).
  var sleptBlocked = false
  /// Time spent off-CPU during the call, and the blocked part of it (ns).
  var offCPUTime: Int64 = 0
  var blockedTime: Int64 = 0
  /// Wake-ups of the thread during the call.
  var wakeups = 0
  /// Switch-outs while still runnable (preemption).
  var preemptions = 0
  /// A function_graph banner showed another task taking the CPU during the call.
  var bannerSwitch = false
  /// schedule() calls inside, and those that returned without a switch-out.
  var schedules = 0
  var schedulesReturnedAtOnce = 0
  /// Stack index of an open schedule() frame, and whether the thread switched out inside it.
  var scheduleDepth: Int?
  var scheduleSwitched = false
  /// The longest schedule() inside (ns), for inferring sleeps without sched events.
  var longestSchedule: Int64 = 0
}

/// Back-to-back retries that each returned without sleeping.
struct RetryRun {
  var count = 0
  var firstStart: Int64?
  var firstLine = 0
  var lastEnd: Int64?
  var lastLine = 0
  var offCPUTime: Int64 = 0
  var preemptions = 0
  var schedules = 0
  var schedulesReturnedAtOnce = 0
  /// Where each retry began (the first ``Episode/retryMarkLimit``).
  var marks: [RetryMark] = []
}

/// Retry calls that slept, merged into one sleeping phase.
struct SleepPhase {
  var count = 0
  var firstStart: Int64?
  var firstLine = 0
  var lastEnd: Int64?
  var lastLine = 0
  var blockedTime: Int64 = 0
  var wakeups = 0
  var inferred = 0
}

/// Everything known about one thread of one file.
final class TrackedThread {
  let tid: Int32
  var comm: Symbol = .none
  /// True once `comm` came from a source that prints it in full (sched events, perf, /proc).
  var commIsFull = false
  var tgid: Int32 = -1
  var stack: [Frame] = []
  var cpuMask: UInt64 = 0
  var firstLine = 0
  var lastLine = 0
  var firstTimestamp: Int64?
  var lastTimestamp: Int64?

  // Scheduler state.
  var switchedOutAt: Int64?
  var switchedOutState: TaskState?
  var switchedOutLine = 0
  /// Where the thread exited (sched_process_exit, or a switch-out as dead), when it did.
  var exit: (line: Int, timestamp: Int64?)?
  var exited: Bool { exit != nil }
  var longestBlocked: Int64 = 0

  // Fault path (function_graph).
  var openCall: FaultCall?
  var totalCalls = 0
  var run: RetryRun?
  var sleep: SleepPhase?
  var pendingShortRetries = 0
  var lastCallEnd: Int64?
  var lastCallLine = 0
  var firstFaultLine = 0
  var episodes: [Episode] = []
  var loopStack: [Symbol] = []
  var callersHidden = false
  var orphanExits = 0

  // Sampled and snapshot evidence.
  var samples = 0
  var faultSamples = 0
  var retrySamples = 0
  var samplePeriodSum: Int64 = 0
  var firstFaultSample: Int64?
  var lastFaultSample: Int64?
  var firstFaultSampleLine = 0
  var lastFaultSampleLine = 0
  var sampleStack: [Symbol] = []
  var snapshots: [Snapshot] = []
  /// Named by lockdep's list of lock holders (after a hung-task report), which shows no stack.
  var namedByLockdep = false
  /// Samples for pictures (line, time, in the fault path, stack index), and their distinct stacks.
  var sampleMarks: [(line: Int, timestamp: Int64?, inFault: Bool, stack: Int)] = []
  var sampleStacks: [[Symbol]] = []
  private var sampleStackIndex: [[Symbol]: Int] = [:]
  var cpuTimes: [(timestamp: Int64?, state: TaskState, ticks: Int64, systemTicks: Int64, line: Int)] = []

  /// One stack snapshot of the thread, classified once when it was read.
  struct Snapshot {
    var source: SnapshotSource
    var state: TaskState?
    var line: Int
    var timestamp: Int64?
    /// A frame is in the fault path.
    var inFault: Bool
    /// A frame waits for io workers to exit (io_wq_put_and_exit).
    var exitWait: Bool
    /// Innermost first.
    var frames: [Symbol]
  }

  init(tid: Int32) { self.tid = tid }

  /// Keeps a sample for pictures (up to ``ThreadVerdict/markLimit``); `frames` innermost first.
  func markSample(line: Int, timestamp: Int64?, inFault: Bool, frames: [Symbol]) {
    guard sampleMarks.count < ThreadVerdict.markLimit else { return }
    let index: Int
    if let i = sampleStackIndex[frames] {
      index = i
    } else {
      index = sampleStacks.count
      sampleStacks.append(frames)
      sampleStackIndex[frames] = index
    }
    sampleMarks.append((line, timestamp, inFault, index))
  }

  func noteCPU(_ cpu: Int32) {
    if cpu >= 0 { cpuMask |= cpu < 63 ? (1 << UInt64(cpu)) : (1 << 63) }
  }

  func ranOn(_ cpu: Int32) -> Bool {
    if cpu < 0 || cpuMask == 0 { return true }
    return cpuMask & (cpu < 63 ? (1 << UInt64(cpu)) : (1 << 63)) != 0
  }
}
