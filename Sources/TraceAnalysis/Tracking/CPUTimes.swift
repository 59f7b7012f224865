import TraceParse

/// The /proc stat samples of one thread, bounded whatever the capture holds: the first and the last
/// with a time (the CPU share is measured between them), every state seen, and the first
/// ``maxKept`` samples for pictures.
struct CPUTimes {
  /// One `/proc/PID/stat` sample.
  struct Sample {
    var timestamp: Int64?
    var state: TaskState
    /// utime + stime, in clock ticks.
    var ticks: Int64
    /// stime alone.
    var systemTicks: Int64
    var line: Int
  }

  /// Samples kept for pictures, the first ones (the README's 256).
  static let maxKept = 256
  private(set) var kept: [Sample] = []
  private(set) var firstTimed: Sample?
  private(set) var lastTimed: Sample?
  /// The states seen, in the order first seen.
  private(set) var states: [TaskState] = []

  /// True when the thread has no stat sample.
  var isEmpty: Bool { states.isEmpty }

  mutating func add(_ s: Sample) {
    if kept.count < Self.maxKept { kept.append(s) }
    if s.timestamp != nil {
      if firstTimed == nil { firstTimed = s }
      lastTimed = s
    }
    if !states.contains(s.state) { states.append(s.state) }
  }
}
