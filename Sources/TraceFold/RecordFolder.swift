import TraceParse

/// Folds records of any other input into `name;root;…;leaf weight` lines for flame graphs:
///
/// - function_graph (ftrace text, trace-cmd report): each call's **self time** (its duration minus
///   the durations of its traced children) is added to its stack; weights are printed in whole
///   microseconds (rounded; stacks that round to 0 µs are left out). A call's duration is the
///   printed one, else exit minus entry timestamp; calls still open at the end of the capture are
///   not counted. A `} /* fn */` whose entry is not in the capture is folded as `name;fn`. The
///   stack is per thread (per CPU for lines without a task column, and for the idle tasks, which
///   are all tid 0). A stack deeper than ``maximumDepth`` means entries lost their exits: its
///   open calls are dropped (not counted) and the thread starts again from an empty stack, said
///   in an `unbalanced-calls` warning with the line.
/// - perf samples read through the parser, /proc stacks, kernel-log stacks and pasted reports:
///   each stack counts 1.
///
/// The process name is the comm (`_` for blanks, `?` when unknown), with `-PID` / `-PID/TID` under
/// `--pid` / `--tid` as in ``FoldOptions``; the output is sorted bytewise.
public final class RecordFolder: TraceRecordSink {
  /// The deepest function_graph stack a thread may reach. The kernel's return stack holds far
  /// fewer frames (at most 50 before Linux 6.9; one page of 8-byte words, three or more per call,
  /// since), so a deeper stack is out of balance: calls whose exits were lost or never traced.
  public static let maximumDepth = 256

  private let symbols: SymbolTable
  private let options: FoldOptions
  private var names = ByteInterner()
  private var trie: StackTrie
  /// Interned name of each symbol id (`UInt32.max` until first used).
  private var symbolNames: [UInt32] = []
  private var threads: [Int64: ThreadStack] = [:]
  /// The thread of the previous function record (most records follow one of the same thread).
  private var lastThread: (key: Int64, stack: ThreadStack)?
  private var sawDurations = false
  private var log = DiagnosticLog(file: "")
  private var trieFull = false

  private var threadOrder: [ThreadStack] = []
  /// Full comms from scheduler events (function_graph's proc column truncates them to 7 bytes).
  private var fullComm: [Int32: Symbol] = [:]

  /// The last function an open call called and its stack node: a call of the same function
  /// again, the common case, needs no lookup in the trie.
  private struct Callee {
    var name = UInt32.max
    var node: UInt32 = 0
  }

  private final class ThreadStack {
    let tid: Int32
    /// The node of the thread's own top-level frame (its name is known only at the end).
    let root: UInt32
    /// Open calls: the stack node (the thread's root, then the frames), the entry time
    /// (`Int64.min` when unknown) and the traced time of the callees so far.
    var frames: [(fn: Symbol, node: UInt32, start: Int64, children: Int64, callee: Callee)] = []
    /// The last call made with no call open.
    var topCallee = Callee()
    var topLevel: Int64 = 0
    var comm: Symbol = .none
    var tgid: Int32 = -1

    init(tid: Int32, root: UInt32) {
      self.tid = tid
      self.root = root
    }

  }

  /// True when weights are times (function_graph), false when they are counts.
  public var weightsAreTimes: Bool { sawDurations }

  /// A folder naming frames from `symbols`.
  public convenience init(symbols: SymbolTable, options: FoldOptions) {
    self.init(symbols: symbols, options: options, stackCapacity: StackTrie.defaultCapacity)
  }

  /// A folder keeping at most `stackCapacity` distinct stack frames (tests use a small one).
  init(symbols: SymbolTable, options: FoldOptions, stackCapacity: Int) {
    self.symbols = symbols
    self.options = options
    trie = StackTrie(capacity: stackCapacity)
  }

  /// Warnings about the input found while folding (unbalanced calls), naming `file`.
  public func diagnostics(file: String) -> [Diagnostic] {
    log.summarized.map {
      var d = $0
      d.file = file
      return d
    }
  }

  private func processName(_ comm: Symbol, tid: Int32, tgid: Int32) -> UInt32 {
    var b: [UInt8] = []
    if comm == .none {
      b.append(UInt8(ascii: "?"))
    } else {
      symbols.withBytes(comm) { s in
        for i in 0..<s.count { b.append(s[i] == 0x20 ? UInt8(ascii: "_") : s[i]) }
      }
    }
    if options.includePid || options.includeTid {
      b.append(UInt8(ascii: "-"))
      b.append(contentsOf: (tgid >= 0 ? String(tgid) : "?").utf8)
      if options.includeTid {
        b.append(UInt8(ascii: "/"))
        b.append(contentsOf: (tid >= 0 ? String(tid) : "?").utf8)
      }
    }
    return b.withUnsafeBufferPointer { names.intern(ByteSpan(base: $0.baseAddress, count: $0.count)) }
  }

  @inline(__always) private func frameName(_ s: Symbol) -> UInt32 {
    let i = Int(s.id)
    if i < symbolNames.count, symbolNames[i] != UInt32.max { return symbolNames[i] }
    if i >= symbolNames.count {
      symbolNames.append(contentsOf: repeatElement(UInt32.max, count: i + 1 - symbolNames.count))
    }
    let n = symbols.withBytes(s) { names.intern($0) }
    symbolNames[i] = n
    return n
  }

  private func thread(_ ctx: RecordContext) -> ThreadStack {
    // Idle tasks are tid 0 on every CPU: one stack per CPU, as for lines without a task.
    let key = ctx.tid > 0 ? Int64(ctx.tid) : Int64(ctx.tid == 0 ? -1_000_000 : -2) - Int64(max(ctx.cpu, 0))
    if let last = lastThread, last.key == key {
      if ctx.comm != .none { last.stack.comm = ctx.comm }
      if ctx.tgid >= 0 { last.stack.tgid = ctx.tgid }
      return last.stack
    }
    if let t = threads[key] {
      lastThread = (key, t)
      if ctx.comm != .none { t.comm = ctx.comm }
      if ctx.tgid >= 0 { t.tgid = ctx.tgid }
      return t
    }
    // Named at output time, when the full comm is known.
    let t = ThreadStack(tid: ctx.tid, root: trie.child(StackTrie.top, Self.threadMark | UInt32(threadOrder.count))!)
    t.comm = ctx.comm
    t.tgid = ctx.tgid
    threads[key] = t
    lastThread = (key, t)
    threadOrder.append(t)
    return t
  }

  public func receive(_ record: TraceRecord) {
    switch record {
    case .functionEntry(let ctx, let fn):
      let t = thread(ctx)
      if t.frames.count >= Self.maximumDepth {
        log.add(
          .warning, .unbalancedCalls, line: ctx.line,
          "\(t.frames.count) calls of thread \(t.tid) are open (deeper than any kernel stack: their exits were lost); dropped them and went on from an empty stack"
        )
        t.frames.removeAll(keepingCapacity: true)
        t.topLevel = 0
      }
      t.frames.append((fn, callee(t, fn, ctx), ctx.timestamp ?? Int64.min, 0, Callee()))
    case .functionLeaf(let ctx, let fn, let duration):
      guard let d = duration else { return }
      sawDurations = true
      let t = thread(ctx)
      trie.add(callee(t, fn, ctx), d)
      addToParent(t, d)
    case .functionExit(let ctx, let fn, let duration):
      let t = thread(ctx)
      var target = t.frames.count - 1
      if let fn, target >= 0, t.frames[target].fn != fn {
        target = t.frames.lastIndex { $0.fn == fn } ?? -1
      }
      if target < 0 {
        // The entry is not in the capture: fold it under its own name.
        if let fn, let d = duration {
          sawDurations = true
          trie.add(node(under: t.root, frameName(fn), ctx), max(0, d.subtractingSaturated(t.topLevel)))
          t.topLevel = 0
        }
        return
      }
      // Frames above the target returned without their own exit line: close them first.
      while t.frames.count > target + 1 { close(t, ctx, duration: nil) }
      close(t, ctx, duration: duration)
    case .schedSwitch(_, let sw):
      if sw.prevComm != .none { fullComm[sw.prevTid] = sw.prevComm }
      if sw.nextComm != .none { fullComm[sw.nextTid] = sw.nextComm }
    case .schedWakeup(_, let target, let comm):
      if comm != .none { fullComm[target] = comm }
    case .processExit(_, let tid, let comm):
      if comm != .none { fullComm[tid] = comm }
    case .sample(let ctx, _, _, let stack):
      fold(ctx, stack.frames)
    case .stackSnapshot(let ctx, _, _, let stack):
      fold(ctx, stack.frames)
    default:
      break
    }
  }

  private func close(_ t: ThreadStack, _ ctx: RecordContext, duration: Int64?) {
    let f = t.frames.removeLast()
    let d =
      duration
      ?? ctx.timestamp.flatMap { end in f.start == Int64.min ? nil : max(0, end.subtractingSaturated(f.start)) }
    guard let d else { return }
    sawDurations = true
    trie.add(f.node, max(0, d.subtractingSaturated(f.children)))
    addToParent(t, d)
  }

  private func addToParent(_ t: ThreadStack, _ d: Int64) {
    if t.frames.isEmpty {
      t.topLevel = t.topLevel.addingSaturated(d)
    } else {
      t.frames[t.frames.count - 1].children = t.frames[t.frames.count - 1].children.addingSaturated(d)
    }
  }

  private func fold(_ ctx: RecordContext, _ frames: [Symbol]) {
    var n = trie.child(StackTrie.top, processName(ctx.comm, tid: ctx.tid, tgid: ctx.tgid))!
    for f in frames.reversed() { n = node(under: n, frameName(f), ctx) }
    trie.add(n, 1)
  }

  /// The stack node of frame `name` called from `parent`; `parent` itself (the call folded into
  /// its caller, said once in a warning) when the trie holds no more stacks.
  /// The stack node of a call of `fn` from the thread's innermost open call (or its top level).
  @inline(__always) private func callee(_ t: ThreadStack, _ fn: Symbol, _ ctx: RecordContext) -> UInt32 {
    let name = frameName(fn)
    let i = t.frames.count - 1
    let last = i >= 0 ? t.frames[i].callee : t.topCallee
    if last.name == name { return last.node }
    let n = node(under: i >= 0 ? t.frames[i].node : t.root, name, ctx)
    if i >= 0 { t.frames[i].callee = Callee(name: name, node: n) } else { t.topCallee = Callee(name: name, node: n) }
    return n
  }

  private func node(under parent: UInt32, _ name: UInt32, _ ctx: RecordContext) -> UInt32 {
    if let n = trie.child(parent, name) { return n }
    if !trieFull {
      trieFull = true
      log.add(
        .warning, .tooManyStacks, line: ctx.line,
        "more than \(trie.capacity) distinct stacks: from here on, calls not seen before are folded into their callers")
    }
    return parent
  }

  /// Writes the folded lines, sorted bytewise; function_graph weights in µs (rounded, zero left out).
  public func write(to out: (UnsafeRawBufferPointer) -> Void) {
    var threadNames: [UInt32] = []
    for t in threadOrder {
      threadNames.append(processName(t.tid >= 0 ? fullComm[t.tid] ?? t.comm : t.comm, tid: t.tid, tgid: t.tgid))
    }
    let rename: (UInt32) -> UInt32 = { id in
      id & Self.threadMark != 0 ? threadNames[Int(id & ~Self.threadMark)] : id
    }
    if sawDurations {
      trie.writeSorted(
        names: names, topName: rename, minimum: 1, transform: { $0.addingSaturated(500) / 1000 }, to: out)
    } else {
      trie.writeSorted(names: names, topName: rename, minimum: 1, transform: { $0 }, to: out)
    }
  }

  private static let threadMark: UInt32 = 0x8000_0000
}
