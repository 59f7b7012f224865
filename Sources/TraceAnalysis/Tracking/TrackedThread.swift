import TraceParse

/// A function frame on a thread's rebuilt call stack.
struct Frame {
  var function: Symbol
  var timestamp: Int64?
  var line: Int
}

/// Everything known about one thread of one file: who it is and where it ran, plus one part per
/// kind of evidence, each with one purpose.
final class TrackedThread {
  let tid: Int32
  var comm: Symbol = .none
  /// True once `comm` came from a source that prints it in full (sched events, perf, /proc).
  var commIsFull = false
  var tgid: Int32?
  /// The open calls of a function_graph, outermost first; entries past ``maxStackDepth`` are not kept.
  var stack: [Frame] = []
  /// The deepest call nesting kept: a graph whose exits were lost cannot grow a stack without bound.
  static let maxStackDepth = 4096
  var cpuMask: UInt64 = 0

  /// Switch-outs and exit (sched events).
  var sched = SchedulerState()
  /// Calls of the retry function (function_graph).
  var fault = FaultPathState()
  /// perf samples.
  var sampled = SampledState()
  /// Stack snapshots.
  var snap = SnapshotState()
  /// The phases closed so far, in order: the tracker's output for this thread.
  var episodes: [Episode] = []

  init(tid: Int32) { self.tid = tid }

  /// Notes that the thread ran on `cpu`; CPUs from 63 up share the top bit.
  @inline(__always) func noteCPU(_ cpu: Int32) {
    if cpu >= 0 { cpuMask |= 1 << UInt64(min(cpu, 63)) }
  }

  /// The thread may have run on `cpu` (always true when the CPU or the thread's CPUs are unknown).
  func ranOn(_ cpu: Int32) -> Bool {
    if cpu < 0 || cpuMask == 0 { return true }
    return cpuMask & (1 << UInt64(min(cpu, 63))) != 0
  }
}
