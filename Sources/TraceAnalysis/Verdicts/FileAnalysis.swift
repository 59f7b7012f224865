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
  public var captureStart: Int64?
  public var captureEnd: Int64?
  /// Threads in the fault path, and io workers.
  public var threads: [ThreadVerdict]
  /// Tasks blocked in D (exiting tasks waiting for their workers, hangs).
  public var blockedTasks: [BlockedTask]
  /// What the capture could and could not show.
  public var notes: [String]
  /// Commands that would capture the missing evidence next time.
  public var captureHints: [String]
  /// Lost-event markers seen.
  public var lostEvents: Int
  /// Problems in the input.
  public var diagnostics: [Diagnostic]
  /// Set when the file could not be analysed at all (skipped), with the reason.
  public var skipped: String?
  /// True when it was skipped because it is empty (a normal result, e.g. no hung task reported).
  public var isEmpty = false

  /// The worst thread verdict, or nil when no thread is in scope.
  public var worst: Verdict? { threads.map(\.verdict).max() }
}
