/// Where and when a record happened. Unknown numeric fields are -1; an unknown timestamp is nil.
public struct RecordContext: Sendable {
  /// 1-based line number in the source file (the first line of a multi-line record).
  public var line: Int
  /// CPU number, or -1.
  public var cpu: Int32
  /// Thread id (the kernel's pid), or -1.
  public var tid: Int32
  /// Thread-group id (process id), or -1.
  public var tgid: Int32
  /// Command name as printed by this line (may be truncated, e.g. to 7 bytes by funcgraph-proc).
  public var comm: Symbol
  /// Timestamp in nanoseconds, or nil.
  public var timestamp: Int64?

  /// A context with only the line known.
  public init(line: Int) {
    self.line = line
    cpu = -1
    tid = -1
    tgid = -1
    comm = .none
    timestamp = nil
  }
}

/// A scheduler switch: `prev` leaves the CPU in `prevState`, `next` comes on.
public struct SchedSwitch: Sendable {
  /// Thread leaving the CPU.
  public var prevTid: Int32
  /// Its full comm (up to 15 bytes).
  public var prevComm: Symbol
  /// Its state when it left.
  public var prevState: TaskState
  /// Thread entering the CPU.
  public var nextTid: Int32
  /// Its full comm.
  public var nextComm: Symbol

  /// Creates a switch record payload.
  public init(prevTid: Int32, prevComm: Symbol, prevState: TaskState, nextTid: Int32, nextComm: Symbol) {
    self.prevTid = prevTid
    self.prevComm = prevComm
    self.prevState = prevState
    self.nextTid = nextTid
    self.nextComm = nextComm
  }
}

/// One sampled or snapshotted stack: frames innermost first, symbols normalised
/// (no `+0x../0x..` offsets).
public struct StackFrames: Sendable {
  /// Innermost frame first.
  public var frames: [Symbol]
  /// Frames marked unreliable (`? fn`) by the kernel's unwinder are excluded; this counts them.
  public var unreliableCount: Int

  /// Creates a stack.
  public init(frames: [Symbol], unreliableCount: Int = 0) {
    self.frames = frames
    self.unreliableCount = unreliableCount
  }
}

/// What kind of document a stack snapshot came from, which decides how much it proves.
public enum SnapshotSource: String, Sendable, Codable {
  /// `/proc/PID/stack` (kernel stack of a task that is not running).
  case procStack = "proc-stack"
  /// A hung-task report (`INFO: task ... blocked for more than N seconds`).
  case hungTask = "hung-task"
  /// A sysrq `l` NMI backtrace of a CPU (the task was running).
  case runningBacktrace = "running-backtrace"
  /// A sysrq `w`/`t` dump of a task.
  case taskDump = "task-dump"
  /// A soft-lockup or RCU stall report (the task was running for a long time).
  case lockup = "lockup"
  /// A perf report/top excerpt pasted as frame lines (one sample).
  case perfReport = "perf-report"
}

/// One unit of trace information, in file order.
public enum TraceRecord: Sendable {
  /// `func() {` — a traced function was entered.
  case functionEntry(RecordContext, function: Symbol)
  /// `}` or `} /* func */` — the innermost open function returned. Duration in ns when printed.
  case functionExit(RecordContext, function: Symbol?, duration: Int64?)
  /// `func();` — a call with no traced children. Duration in ns when printed.
  case functionLeaf(RecordContext, function: Symbol, duration: Int64?)
  /// `sched_switch` event.
  case schedSwitch(RecordContext, SchedSwitch)
  /// `sched_wakeup`/`sched_waking`/`sched_wakeup_new` of `target`.
  case schedWakeup(RecordContext, target: Int32, comm: Symbol)
  /// `sched_process_exit` of `tid`.
  case processExit(RecordContext, tid: Int32, comm: Symbol)
  /// Any other event, by name.
  case event(RecordContext, name: Symbol)
  /// A function_graph context-switch banner: on `ctx.cpu`, `prev` was followed by `next`.
  case graphTaskChange(RecordContext, prevTid: Int32, nextTid: Int32, nextComm: Symbol)
  /// A sampled call chain (perf), innermost first, with the sampled event name and its period
  /// (ns for cpu-clock/task-clock) when printed.
  case sample(RecordContext, event: Symbol, period: Int64?, stack: StackFrames)
  /// A stack snapshot of one task (state when known), innermost first.
  case stackSnapshot(RecordContext, source: SnapshotSource, state: TaskState?, stack: StackFrames)
  /// CPU time counters of one task read from `/proc/TID/stat` at `ctx.timestamp`.
  case cpuTimeSample(RecordContext, state: TaskState, userTicks: Int64, systemTicks: Int64)
  /// Events were lost on `cpu` (count when known). Anything spanning this point is uncertain.
  case lost(RecordContext, count: Int64?)
  /// Something a pasted report states about the task of `ctx` (a claim, not a measurement).
  case claim(RecordContext, ReportedClaim)
  /// One reading of a tracefs histogram (a `hist` file), read at `ctx.timestamp` when known.
  case histogram(RecordContext, Histogram)
}

/// A statement a bug report or mail makes about a task, kept apart from measured evidence.
public enum ReportedClaim: Sendable, Codable, Equatable {
  /// "100% CPU": the CPU use the reporter states, in percent.
  case cpuUsage(percent: Int64)
}

extension TraceRecord {
  /// The record's context.
  public var context: RecordContext {
    switch self {
    case .functionEntry(let c, _), .functionExit(let c, _, _), .functionLeaf(let c, _, _),
      .schedSwitch(let c, _), .schedWakeup(let c, _, _), .processExit(let c, _, _), .event(let c, _),
      .graphTaskChange(let c, _, _, _), .sample(let c, _, _, _), .stackSnapshot(let c, _, _, _),
      .cpuTimeSample(let c, _, _, _), .lost(let c, _), .claim(let c, _), .histogram(let c, _):
      return c
    }
  }
}

/// Receives records as a parser produces them.
public protocol TraceRecordSink {
  /// Called once per record, in file order.
  mutating func receive(_ record: TraceRecord)
}
