import TraceParse

/// One call-chain sample of a thread (perf script), kept so reports can draw samples over time.
public struct SampleMark: Sendable, Codable, Equatable {
  /// Line of the sample's header.
  public var line: Int
  /// When it was taken (ns), when the input prints times.
  public var timestampNs: Int64?
  /// True when a frame of its stack is in the fault path.
  public var inFaultPath: Bool
  /// Its stack: an index into the thread's ``ThreadVerdict/sampleStacks``.
  public var stack: Int
}

/// One snapshot of a thread: a stack (a /proc stack, a sysrq or hung-task dump) or a /proc stat
/// sample (state and CPU ticks, no stack).
public struct SnapshotMark: Sendable, Codable, Equatable {
  /// Its line.
  public var line: Int
  /// When it was taken (ns), when the input says.
  public var timestampNs: Int64?
  /// The task's state, when printed.
  public var state: TaskState?
  /// True when a frame is in the fault path.
  public var inFaultPath: Bool
  /// The user+system CPU ticks of a /proc stat sample (nil for a stack).
  public var cpuTicks: Int64? = nil
}

/// A lost-events marker of a capture.
public struct LostEventsMark: Sendable, Codable, Equatable {
  /// Its line.
  public var line: Int
  /// The CPU whose buffer lost them (-1 when not printed).
  public var cpu: Int32
  /// How many, when printed.
  public var events: Int64?
  /// The time of the marker or, when it has none, of the last record before it (ns).
  public var timestampNs: Int64?
}

extension FileAnalysis {
  /// Lost-event markers kept per file for pictures (all of them are counted).
  public static let lostMarkLimit = 4096
}

extension ThreadVerdict {
  /// Samples and snapshots kept per thread for pictures.
  public static let markLimit = 4096
}
