/// Reads ftrace text: the function_graph tracer's output (any funcgraph-* option set, with or
/// without context-info and latency-format), event lines (`comm-pid [cpu] flags ts: event: ...`),
/// and `trace-cmd report` output, including all three mixed in one file. Context-switch banners,
/// `/* event */` comments, irq arrows, `CPU:N [LOST N EVENTS]`, `[N EVENTS DROPPED]`, headers and
/// `##### CPU N buffer started ####` lines are understood.
public final class FtraceTextParser: LineParser {
  private let symbols: SymbolTable
  private let schedDecoder: SchedEventDecoder
  /// `<stack trace>` entries and their ` => ` frame lines.
  private var stacks: StackTraceEvents
  /// The task each CPU is running, from context-switch banners, for lines without a proc column.
  private var cpuTask = CPUTasks()
  /// The fast path for plain call lines.
  private var decoder: GraphLineDecoder
  private var expectBanner = false
  private var lastProcPid: Int32 = -1
  private var lastProcComm = Symbol.none
  private var lastTimestamp: Int64 = 0
  /// Absurd timestamps: more than this far behind the previous one.
  private let backwardTolerance: Int64 = 1_000_000_000

  public private(set) var recognisedLines = 0
  public private(set) var unrecognisedLines = 0
  /// True when a `# cut:` comment says the file is a window of a longer output.
  public private(set) var isCutWindow = false

  /// The fast path for call lines is on (off only in the test that compares it with the full path).
  let fastPath: Bool

  /// A parser interning names into `symbols`.
  public convenience init(symbols: SymbolTable) { self.init(symbols: symbols, fastPath: true) }

  /// A parser interning names into `symbols`, with the fast path for call lines or without it.
  init(symbols: SymbolTable, fastPath: Bool) {
    self.symbols = symbols
    self.fastPath = fastPath
    schedDecoder = SchedEventDecoder(symbols: symbols)
    decoder = GraphLineDecoder(symbols: symbols)
    stacks = StackTraceEvents(symbols: symbols)
  }

  public func finish<S: TraceRecordSink>(into sink: inout S, log: inout DiagnosticLog) {
    stacks.flush(into: &sink)
  }

  public func parse<S: TraceRecordSink>(
    _ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog
  ) {
    if fastPath, !expectBanner, let g = decoder.decode(line) {
      take(g, number: number, into: &sink, log: &log)
      return
    }
    parseInFull(line, number: number, into: &sink, log: &log)
  }

  /// True when the next line may take the fast path (it is not the one after a banner's rule,
  /// which is read as the banner).
  var acceptsDecodedLine: Bool { !expectBanner }

  /// Applies the parser's state to a call line that ``GraphLineDecoder`` read (on this thread, or
  /// ahead of time on another core) and emits its record, exactly as ``parseInFull`` would.
  func take<S: TraceRecordSink>(_ g: GraphLine, number: Int, into sink: inout S, log: inout DiagnosticLog) {
    if stacks.isOpen { stacks.flush(into: &sink) }
    var ctx = RecordContext(line: number)
    ctx.cpu = g.cpu
    ctx.timestamp = g.timestamp >= 0 ? g.timestamp : nil
    if g.isEventLine {
      ctx.tid = g.tid
      ctx.tgid = g.tgid
      ctx.comm = g.comm
    } else if g.hasProc {
      ctx.tid = g.tid
      ctx.comm = g.comm
      // Consecutive lines of a CPU mostly name the task it already has: no write then.
      if ctx.cpu >= 0, ctx.tid >= 0, cpuTask[ctx.cpu].map({ $0.tid != ctx.tid || $0.comm != ctx.comm }) ?? true {
        cpuTask[ctx.cpu] = (ctx.tid, ctx.comm)
      }
    } else if ctx.cpu >= 0, let task = cpuTask[ctx.cpu] {
      ctx.tid = task.tid
      ctx.comm = task.comm
    }
    checkTimestamp(ctx.timestamp, number: number, log: &log)
    recognisedLines += 1
    let ns = g.duration >= 0 ? g.duration : nil
    switch g.call {
    case .entry: sink.receive(.functionEntry(ctx, function: g.function))
    case .leaf: sink.receive(.functionLeaf(ctx, function: g.function, duration: ns))
    case .exit: sink.receive(.functionExit(ctx, function: g.function == .none ? nil : g.function, duration: ns))
    }
  }

  /// Reads any line: the full path (every form this parser knows).
  func parseInFull<S: TraceRecordSink>(
    _ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog
  ) {
    if line.matches(" => ") {
      // A frame of a `<stack trace>`; one with no stack before it (a window cut inside a stack)
      // is dropped.
      stacks.frame(line, into: &sink)
      recognisedLines += 1
      return
    }
    if stacks.isOpen, !Self.isUserStackHeader(line) { stacks.flush(into: &sink) }
    let first = line.skipSpaces(from: 0)
    if first == line.count {
      recognisedLines += 1
      return
    }
    let c = line[first]
    if c == UInt8(ascii: "<"),
      line.suffix(from: first).trimmed().equals("<stack trace>")
        || line.suffix(from: first).trimmed().equals("<user stack trace>")
    {
      // context-info off: the entry has no columns of its own.
      stacks.begin(RecordContext(line: number), user: line[first + 1] == UInt8(ascii: "u"), into: &sink)
      recognisedLines += 1
      return
    }
    if c == UInt8(ascii: "#") {
      if line.matches("# cut:", at: first) { isCutWindow = true }
      decoder.relearn()
      recognisedLines += 1
      return
    }
    if c == UInt8(ascii: "-"), line.matches("------------", at: first) {
      // Opens or closes a context-switch banner; the `a => b` line between them is the banner.
      expectBanner = true
      recognisedLines += 1
      return
    }
    if expectBanner || line.firstIndex(of: UInt8(ascii: "|")) == nil && line.firstIndex(of: " => ") != nil {
      expectBanner = false
      if parseBanner(line, number: number, into: &sink) {
        decoder.relearn()
        recognisedLines += 1
        return
      }
    }
    if c == UInt8(ascii: "C"), line.matches("CPU", at: first) {
      if parseCPUNotice(line.suffix(from: first), number: number, into: &sink) {
        recognisedLines += 1
        return
      }
    }
    if c == UInt8(ascii: "v"), line.matches("version = ", at: first) {
      recognisedLines += 1
      return
    }
    if c == UInt8(ascii: "c"), line.matches("cpus=", at: first) {
      recognisedLines += 1
      return
    }
    if let ev = EventLine.split(line), isEventBeforePipe(line) {
      handleEventLine(ev, number: number, into: &sink, log: &log)
      return
    }
    if parseGraphLine(line, number: number, into: &sink, log: &log) {
      recognisedLines += 1
      return
    }
    unrecognisedLines += 1
    log.add(.warning, .unparsedLine, line: number, "not an ftrace line: \(line.quotedPreview())")
  }

  /// `… <user stack trace>`: continues the kernel stack read just before it.
  private static func isUserStackHeader(_ line: ByteSpan) -> Bool {
    line.hasSuffix("<user stack trace>") || line.trimmed().hasSuffix("<user stack trace>")
  }

  /// Event lines have their `[cpu]` before any `|` (function_graph columns use `|`).
  private func isEventBeforePipe(_ line: ByteSpan) -> Bool {
    guard let b = line.firstIndex(of: UInt8(ascii: "[")) else { return false }
    guard let p = line.firstIndex(of: UInt8(ascii: "|")) else { return true }
    return b < p
  }

  // MARK: - notices

  /// `CPU:3 [LOST 120 EVENTS]`, `CPU:3 [LOST EVENTS]`, `CPU:7 [204600 EVENTS DROPPED]`,
  /// `CPU 0 is empty` (trace-cmd).
  private func parseCPUNotice<S: TraceRecordSink>(_ s: ByteSpan, number: Int, into sink: inout S) -> Bool {
    if s.matches("CPU "), s.firstIndex(of: " is empty") != nil { return true }
    guard s.matches("CPU:"), let cpu = s.parseUnsigned(from: 4) else { return false }
    var ctx = RecordContext(line: number)
    ctx.cpu = Int32(truncatingIfNeeded: cpu.value)
    let rest = s.suffix(from: cpu.end).trimmed()
    if rest.matches("[LOST ") {
      let count = rest.parseUnsigned(from: 6)?.value
      sink.receive(.lost(ctx, count: count))
      return true
    }
    if rest.matches("["), rest.firstIndex(of: "EVENTS DROPPED]") != nil {
      sink.receive(.lost(ctx, count: rest.parseUnsigned(from: 1)?.value))
      return true
    }
    return false
  }

  /// ` 0)    <idle>-0    =>   rcu_sch-15  ` (the cpu field is absent with nofuncgraph-cpu).
  private func parseBanner<S: TraceRecordSink>(_ line: ByteSpan, number: Int, into sink: inout S) -> Bool {
    guard let arrow = line.firstIndex(of: "=>") else { return false }
    var left = line.slice(0, arrow).trimmed()
    var cpu: Int32 = -1
    if let n = left.parseUnsigned(from: 0), n.end < left.count, left[n.end] == UInt8(ascii: ")") {
      cpu = Int32(truncatingIfNeeded: n.value)
      left = left.suffix(from: n.end + 1).trimmed()
    }
    guard let prev = Self.commPid(left), let next = Self.commPid(line.suffix(from: arrow + 2).trimmed()) else {
      return false
    }
    var ctx = RecordContext(line: number)
    ctx.cpu = cpu
    ctx.tid = prev.pid
    let nextComm = symbols.intern(next.comm)
    if cpu >= 0 { cpuTask[cpu] = (next.pid, nextComm) }
    sink.receive(.graphTaskChange(ctx, prevTid: prev.pid, nextTid: next.pid, nextComm: nextComm))
    return true
  }

  /// `comm-pid` (split at the last `-`).
  static func commPid(_ s: ByteSpan) -> (comm: ByteSpan, pid: Int32)? {
    guard let task = s.splitTaskID(at: UInt8(ascii: "-")) else { return nil }
    return (task.name, task.id)
  }

  // MARK: - event lines

  private func handleEventLine<S: TraceRecordSink>(
    _ ev: EventLine, number: Int, into sink: inout S, log: inout DiagnosticLog
  ) {
    var ctx = RecordContext(line: number)
    ctx.cpu = ev.cpu
    ctx.tid = ev.pid
    ctx.tgid = ev.tgid
    ctx.comm = symbols.intern(ev.comm)
    ctx.timestamp = ev.timestamp
    checkTimestamp(ev.timestamp, number: number, log: &log)
    recognisedLines += 1
    if ev.kind == .kernelStack || ev.kind == .userStack {
      stacks.begin(ctx, user: ev.kind == .userStack, into: &sink)
      return
    }
    if ev.isFunctionCall {
      let function = symbols.intern(ev.name)
      stacks.noteEvent(ctx, name: function)
      sink.receive(.functionLeaf(ctx, function: function, duration: nil))
      return
    }
    if ev.name.equals("funcgraph_entry") || ev.name.equals("funcgraph_exit") {
      // trace-cmd prints the graph after the event name: `  2.474 us   |      func();`
      guard let pipe = ev.payload.firstIndex(of: UInt8(ascii: "|")) else {
        log.add(.warning, .malformedEvent, line: number, "funcgraph line without a `|` column")
        return
      }
      let duration = GraphDuration.parse(ev.payload.slice(0, pipe))
      emitBody(
        GraphBody.parse(ev.payload.suffix(from: pipe + 1)), duration: duration, ctx, number: number, into: &sink,
        log: &log)
      return
    }
    emitEvent(name: ev.name, payload: ev.payload, ctx, number: number, into: &sink, log: &log)
  }

  private func emitEvent<S: TraceRecordSink>(
    name: ByteSpan, payload: ByteSpan, _ ctx: RecordContext, number: Int, into sink: inout S,
    log: inout DiagnosticLog
  ) {
    let symbol = symbols.intern(name)
    stacks.noteEvent(ctx, name: symbol)
    switch schedDecoder.decode(name: name, payload: payload, context: ctx) {
    case .record(let r): sink.receive(r)
    case .notSched: sink.receive(.event(ctx, name: symbol))
    case .malformed(let why):
      log.add(.warning, .malformedEvent, line: number, "\(name.string): \(why)")
    }
  }

  @inline(__always) private func checkTimestamp(_ ts: Int64?, number: Int, log: inout DiagnosticLog) {
    guard let ts else { return }
    if ts >= lastTimestamp {
      lastTimestamp = ts
    } else {
      warnOutOfOrder(ts, number: number, log: &log)
    }
  }

  /// `ts` is before the latest timestamp so far (which stays the latest): how far, in a warning.
  private func warnOutOfOrder(_ ts: Int64, number: Int, log: inout DiagnosticLog) {
    if ts < lastTimestamp.subtractingSaturated(backwardTolerance) {
      log.add(
        .warning, .timestampBackwards, line: number,
        "timestamp \(Double(ts) / 1e9) s is before the previous \(Double(lastTimestamp) / 1e9) s; records out of order")
    } else {
      log.add(
        .warning, .timestampReordered, line: number,
        "timestamp \(Double(ts) / 1e9) s is \(lastTimestamp - ts) ns before an earlier line (per-CPU buffers interleaved?); times spanning it count as 0, never negative"
      )
    }
  }

  // MARK: - function_graph lines

  /// Parses `[abstime |] [reltime |] [cpu)] [proc |] [lat] [duration |]  body`.
  private func parseGraphLine<S: TraceRecordSink>(
    _ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog
  ) -> Bool {
    // Columns end at the last `|` before any `/*` comment (comments may contain `|`).
    let limit = line.firstIndex(of: "/*") ?? line.count
    let lastPipe = line.lastIndex(of: UInt8(ascii: "|"), before: limit)
    var ctx = RecordContext(line: number)
    var duration = GraphDuration.none
    var sawProc = false
    var bodyStart = 0
    if let lastPipe {
      bodyStart = lastPipe + 1
      var segStart = 0
      var segIndex = 0
      var cpuSeen = false
      while segStart <= lastPipe {
        let segEnd = line.firstIndex(of: UInt8(ascii: "|"), from: segStart) ?? lastPipe
        let seg = line.slice(segStart, segEnd)
        let isLast = segEnd == lastPipe
        if !classify(
          seg, isFirst: segIndex == 0, isLast: isLast, cpuSeen: &cpuSeen, sawProc: &sawProc, ctx: &ctx,
          duration: &duration)
        {
          return false
        }
        segIndex += 1
        segStart = segEnd + 1
      }
    } else {
      // No columns with pipes: optional `N) ` cpu field, then the body.
      let i = line.skipSpaces(from: 0)
      if let n = line.parseUnsigned(from: i), n.end < line.count, line[n.end] == UInt8(ascii: ")") {
        ctx.cpu = Int32(truncatingIfNeeded: n.value)
        bodyStart = n.end + 1
      }
    }
    if !sawProc, ctx.cpu >= 0, let task = cpuTask[ctx.cpu] {
      ctx.tid = task.tid
      ctx.comm = task.comm
    }
    if sawProc, ctx.cpu >= 0, ctx.tid >= 0 { cpuTask[ctx.cpu] = (ctx.tid, ctx.comm) }
    checkTimestamp(ctx.timestamp, number: number, log: &log)
    let body = GraphBody.parse(line.suffix(from: bodyStart))
    if case .unrecognised = body { return false }
    if case .invalid = duration { return false }
    emitBody(body, duration: duration, ctx, number: number, into: &sink, log: &log)
    return true
  }

  /// Classifies one `|`-separated prefix segment. Returns false when it fits no column.
  private func classify(
    _ seg: ByteSpan, isFirst: Bool, isLast: Bool, cpuSeen: inout Bool, sawProc: inout Bool,
    ctx: inout RecordContext, duration: inout GraphDuration
  ) -> Bool {
    let t = seg.trimmed()
    if t.isEmpty {
      if isLast { duration = .none }
      return true
    }
    // `N)` cpu, optionally followed by the proc field `comm-pid`.
    if let n = t.parseUnsigned(from: 0), n.end < t.count, t[n.end] == UInt8(ascii: ")") {
      ctx.cpu = Int32(truncatingIfNeeded: n.value)
      cpuSeen = true
      let rest = t.suffix(from: n.end + 1).trimmed()
      if !rest.isEmpty {
        guard let p = Self.commPid(rest) else {
          // `N) ` then the duration column: ` 0)   0.214 us    |`
          if isLast {
            duration = GraphDuration.parse(rest)
            if case .invalid = duration { return false }
            return true
          }
          return false
        }
        applyProc(p, &ctx, &sawProc)
      }
      return true
    }
    if !cpuSeen, !sawProc, let v = t.parseDecimal(from: 0, scaleDigits: 9), v.end == t.count {
      ctx.timestamp = v.value  // abstime: a number without ` us`
      return true
    }
    if !cpuSeen, !sawProc, !isLast, t.hasSuffix(" us") { return true }  // reltime
    if !sawProc, let p = Self.commPid(t), t.firstIndex(of: " us") == nil {
      applyProc(p, &ctx, &sawProc)
      return true
    }
    if isLast {
      duration = GraphDuration.parse(t)
      if case .invalid = duration { return Self.isLatencyFlags(t) }
      return true
    }
    return Self.isLatencyFlags(t)
  }

  private func applyProc(_ p: (comm: ByteSpan, pid: Int32), _ ctx: inout RecordContext, _ sawProc: inout Bool) {
    ctx.tid = p.pid
    // Consecutive lines mostly come from the same task: reuse the last interned comm.
    if p.pid == lastProcPid, symbols.withBytes(lastProcComm, { $0.equals(p.comm) }) {
      ctx.comm = lastProcComm
    } else {
      ctx.comm = symbols.intern(p.comm)
      lastProcPid = p.pid
      lastProcComm = ctx.comm
    }
    sawProc = true
  }

  /// latency-format flags such as `d..1.` or `dNh2.`.
  private static func isLatencyFlags(_ t: ByteSpan) -> Bool {
    guard t.count >= 3, t.count <= 8 else { return false }
    for i in 0..<t.count {
      let b = t[i]
      let ok =
        b == UInt8(ascii: ".") || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
      if !ok { return false }
    }
    return true
  }

  private func emitBody<S: TraceRecordSink>(
    _ body: GraphBody, duration: GraphDuration, _ ctx: RecordContext, number: Int, into sink: inout S,
    log: inout DiagnosticLog
  ) {
    var ns: Int64?
    if case .nanoseconds(let v) = duration { ns = v }
    switch body {
    case .entry(let name):
      sink.receive(.functionEntry(ctx, function: symbols.intern(name)))
    case .leaf(let name):
      sink.receive(.functionLeaf(ctx, function: symbols.intern(name), duration: ns))
    case .exit(let name):
      sink.receive(.functionExit(ctx, function: name.map { symbols.intern($0) }, duration: ns))
    case .comment(let text):
      // `/* sched_switch: prev_comm=... */`, `/* <stack trace>` (frames follow), or a trace_printk text.
      if text.equals("<stack trace>") || text.equals("<user stack trace>") {
        stacks.begin(ctx, user: text[1] == UInt8(ascii: "u"), into: &sink)
      } else if let colon = text.firstIndex(of: UInt8(ascii: ":")), colon > 0,
        text.slice(0, colon).firstIndex(of: 0x20) == nil
      {
        emitEvent(
          name: text.slice(0, colon), payload: text.suffix(from: text.skipSpaces(from: colon + 1)), ctx,
          number: number, into: &sink, log: &log)
      } else {
        sink.receive(.event(ctx, name: symbols.intern("trace_printk")))
      }
    case .empty, .unrecognised:
      break
    }
  }
}
