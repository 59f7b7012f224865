import TraceParse

/// Folds records of any other input into `name;root;…;leaf weight` lines for flame graphs:
///
/// - function_graph (ftrace text, trace-cmd report): each call's **self time** (its duration minus
///   the durations of its traced children) is added to its stack; weights are printed in whole
///   microseconds (rounded; stacks that round to 0 µs are left out). A call's duration is the
///   printed one, else exit minus entry timestamp; calls still open at the end of the capture are
///   not counted. A `} /* fn */` whose entry is not in the capture is folded as `name;fn`. The
///   stack is per thread (per CPU for lines without a task column).
/// - perf samples read through the parser, /proc stacks, kernel-log stacks and pasted reports:
///   each stack counts 1.
///
/// The process name is the comm (`_` for blanks, `?` when unknown), with `-PID` / `-PID/TID` under
/// `--pid` / `--tid` as in ``FoldOptions``; the output is sorted bytewise.
public final class RecordFolder: TraceRecordSink {
  private let symbols: SymbolTable
  private let options: FoldOptions
  private var names = ByteInterner()
  private var stacks = StackTable()
  private var threads: [Int32: ThreadStack] = [:]
  private var scratch: [UInt32] = []
  private var sawDurations = false

  private var threadOrder: [(tid: Int32, stack: ThreadStack)] = []
  /// Full comms from scheduler events (function_graph's proc column truncates them to 7 bytes).
  private var fullComm: [Int32: Symbol] = [:]

  private final class ThreadStack {
    var index = 0
    var frames: [(fn: Symbol, start: Int64?, children: Int64)] = []
    var topLevel: Int64 = 0
    var comm: Symbol = .none
    var tgid: Int32 = -1
  }

  /// True when weights are times (function_graph), false when they are counts.
  public var weightsAreTimes: Bool { sawDurations }

  /// A folder naming frames from `symbols`.
  public init(symbols: SymbolTable, options: FoldOptions) {
    self.symbols = symbols
    self.options = options
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

  private func frameName(_ s: Symbol) -> UInt32 {
    symbols.withBytes(s) { names.intern($0) }
  }

  private func thread(_ ctx: RecordContext) -> ThreadStack {
    let key = ctx.tid >= 0 ? ctx.tid : -2 - max(ctx.cpu, 0)
    if let t = threads[key] {
      if ctx.comm != .none { t.comm = ctx.comm }
      if ctx.tgid >= 0 { t.tgid = ctx.tgid }
      return t
    }
    let t = ThreadStack()
    t.comm = ctx.comm
    t.tgid = ctx.tgid
    t.index = threadOrder.count
    threads[key] = t
    threadOrder.append((key, t))
    return t
  }

  /// Adds `weight` to the thread's current stack plus `leaf`.
  private func emit(_ t: ThreadStack, _ ctx: RecordContext, leaf: Symbol?, weight: Int64) {
    scratch.removeAll(keepingCapacity: true)
    scratch.append(Self.threadMark | UInt32(t.index))  // named at output time, when the full comm is known
    for f in t.frames { scratch.append(frameName(f.fn)) }
    if let leaf { scratch.append(frameName(leaf)) }
    stacks.add(scratch, reversed: false, weight: weight)
  }

  public func receive(_ record: TraceRecord) {
    switch record {
    case .functionEntry(let ctx, let fn):
      let t = thread(ctx)
      if t.frames.count < 4096 { t.frames.append((fn, ctx.timestamp, 0)) }
    case .functionLeaf(let ctx, let fn, let duration):
      guard let d = duration else { return }
      sawDurations = true
      let t = thread(ctx)
      emit(t, ctx, leaf: fn, weight: d)
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
          let saved = t.frames
          t.frames = []
          emit(t, ctx, leaf: fn, weight: max(0, d.subtractingSaturated(t.topLevel)))
          t.frames = saved
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
    let d = duration ?? ctx.timestamp.flatMap { end in f.start.map { max(0, end.subtractingSaturated($0)) } }
    guard let d else { return }
    sawDurations = true
    emit(t, ctx, leaf: f.fn, weight: max(0, d.subtractingSaturated(f.children)))
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
    scratch.removeAll(keepingCapacity: true)
    scratch.append(processName(ctx.comm, tid: ctx.tid, tgid: ctx.tgid))
    for f in frames.reversed() { scratch.append(frameName(f)) }
    stacks.add(scratch, reversed: false, weight: 1)
  }

  /// Writes the folded lines, sorted bytewise; function_graph weights in µs (rounded, zero left out).
  public func write(to out: (UnsafeRawBufferPointer) -> Void) {
    var threadNames: [UInt32] = []
    for (tid, t) in threadOrder {
      threadNames.append(processName(tid >= 0 ? fullComm[tid] ?? t.comm : t.comm, tid: tid, tgid: t.tgid))
    }
    let names = self.names
    let append: (UInt32, inout [UInt8]) -> Void = { id, out in
      names.append(id & Self.threadMark != 0 ? threadNames[Int(id & ~Self.threadMark)] : id, to: &out)
    }
    if sawDurations {
      stacks.writeSorted(appendName: append, minimum: 1, transform: { $0.addingSaturated(500) / 1000 }, to: out)
    } else {
      stacks.writeSorted(appendName: append, to: out)
    }
  }

  private static let threadMark: UInt32 = 0x8000_0000
}
