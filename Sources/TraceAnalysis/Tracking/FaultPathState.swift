import TraceParse

/// The thread's path through the retry function (function_graph input): the call in progress,
/// the retries not yet closed into a phase, and where the last call ended.
struct FaultPathState {
  var openCall: FaultCall?
  var totalCalls = 0
  var run: RetryRun?
  var sleep: SleepPhase?
  var pendingShortRetries = 0
  /// The most quick retries that came before a call that slept (a phase's `quickRetriesBetweenSleeps`).
  var mostQuickRetriesBeforeSleep = 0
  var lastCallEnd: Int64?
  var lastCallLine = 0
  /// The line of the first retry-function entry, once there is one.
  var firstFaultLine: Int?
  /// The call stack down to the retry function when it was entered (outermost first, the retry
  /// function last).
  var loopStack: [Symbol] = []
  /// The retry function was entered with no traced caller (set_graph_function starts the graph there).
  var callersHidden: Bool { loopStack.count == 1 }
  var orphanExits = 0
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
  /// schedule() calls inside, and those that returned without a switch-out.
  var schedules = 0
  var schedulesReturnedAtOnce = 0
  /// The schedule() frame open inside the call, if any.
  var openSchedule: OpenSchedule?
  /// The longest schedule() inside, or the whole call when none of it was traced (ns), for inferring
  /// sleeps without sched events (``ThreadTracker/slept(_:)`` compares it with the limit).
  var longestSchedule: Int64 = 0
}

/// A schedule() frame open inside a fault call.
struct OpenSchedule {
  /// The frame's index in the thread's stack.
  var depth: Int
  /// The thread switched out (preempted) inside it.
  var switched = false
}

/// Back-to-back retries that each returned without sleeping.
struct RetryRun {
  var count = 0
  var firstStart: Int64?
  var firstLine: Int
  var lastEnd: Int64?
  var lastLine: Int
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
  var firstLine: Int
  var lastEnd: Int64?
  var lastLine: Int
  var blockedTime: Int64 = 0
  var wakeups = 0
  var inferred = 0
}
