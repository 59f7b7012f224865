import TraceParse

/// A switch-out that has not been followed by the thread running again.
struct SwitchOut {
  var timestamp: Int64?
  var state: TaskState
  var line: Int
}

/// The scheduler's view of a thread (sched events): its switch-out in progress and its exit.
struct SchedulerState {
  var switchedOut: SwitchOut?
  /// Where the thread exited (sched_process_exit, or a switch-out as dead), when it did.
  var exit: (line: Int, timestamp: Int64?)?
  var exited: Bool { exit != nil }
}
