/// Options of `collapse`; the names and meanings are those of FlameGraph's stackcollapse-perf.pl,
/// whose output ``PerfScriptFolder`` reproduces byte for byte. The process-name options apply to
/// every format.
public struct FoldOptions: Sendable {
  /// `--pid`: the process name becomes `comm-PID` (`comm-?` when perf printed only the tid).
  public var includePid = false
  /// `--tid`: `comm-PID/TID` (wins over `--pid`).
  public var includeTid = false
  /// `--kernel`: `_[k]` after frames whose dso is `[…]` or ends in `vmlinux` (not `[unknown]`).
  public var annotateKernel = false
  /// `--jit`: `_[j]` after frames from `/tmp/perf-PID.map`.
  public var annotateJit = false
  /// `--addrs`: `[dso <ip>]` instead of `[dso]` for frames without a symbol.
  public var includeAddrs = false
  /// `--event-filter E`: only samples of event E (default: the first event seen).
  public var eventFilter: String = ""

  /// The defaults (process names only, no annotations, first event only).
  public init() {}

  /// `--all`: both annotations.
  public mutating func setAll() {
    annotateKernel = true
    annotateJit = true
  }
}
