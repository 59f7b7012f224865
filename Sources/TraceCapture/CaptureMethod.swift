/// How `capture` records the evidence.
public enum CaptureMethod: String, Sendable, CaseIterable {
  /// function_graph of the fault path with sched events through trace_pipe: every retry and sleep
  /// in order, but a ring buffer that a fast loop can overrun.
  case functionGraph = "function-graph"
  /// Counting (kprobe + hist triggers) with /proc stacks: lossless at any rate, no order of calls.
  case hist
  /// function_graph while it loses nothing; on the first lost event (a ring-buffer overrun or a
  /// LOST EVENTS line) it stops and counts for the rest of the duration (at least four readings), when the kernel has kprobe
  /// events and hist triggers (otherwise function_graph alone). Loss, not a retry rate, decides:
  /// a rate that is too high on one machine is harmless on another, and loss is what undoes a trace.
  case auto
}
