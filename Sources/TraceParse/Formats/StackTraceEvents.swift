/// ftrace stack-trace entries (`options/stacktrace`, the `stacktrace` trigger, kprobe events with
/// a stack), as kernel/trace/trace_output.c prints them:
///
/// ```
///      iou-wrk-66-67      [000] d..2.  5.177209: <stack trace>
///  => handle_userfault
///  => hugetlb_fault+0x3d2/0x9b0 <ffffffff8114cffa>
///      iou-wrk-66-67      [000] d..2.  5.177209: <user stack trace>
///  =>  <00007f1e2b4f1e67>
/// ```
///
/// trace_stack_print writes `<stack trace>` and one ` => ` line per frame, innermost first
/// (seq_print_ip_sym: the symbol, `+0x…/0x…` with sym-offset, ` <ip>` with sym-addr, `0` for a null
/// ip, `[FTRACE TRAMPOLINE]`); trace_user_stack_print writes `<user stack trace>` and ` => ` lines
/// holding ` <ip>` or, with sym-userobj, `path[+0xoff]`. Under function_graph the entry is a comment:
/// `/* <stack trace>` … ` => last */`. Each stack becomes one ``TraceRecord/sample(_:event:period:stack:)``
/// of the task, CPU and timestamp of the event it follows on the same CPU, named after that event
/// (`stacktrace` when no event of the task precedes it); a user stack right after the kernel stack
/// of the same task extends it (its frames are the outer ones). Stack samples have no period: they
/// are taken when an event fires, not by a timer, so they place a thread but do not measure CPU use.
struct StackTraceEvents {
  private let symbols: SymbolTable
  private let unknown: Symbol
  private let unnamed: Symbol
  /// The last event seen on each CPU, and the last one overall (for lines without context columns).
  private var lastEvent: [Int32: (ctx: RecordContext, name: Symbol)] = [:]
  private var lastAny: (ctx: RecordContext, name: Symbol)?
  private var openStack: (ctx: RecordContext, event: Symbol)?
  private var frames: [Symbol] = []

  /// True while frames of a stack are being read.
  var isOpen: Bool { openStack != nil }

  init(symbols: SymbolTable) {
    self.symbols = symbols
    unknown = symbols.intern("[unknown]")
    unnamed = symbols.intern("stacktrace")
    frames.reserveCapacity(64)
  }

  /// Remembers an event line or event comment that a stack may follow.
  mutating func noteEvent(_ ctx: RecordContext, name: Symbol) {
    if ctx.cpu >= 0 { lastEvent[ctx.cpu] = (ctx, name) }
    lastAny = (ctx, name)
  }

  /// `<stack trace>` / `<user stack trace>` with the columns of its own line (`ctx`, possibly
  /// without task or CPU when context-info is off).
  mutating func begin<S: TraceRecordSink>(_ ctx: RecordContext, user: Bool, into sink: inout S) {
    if user, let o = openStack, o.ctx.tid == ctx.tid || ctx.tid < 0 { return }  // the outer part of the same stack
    flush(into: &sink)
    var c = ctx
    var event = unnamed
    let before = ctx.cpu >= 0 ? lastEvent[ctx.cpu] : lastAny
    if let before, ctx.tid < 0 || before.ctx.tid == ctx.tid {
      event = before.name
      c.cpu = before.ctx.cpu
      c.tid = before.ctx.tid
      c.tgid = before.ctx.tgid
      c.comm = before.ctx.comm
      c.timestamp = before.ctx.timestamp ?? ctx.timestamp
    }
    openStack = (c, event)
  }

  /// Reads a ` => frame` line (`line` starts with ` => `). Returns false when no stack is open
  /// (a window cut inside a stack): the caller counts the line and drops it.
  @discardableResult mutating func frame<S: TraceRecordSink>(_ line: ByteSpan, into sink: inout S) -> Bool {
    guard openStack != nil else { return false }
    var t = line.suffix(from: 4).trimmed()
    var closes = false
    if t.hasSuffix("*/") {
      closes = true
      t = t.slice(0, t.count - 2).trimmed()
    }
    if !t.equals("[FTRACE TRAMPOLINE]") { frames.append(symbol(t)) }
    if closes { flush(into: &sink) }
    return true
  }

  /// Emits the open stack, if any.
  mutating func flush<S: TraceRecordSink>(into sink: inout S) {
    guard let o = openStack else { return }
    openStack = nil
    defer { frames.removeAll(keepingCapacity: true) }
    guard o.ctx.tid >= 0 else { return }  // no columns and no event before it: whose stack is unknown
    sink.receive(.sample(o.ctx, event: o.event, period: nil, stack: StackFrames(frames: frames)))
  }

  /// `func`, `func+0x1f/0x90`, `func <ffffffff81234567>`, ` <00007f…>`, `/lib/libc.so.6[+0x27b25]`, `0`.
  private func symbol(_ text: ByteSpan) -> Symbol {
    var t = text
    if t.hasSuffix(">"), let lt = t.lastIndex(of: UInt8(ascii: "<")),
      t.slice(lt + 1, t.count - 1).isHexDigits
    {
      t = t.slice(0, lt).trimmed()
    }
    if t.hasSuffix("]"), let open = t.lastIndex(of: UInt8(ascii: "[")), t.matches("[+0x", at: open), open > 0 {
      t = t.slice(0, open)
    }
    if t.isEmpty || t.equals("0") { return unknown }
    return symbols.intern(StackFrameText.stripOffset(t))
  }
}
