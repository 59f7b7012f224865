import TraceParse

/// The analysis of one input file.
public struct FileAnalysis: Sendable, Codable, Equatable {
  /// File name as given.
  public var file: String
  /// Its format.
  public var format: String
  /// Lines read.
  public var lines: Int
  /// Capture window (ns) when the file has timestamps.
  public var captureStartNs: Int64?
  public var captureEndNs: Int64?
  /// Threads in the fault path, and io workers.
  public var threads: [ThreadVerdict]
  /// Tasks blocked in D (exiting tasks waiting for their workers, hangs).
  public var blockedTasks: [BlockedTask]
  /// What the capture could and could not show.
  public var notes: [CaptureNote]
  /// What would capture the missing evidence next time (TraceReport words them as commands).
  public var captureHints: [CaptureHint]
  /// Lost-event markers seen.
  public var lostEvents: Int
  /// Where events were lost (the first ``lostMarkLimit`` markers), for pictures.
  public var lostMarks: [LostEventsMark] = []
  /// Problems in the input.
  public var diagnostics: [Diagnostic]
  /// Set when the file could not be analysed at all (skipped), with the reason.
  public var skipped: SkipReason?
  /// True when it was skipped because nothing was captured (a normal result, e.g. no hung task reported).
  public var isEmpty: Bool { skipped == .empty || skipped == .nothingTraced }

  /// The worst thread verdict, or nil when no thread is in scope.
  public var worst: Verdict? { threads.map(\.verdict).max() }
}

/// What a capture could or could not show, beyond its threads.
public enum CaptureNote: Sendable, Codable, Equatable {
  /// The file is a window cut from a longer capture (a `# cut:` line).
  case cutWindow
  /// function_graph without sched_switch: sleeps are inferred from schedule() durations only.
  case noSchedSwitch
  /// function_graph without timestamps: no retry rates.
  case noTimestamps
  /// Events only: nothing places threads in the fault path.
  case eventsOnly
  /// Lost-events markers in the file.
  case lostEventMarkers(count: Int)
  /// No io worker and no thread in the fault path (blocked tasks may still be there).
  case noThreadInScope(blockedTasksSeen: Bool)
}

/// What to capture next time to get the evidence a capture lacked.
public enum CaptureHint: Sendable, Codable, Equatable {
  /// Enable the sched_switch and sched_wakeup events.
  case enableSchedEvents
  /// Turn on funcgraph-abstime.
  case enableAbsoluteTimestamps
  /// Record function_graph of the fault function with sched events (trace-cmd).
  case recordFaultPathTrace
  /// Sample call chains on every CPU with a clock event (perf).
  case recordPerfSamples
  /// A larger per-CPU ring buffer.
  case largerBuffer
}

/// Why a file of a run was not analysed.
public enum SkipReason: Sendable, Codable, Equatable {
  /// Nothing but white space (for a hung-task log: no hang was reported).
  case empty
  /// It could not be read: the diagnostic says why and where.
  case unreadable(diagnostic: Diagnostic)
  /// A live capture that traced nothing (no fault-path call and no sched event).
  case nothingTraced
}
