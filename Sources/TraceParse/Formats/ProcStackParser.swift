/// Reads `/proc/PID/stack` dumps (`[<0>] io_wq_put_and_exit+0x4c/0x108`, innermost first; the
/// address shows as `[<ffffffff81234567>]` when kptr_restrict allows), alone or several concatenated:
///
/// - with the lab's headers (stacks.txt): `=== sample N uptime T` (T seconds since boot, the
///   timestamp of what follows), `--- tid N comm X`, `stat: <the /proc/TID/stat line>`, `stack:`;
/// - with `head`/`tail` headers: `==> /proc/123/stack <==` or `==> /proc/1/task/123/stack <==`;
/// - with nothing between them (`for p in …; do cat /proc/$p/stack; done`): a blank line, or a
///   frame after a root frame (`entry_SYSCALL_64*`, `ret_from_fork*`, kernel thread roots), starts
///   the next stack.
///
/// A `/proc/PID/stat` line (with or without `stat: `) gives the task's comm (split after the LAST
/// `)`), state (field 3) and utime/stime (fields 14/15, USER_HZ ticks): a
/// ``TraceRecord/cpuTimeSample(_:state:userTicks:systemTicks:)``; its state also goes with the
/// task's stack. Each non-empty stack becomes ``TraceRecord/stackSnapshot(_:source:state:stack:)``
/// with source `.procStack`. A running task's stack is empty: no snapshot, only the stat sample.
///
/// Stacks whose task is not named by any header get pseudo thread ids from
/// ``PseudoTid/base`` upwards, one per stack, so they stay separate tasks in the analysis.
public struct ProcStackParser: LineParser {
  private let symbols: SymbolTable
  private var task = RecordContext(line: 0)
  private var taskNamed = false
  private var state: TaskState?
  private var frames: [Symbol] = []
  private var stackLine = 0
  private var timestamp: Int64?
  private var nextPseudo = PseudoTid.base

  public private(set) var recognisedLines = 0
  public private(set) var unrecognisedLines = 0
  /// True when a `# cut:` comment says the file is a window of a longer output.
  public private(set) var isCutWindow = false

  /// A parser interning names into `symbols`.
  public init(symbols: SymbolTable) {
    self.symbols = symbols
  }

  public mutating func parse<S: TraceRecordSink>(
    _ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog
  ) {
    let t = line.trimmed()
    if t.isEmpty {
      flush(into: &sink)
      recognisedLines += 1
      return
    }
    if let bracketEnd = t.addressBracketEnd() {
      let tok = t.suffix(from: bracketEnd).trimmed()
      let end = tok.nextToken(from: 0)?.end ?? tok.count
      let fnText = tok.slice(0, end)
      let fn = StackFrameText.stripOffset(fnText)
      if fn.isEmpty {
        unrecognisedLines += 1
        log.add(.warning, .malformedFrame, line: number, "stack frame without a function: \(line.quotedPreview())")
        return
      }
      if let lastFrame = frames.last, !taskNamed, Self.isRoot(symbols.name(lastFrame)) { flush(into: &sink) }
      if frames.isEmpty { stackLine = number }
      frames.append(symbols.intern(fn))
      recognisedLines += 1
      return
    }
    if t.matches("#") {
      if t.matches("# cut:") { isCutWindow = true }
      recognisedLines += 1
      return
    }
    if t.matches("=== sample") {
      flush(into: &sink)
      endTask()
      if let u = t.firstIndex(of: "uptime ") { timestamp = t.parseDecimal(from: u + 7, scaleDigits: 9)?.value }
      recognisedLines += 1
      return
    }
    if t.matches("--- tid ") {
      flush(into: &sink)
      endTask()
      guard let tid = t.parseUnsigned(from: 8) else {
        unrecognisedLines += 1
        log.add(
          .warning, .malformedHeader, line: number,
          "`--- tid N comm X` header without a number: \(line.quotedPreview())")
        return
      }
      task.tid = Int32(truncatingIfNeeded: tid.value)
      if let c = t.firstIndex(of: " comm ", from: tid.end) {
        task.comm = symbols.intern(t.suffix(from: c + 6).trimmed())
      }
      task.line = number
      taskNamed = true
      recognisedLines += 1
      return
    }
    if t.matches("==> "), t.hasSuffix(" <==") {
      flush(into: &sink)
      endTask()
      let path = t.slice(4, t.count - 4).trimmed()
      // /proc/PID/stack or /proc/PID/task/TID/stack: the last number in the path.
      var lastNumber: Int64?
      var i = 0
      while i < path.count {
        if path[i].isDecimalDigit, i == 0 || path[i - 1] == UInt8(ascii: "/"),
          let n = path.parseUnsigned(from: i)
        {
          if n.end == path.count || path[n.end] == UInt8(ascii: "/") { lastNumber = n.value }
          i = n.end
        } else {
          i += 1
        }
      }
      if let n = lastNumber {
        task.tid = Int32(truncatingIfNeeded: n)
        taskNamed = true
      }
      task.line = number
      recognisedLines += 1
      return
    }
    if t.equals("stack:") {
      recognisedLines += 1
      return
    }
    var statText = t
    if t.matches("stat:") { statText = t.suffix(from: 5).trimmed() }
    if let st = Self.parseStat(statText) {
      if !frames.isEmpty { flush(into: &sink) }
      if !taskNamed || task.tid != st.tid {
        endTask()
        task.tid = st.tid
        task.line = number
        taskNamed = true
      }
      task.comm = symbols.intern(st.comm)
      state = st.state
      var c = task
      c.line = number
      c.timestamp = timestamp
      sink.receive(.cpuTimeSample(c, state: st.state, userTicks: st.utime, systemTicks: st.stime))
      recognisedLines += 1
      return
    }
    unrecognisedLines += 1
    log.add(
      .warning, .unparsedLine, line: number,
      "not a /proc stack line (expected `[<0>] fn+0x../0x..`, a stat line or a header): \(line.quotedPreview())")
  }

  public mutating func finish<S: TraceRecordSink>(into sink: inout S, log: inout DiagnosticLog) {
    flush(into: &sink)
  }

  private mutating func endTask() {
    task = RecordContext(line: 0)
    taskNamed = false
    state = nil
  }

  private mutating func flush<S: TraceRecordSink>(into sink: inout S) {
    guard !frames.isEmpty else { return }
    var c = task
    if !taskNamed {
      c = RecordContext(line: stackLine)
      c.tid = nextPseudo
      nextPseudo += 1
    }
    c.line = stackLine
    c.timestamp = timestamp
    sink.receive(
      .stackSnapshot(c, source: .procStack, state: taskNamed ? state : nil, stack: StackFrames(frames: frames)))
    frames.removeAll(keepingCapacity: true)
  }

  /// Outermost frames of a task's kernel stack: after one of these, a new stack begins.
  static func isRoot(_ name: String) -> Bool {
    name.hasPrefix("entry_SYSCALL_64") || name.hasPrefix("ret_from_fork") || name == "kthread"
      || name.hasPrefix("entry_SYSENTER") || name.hasPrefix("el0t_64_sync") || name == "secondary_startup_64"
      || name == "common_startup_64"
  }

  /// `/proc/PID/stat`: `pid (comm) S ppid …`; the comm may hold spaces and `)`, so the fields
  /// start after the LAST `)`. Field 3 is the state, fields 14 and 15 utime and stime.
  static func parseStat(_ s: ByteSpan) -> (tid: Int32, comm: ByteSpan, state: TaskState, utime: Int64, stime: Int64)? {
    guard let pid = s.parseUnsigned(from: 0), pid.end + 1 < s.count, s[pid.end] == 0x20,
      s[pid.end + 1] == UInt8(ascii: "("),
      let close = s.lastIndex(of: UInt8(ascii: ")")), close > pid.end + 1
    else { return nil }
    let comm = s.slice(pid.end + 2, close)
    // Fields 3… follow: state is field 3; utime field 14, stime field 15.
    var field = 3
    var pos = close + 1
    var state: TaskState?
    var utime: Int64?
    var stime: Int64?
    while let tok = s.nextToken(from: pos) {
      let v = s.slice(tok.start, tok.end)
      if field == 3 {
        guard v.count == 1 else { return nil }
        state = TaskState(code: v)
      } else if field == 14 {
        utime = v.asUnsigned()
      } else if field == 15 {
        stime = v.asUnsigned()
        break
      }
      field += 1
      pos = tok.end
    }
    guard let state, let utime, let stime else { return nil }
    return (Int32(truncatingIfNeeded: pid.value), comm, state, utime, stime)
  }
}

/// Thread ids given to tasks whose document names no pid (a pasted `/proc` stack, a perf report
/// excerpt): `base`, `base + 1`, … in order of appearance, so that each stays its own task.
/// Real Linux pids never reach this range (PID_MAX_LIMIT is 4194304).
public enum PseudoTid {
  /// The first pseudo thread id.
  public static let base: Int32 = 1_000_000_000

  /// True for ids handed out by parsers for unnamed tasks.
  public static func isPseudo(_ tid: Int32) -> Bool { tid >= base }
}
