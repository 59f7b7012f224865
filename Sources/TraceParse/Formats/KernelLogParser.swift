/// Reads a kernel log (`dmesg`, with or without `[   29.181810] ` timestamps; `<4>` levels and
/// `... kernel: ` syslog/journal prefixes are skipped) and turns the stack reports in it into
/// ``TraceRecord/stackSnapshot(_:source:state:stack:)`` records, innermost frame first:
///
/// - hung task: `INFO: task NAME:PID blocked for more than N seconds.` then
///   `task:NAME state:D stack:0 pid:PID tgid:TGID ppid:… flags:…`, `Call Trace:`, ` <TASK>`, frames,
///   ` </TASK>` → source `.hungTask`, the state of the `task:` line (D);
/// - sysrq `l` (`NMI backtrace for cpu N`, `CPU: N UID: 0 PID: P Comm: NAME …`): the running task's
///   stack → `.runningBacktrace`, state R. A kernel-mode `RIP: 0010:fn+0x…/0x…` line is a frame
///   too: the one before `Call Trace:` is the innermost frame, one inside the trace (an
///   exception frame, e.g. `RIP: 0010:fault_in_readable+0x77/0xa7` after `asm_exc_page_fault`)
///   is the interrupted function, in place. User-mode `RIP: 0033:0x…` adds nothing;
/// - sysrq `w`/`t` task dumps (`task:… state:S …` without a hung-task line) → `.taskDump`;
/// - soft lockups (`watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [comm:pid]`) and RCU stalls
///   (`rcu: INFO: … stall …`) → `.lockup`, state R.
///
/// Symbolized reports (syzbot's mails, `decode_stacktrace.sh`) add ` file.c:123` after each frame
/// and print inlined calls as frames of their own (`io_wq_exit_workers io_uring/io-wq.c:1362 [inline]`):
/// those are frames too, in place. lockdep's `N locks held by COMM/PID:` lines (after a hung-task
/// report) become ``TraceRecord/event(_:name:)`` records named ``heldLocksEvent`` for that task.
/// A `[   T38]` caller id after the timestamp is skipped.
///
/// `? fn+0x…` frames are unreliable guesses of the unwinder: skipped (and counted). Frames in
/// `<IRQ>`/`<NMI>`/`<SOFTIRQ>` sections belong to the interrupt, not the task: skipped too.
/// Other kernel messages are recognised and ignored.
public struct KernelLogParser: LineParser {
  private enum Kind { case none, hung, running, dump, lockup }

  private let symbols: SymbolTable
  private var kind = Kind.none
  private var ctx = RecordContext(line: 0)
  private var state: TaskState?
  private var frames: [Symbol] = []
  private var unreliable = 0
  private var inTrace = false
  private var inInterrupt = false
  private var pendingHung: (comm: Symbol, pid: Int32)?

  public private(set) var recognisedLines = 0
  public private(set) var unrecognisedLines = 0
  /// True when a `# cut:` comment says the file is a window of a longer output.
  public private(set) var isCutWindow = false

  /// A parser interning names into `symbols`.
  public init(symbols: SymbolTable) {
    self.symbols = symbols
  }

  /// The message part of a log line and its timestamp (ns) when it has a `[ts]` prefix.
  static func message(_ line: ByteSpan) -> (text: ByteSpan, timestamp: Int64?) {
    var t = line
    var i = t.skipSpaces(from: 0)
    // `<4>` console level.
    if i < t.count, t[i] == UInt8(ascii: "<"), let gt = t.firstIndex(of: UInt8(ascii: ">"), from: i), gt - i <= 4,
      t.slice(i + 1, gt).asUnsigned() != nil
    {
      i = gt + 1
    }
    // `Nov 25 12:00:00 host kernel: ` syslog / journal prefix.
    if let k = t.firstIndex(of: " kernel: "), k < 64 {
      i = max(i, k + 9)
    }
    var ts: Int64?
    if i < t.count, t[i] == UInt8(ascii: "["), let close = t.firstIndex(of: UInt8(ascii: "]"), from: i), close - i < 24
    {
      let inner = t.slice(i + 1, close).trimmed()
      if let v = inner.parseDecimal(from: 0, scaleDigits: 9), v.end == inner.count {
        ts = v.value
        i = close + 1
        // `[   T38]` / `[    C1]`: the caller id of CONFIG_PRINTK_CALLER (syzbot's consoles).
        if i < t.count, t[i] == UInt8(ascii: "["), let end = t.firstIndex(of: UInt8(ascii: "]"), from: i), end - i < 16
        {
          let id = t.slice(i + 1, end).trimmed()
          if id.count >= 2, id[0] == UInt8(ascii: "T") || id[0] == UInt8(ascii: "C"),
            id.suffix(from: 1).asUnsigned() != nil
          {
            i = end + 1
          }
        }
        if i < t.count, t[i] == 0x20 { i += 1 }  // the one space printk puts after `]`
      }
    }
    t = t.suffix(from: i)
    return (t, ts)
  }

  public mutating func parse<S: TraceRecordSink>(
    _ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog
  ) {
    let (msg, ts) = Self.message(line)
    let t = msg.trimmed()
    if t.isEmpty {
      recognisedLines += 1
      return
    }
    if ts == nil, t.matches("#") {
      if t.matches("# cut:") { isCutWindow = true }
      recognisedLines += 1
      return
    }
    recognisedLines += 1
    if t.matches("INFO: task "), t.firstIndex(of: " blocked for more than ") != nil {
      flush(into: &sink)
      let nameEnd = t.firstIndex(of: " blocked for more than ")!
      let who = t.slice(11, nameEnd)
      if let task = who.splitTaskID(at: UInt8(ascii: ":")) { pendingHung = (symbols.intern(task.name), task.id) }
      begin(.hung, number, ts)
      if let p = pendingHung {
        ctx.comm = p.comm
        ctx.tid = p.pid
      }
      state = .uninterruptible
      return
    }
    if t.matches("task:"), let st = t.firstIndex(of: " state:") {
      // hung-task detail line, or a sysrq w/t dump entry.
      if kind == .hung, !inTrace, frames.isEmpty {
        // details of the announced hung task
      } else {
        flush(into: &sink)
        begin(.dump, number, ts)
      }
      ctx.comm = symbols.intern(t.slice(5, st).trimmed())
      if let s = t.nextToken(from: st + 7) { state = TaskState(code: t.slice(s.start, s.end)) }
      if let p = Self.field(t, "pid:") { ctx.tid = Int32(truncatingIfNeeded: p) }
      if let p = Self.field(t, "tgid:") { ctx.tgid = Int32(truncatingIfNeeded: p) }
      return
    }
    if t.matches("NMI backtrace for cpu ") {
      flush(into: &sink)
      if t.firstIndex(of: "skipped") != nil { return }  // idle CPU
      begin(.running, number, ts)
      ctx.cpu = Int32(truncatingIfNeeded: t.parseUnsigned(from: 22)?.value ?? -1)
      state = .running
      return
    }
    if t.matches("watchdog: BUG: soft lockup") {
      flush(into: &sink)
      begin(.lockup, number, ts)
      state = .running
      if let h = t.firstIndex(of: "CPU#") {
        ctx.cpu = Int32(truncatingIfNeeded: t.parseUnsigned(from: h + 4)?.value ?? -1)
      }
      // `[comm:pid]` at the end.
      if t.hasSuffix("]"), let open = t.lastIndex(of: UInt8(ascii: "[")) {
        let inner = t.slice(open + 1, t.count - 1)
        if let task = inner.splitTaskID(at: UInt8(ascii: ":")) {
          ctx.comm = symbols.intern(task.name)
          ctx.tid = task.id
        }
      }
      return
    }
    if t.matches("rcu: INFO: ") || t.matches("INFO: rcu_"), t.firstIndex(of: "stall") != nil {
      flush(into: &sink)
      begin(.lockup, number, ts)
      state = .running
      return
    }
    if t.matches("CPU: "), t.firstIndex(of: "PID: ") != nil {
      // `CPU: 0 UID: 0 PID: 93 Comm: iou-wrk-92 Not tainted 6.12.117 #2`
      if kind == .none {
        begin(.running, number, ts)
        state = .running
      }
      if ctx.cpu < 0 { ctx.cpu = Int32(truncatingIfNeeded: t.parseUnsigned(from: 5)?.value ?? -1) }
      if let p = t.firstIndex(of: "PID: "), let pid = t.parseUnsigned(from: p + 5) {
        ctx.tid = Int32(truncatingIfNeeded: pid.value)
      }
      if let c = t.firstIndex(of: "Comm: ") {
        var end = t.count
        for marker: StaticString in [" Not tainted", " Tainted:", " Tainted"] {
          if let m = t.firstIndex(of: marker, from: c + 6) {
            end = min(end, m)
          }
        }
        ctx.comm = symbols.intern(t.slice(c + 6, end).trimmed())
      }
      return
    }
    if let holder = Self.lockHolder(t) {
      // lockdep's `1 lock held by iou-wrk-92/93:` (debug_show_all_locks after a hung-task report):
      // the task exists and holds locks, even when its stack is not in the report.
      flush(into: &sink)
      var c = RecordContext(line: number)
      c.timestamp = ts
      c.comm = symbols.intern(holder.comm)
      c.tid = holder.pid
      sink.receive(.event(c, name: symbols.intern(Self.heldLocksEvent)))
      return
    }
    guard kind != .none else { return }  // another kernel message
    if t.equals("Call Trace:") {
      inTrace = true
      return
    }
    if t.equals("<TASK>") {
      inTrace = true
      inInterrupt = false
      return
    }
    if t.equals("</TASK>") {
      flush(into: &sink)
      return
    }
    if t.equals("<IRQ>") || t.equals("<NMI>") || t.equals("<SOFTIRQ>") {
      inTrace = true
      inInterrupt = true
      return
    }
    if t.equals("</IRQ>") || t.equals("</NMI>") || t.equals("</SOFTIRQ>") {
      inInterrupt = false
      return
    }
    if t.matches("RIP: ") {
      // `RIP: 0010:fn+0x77/0xa7` (kernel mode) or `RIP: 0033:0x47b7a0` (user mode).
      let r = t.suffix(from: 5).trimmed()
      if let colon = r.firstIndex(of: UInt8(ascii: ":")), !inInterrupt {
        let location = r.suffix(from: colon + 1)
        let fnEnd = location.nextToken(from: 0)?.end ?? location.count
        if let fn = StackFrameText.kernelFrame(location.slice(0, fnEnd)) { frames.append(symbols.intern(fn)) }
      }
      return
    }
    if inTrace {
      var f = t
      var isUnreliable = false
      if f.matches("? ") {
        isUnreliable = true
        f = f.suffix(from: 2).trimmed()
      }
      // Old form: `[<ffffffff81234567>] fn+0x../0x..`
      if let end = f.addressBracketEnd() { f = f.suffix(from: end).trimmed() }
      if f.matches("? ") {
        isUnreliable = true
        f = f.suffix(from: 2).trimmed()
      }
      let end = f.nextToken(from: 0)?.end ?? f.count
      if let fn = StackFrameText.kernelFrame(f.slice(0, end)) ?? StackFrameText.inlinedFrame(f) {
        if isUnreliable {
          unreliable += 1
        } else if !inInterrupt {
          frames.append(symbols.intern(fn))
        }
        return
      }
    }
    // Registers, `Code:`, module lists and other lines of the report: nothing to take.
    if !inTrace || Self.isReportDetail(t) { return }
    // A line that is no frame inside a call trace ends it (kernels without `<TASK>` markers).
    flush(into: &sink)
  }

  public mutating func finish<S: TraceRecordSink>(into sink: inout S, log: inout DiagnosticLog) {
    flush(into: &sink)
  }

  private mutating func begin(_ k: Kind, _ number: Int, _ ts: Int64?) {
    kind = k
    ctx = RecordContext(line: number)
    ctx.timestamp = ts
    state = nil
    frames.removeAll(keepingCapacity: true)
    unreliable = 0
    inTrace = false
    inInterrupt = false
  }

  private mutating func flush<S: TraceRecordSink>(into sink: inout S) {
    defer {
      kind = .none
      inTrace = false
      inInterrupt = false
      frames.removeAll(keepingCapacity: true)
      unreliable = 0
      pendingHung = nil
    }
    guard kind != .none, !frames.isEmpty else { return }
    let source: SnapshotSource
    switch kind {
    case .hung: source = .hungTask
    case .running: source = .runningBacktrace
    case .dump: source = .taskDump
    case .lockup: source = .lockup
    case .none: return
    }
    sink.receive(
      .stackSnapshot(ctx, source: source, state: state, stack: StackFrames(frames: frames, unreliableCount: unreliable))
    )
  }

  /// The event name given to lockdep's `N locks held by COMM/PID:` lines.
  public static let heldLocksEvent = "lockdep:locks-held"

  /// `1 lock held by iou-wrk-92/93:`, `2 locks held by kworker/u8:1/12:`, `no locks held by bash/5.`
  /// (lockdep_print_held_locks): the holder's comm and pid.
  static func lockHolder(_ t: ByteSpan) -> (comm: ByteSpan, pid: Int32)? {
    guard let by = t.firstIndex(of: " held by "), t.hasSuffix(":") || t.hasSuffix(".") else { return nil }
    let count = t.slice(0, by)
    if !count.equals("no locks") {
      guard let n = count.parseUnsigned(from: 0),
        count.suffix(from: n.end).equals(" lock") || count.suffix(from: n.end).equals(" locks")
      else { return nil }
    }
    let who = t.slice(by + 9, t.count - 1)
    guard let task = who.splitTaskID(at: UInt8(ascii: "/")), !task.name.isEmpty else { return nil }
    return (task.name, task.id)
  }

  /// `pid:92` style fields of a `task:` line.
  static func field(_ t: ByteSpan, _ name: StaticString) -> Int64? {
    var from = 0
    while let at = t.firstIndex(of: name, from: from) {
      if at == 0 || t[at - 1] == 0x20 {
        return t.parseUnsigned(from: at + name.utf8CodeUnitCount)?.value
      }
      from = at + 1
    }
    return nil
  }

  /// Lines printed inside a report between the header and the end of the stack.
  static func isReportDetail(_ t: ByteSpan) -> Bool {
    for p: StaticString in [
      "RSP:", "RAX:", "RDX:", "RBP:", "R10:", "R13:", "FS:", "CS:", "CR2:", "DR0:", "DR3:", "Code:",
      "Modules linked in:",
      "Hardware name:", "Workqueue:", "PKRU:", "irq event stamp:", "hardirqs", "softirqs", "Sending NMI",
      "INFO: NMI handler",
      "pc :", "lr :", "sp :", "x29:", "Tainted:", "Not tainted", "\"echo 0 >",
    ] where t.matches(p) {
      return true
    }
    return false
  }
}
