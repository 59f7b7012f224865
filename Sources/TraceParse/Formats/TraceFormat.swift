/// The input formats iou-analyze recognises.
public enum TraceFormat: String, Sendable, CaseIterable, Codable {
  /// ftrace text: function_graph output, event lines, `trace-cmd report` text, or a mix.
  case ftrace
  /// `perf script` output (samples with call chains).
  case perfScript = "perf-script"
  /// `/proc/PID/stack` dumps, optionally with `/proc/PID/stat` lines (as the lab's stacks.txt).
  case procStack = "proc-stack"
  /// Kernel log: hung-task, sysrq, soft-lockup and RCU-stall reports.
  case kernelLog = "dmesg"
  /// A mail or bug comment mixing pasted stacks and perf frames, possibly on one line.
  case pastedReport = "report"
  /// tracefs `hist` files (hist triggers): counts per thread, e.g. retries and switch-outs.
  case hist
  /// trace-cmd's binary `trace.dat`.
  case traceDat = "trace.dat"
  /// Folded stacks (`a;b;c 12`, FlameGraph's format, what `collapse` prints): read by `collapse` and
  /// `flamegraph` only, never sniffed for analysis.
  case folded

  /// What users type for `--format`.
  public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
