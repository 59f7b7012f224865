/// Where the `|`-separated columns of a file's function_graph lines are, learnt from one line and
/// kept while the lines keep that shape: the kernel pads every column to a fixed width
/// (print_graph_abs_time, print_graph_cpu, print_graph_proc, print_graph_duration), so the pipes of
/// one file stay at the same offsets until a column widens (a longer `comm-pid`, more digits of
/// seconds). A line whose pipes are elsewhere is read by searching for them, and its shape becomes
/// the layout.
struct GraphColumnLayout {
  /// What a column holds.
  enum Column: UInt8 {
    /// `  194.275320 ` (funcgraph-abstime): the first column only.
    case absoluteTime
    /// `   1)     sh-84      ` (funcgraph-cpu, with funcgraph-proc or without).
    case cpuAndProc
    /// `    sh-84      ` (funcgraph-proc without funcgraph-cpu).
    case proc
    /// `  8.163 us    `, `! 106.332 us  `, blank (funcgraph-duration): the last column only.
    case duration
  }

  /// At most this many columns are read this way (abstime, cpu and proc, duration).
  static let maxColumns = 3

  /// Offsets of the pipe that ends each column; `count` of them are used.
  private(set) var pipes: (Int, Int, Int) = (0, 0, 0)
  /// Each column's kind.
  private(set) var columns: (Column, Column, Column) = (.duration, .duration, .duration)
  /// Number of columns (0: nothing learnt yet).
  private(set) var count = 0
  /// True for the default columns of a function_graph with funcgraph-abstime and funcgraph-proc:
  /// `time | cpu) task | duration |`.
  private(set) var isDefault = false

  /// The pipe ending column `i`.
  @inline(__always) func pipe(_ i: Int) -> Int {
    i == 0 ? pipes.0 : i == 1 ? pipes.1 : pipes.2
  }

  /// The kind of column `i`.
  @inline(__always) func column(_ i: Int) -> Column {
    i == 0 ? columns.0 : i == 1 ? columns.1 : columns.2
  }

  /// True when the first column is read only from a leading number (a timestamp or a CPU), which
  /// starts at the first byte that is not blank. (A duration may open with `#`, a proc with any
  /// byte.)
  @inline(__always) var opensWithNumber: Bool { count > 0 && (columns.0 == .absoluteTime || columns.0 == .cpuAndProc) }

  /// True when `line` has a pipe at every learnt offset.
  @inline(__always) func fits(_ line: ByteSpan) -> Bool {
    let bar = UInt8(ascii: "|")
    switch count {
    case 1: return pipes.0 < line.count && line[pipes.0] == bar
    case 2: return pipes.1 < line.count && line[pipes.0] == bar && line[pipes.1] == bar
    case 3: return pipes.2 < line.count && line[pipes.0] == bar && line[pipes.1] == bar && line[pipes.2] == bar
    default: return false
    }
  }

  /// Appends a column ending at `pipe`; false when there are too many.
  mutating func append(_ column: Column, endingAt pipe: Int) -> Bool {
    switch count {
    case 0:
      pipes.0 = pipe
      columns.0 = column
    case 1:
      pipes.1 = pipe
      columns.1 = column
    case 2:
      pipes.2 = pipe
      columns.2 = column
    default: return false
    }
    count += 1
    isDefault = count == 3 && columns.0 == .absoluteTime && columns.1 == .cpuAndProc && columns.2 == .duration
    return true
  }

  /// Forgets the layout (a context-switch banner or a header may change the columns).
  mutating func reset() {
    count = 0
    isDefault = false
  }
}
