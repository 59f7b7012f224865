/// What a tracefs histogram (a `hist` trigger's `hist` file) counts, from its keys.
public enum HistogramKind: Sendable, Equatable {
  /// Hits of one event per thread (`keys=common_pid`, `common_pid.execname` or `pid`): with a kprobe
  /// on the retry function, the retries of each thread.
  case hitsPerThread
  /// `sched_switch` switch-outs per thread and state (`keys=prev_pid,prev_state`).
  case switchOutsPerThread
  /// Other keys: read, but they count nothing the analysis uses.
  case other
}

/// One line of a histogram: a thread (and, for switch-outs, the state it left the CPU in) and its hits.
public struct HistogramEntry: Sendable, Equatable {
  /// The pid key (common_pid, pid or prev_pid).
  public var tid: Int32
  /// The comm printed by `.execname`, or `.none`.
  public var comm: Symbol
  /// Switch-out histograms: the state from `prev_state` (nil for hits).
  public var state: TaskState?
  /// `hitcount`.
  public var hits: Int64

  /// An entry.
  public init(tid: Int32, comm: Symbol, state: TaskState?, hits: Int64) {
    self.tid = tid
    self.comm = comm
    self.state = state
    self.hits = hits
  }
}

/// One reading of a histogram: its entries at the moment the `hist` file was read. Counts are
/// cumulative since the trigger was set, lossless (no ring buffer in between).
public struct Histogram: Sendable {
  /// What it counts.
  public var kind: HistogramKind
  /// The event, when iou-analyze's capture named it (`# iou-analyze hist: event=SYSTEM/EVENT ...`).
  public var event: Symbol = .none
  /// The kernel function a kprobe event probes, when the capture named it (`probe=handle_userfault`).
  public var probedFunction: Symbol = .none
  /// The entries (at most ``HistogramParser/maxEntries``).
  public var entries: [HistogramEntry] = []
  /// `Totals:` `Hits:` and `Dropped:` when printed (Dropped counts entries lost to a full table).
  public var totalHits: Int64?
  public var dropped: Int64?
  /// Its first and last line.
  public var firstLine: Int
  public var lastLine: Int

  /// An empty histogram starting at `line`.
  public init(kind: HistogramKind, firstLine: Int) {
    self.kind = kind
    self.firstLine = firstLine
    lastLine = firstLine
  }
}
