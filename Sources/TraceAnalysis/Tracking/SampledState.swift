import TraceParse

/// What sampled input (perf script) showed of a thread.
struct SampledState {
  var samples = 0
  var faultSamples = 0
  var retrySamples = 0
  var samplePeriodSum: Int64 = 0
  var firstFaultSample: Int64?
  var lastFaultSample: Int64?
  /// The lines of the first and the last fault-path sample, once there is one.
  var faultSampleLines: LineRange?
  /// A fault-path sample's stack, outermost first: the first one, or the first that shows the retry
  /// function.
  var sampleStack: [Symbol] = []
  /// Samples for pictures (line, time, in the fault path, stack index), and their distinct stacks.
  var sampleMarks: [(line: Int, timestamp: Int64?, inFault: Bool, stack: Int)] = []
  var sampleStacks: [[Symbol]] = []
  private var sampleStackIndex: [[Symbol]: Int] = [:]

  /// Keeps a sample for pictures (up to ``ThreadVerdict/markLimit``); `frames` innermost first.
  mutating func markSample(line: Int, timestamp: Int64?, inFault: Bool, frames: [Symbol]) {
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
}

/// What stack snapshots (/proc stacks, hung-task and sysrq reports, pasted reports) showed of a thread.
struct SnapshotState {
  /// Snapshots kept of each thread, the first ones (the README's 256): the verdict counts those.
  static let maxSnapshots = 256
  var snapshots: [Snapshot] = []
  /// Named by lockdep's list of lock holders (after a hung-task report), which shows no stack.
  var namedByLockdep = false
  var cpuTimes = CPUTimes()

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
}
