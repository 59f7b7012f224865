#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The fast path of ``FtraceTextParser``: reads the lines that make up nearly all of a
/// function_graph capture — a call (`func() {`, `func();`, `}`) in tracefs columns, or a trace-cmd
/// `funcgraph_entry`/`funcgraph_exit` event — into a ``GraphLine``, using no parser state.
///
/// It accepts a line only when the parser's full path would read it the same way, and returns nil
/// for everything else (banners, events, comments, irq arrows, stack traces, odd columns), which the
/// full path then reads. So the result never depends on whether a line went this way; that is also
/// what lets chunks of a file be decoded on another core (``ParallelLineReader``).
/// Names are interned into `symbols` only once the whole line has been accepted.
struct GraphLineDecoder {
  /// Where function names and comms are interned.
  let symbols: SymbolTable
  /// The column layout of the last tracefs line read.
  private var layout = GraphColumnLayout()
  /// The comm of the last line (consecutive lines mostly come from one task).
  private var lastComm = Symbol.none
  /// The task column of the last line, as read: consecutive lines of one task repeat it byte for
  /// byte, so it is compared instead of read again.
  private var taskColumn = TaskColumnCache()
  /// The task columns of the last trace-cmd event line, likewise.
  private var eventHead = EventHeadCache()
  /// The first word of the last timestamp read: consecutive lines mostly share their seconds.
  private var timeHead = TimeHeadCache()
  /// The plain calls read lately, by the end of their line.
  private var callTails = GraphCallTails()

  /// A decoder interning into `symbols`.
  init(symbols: SymbolTable) {
    self.symbols = symbols
  }

  /// Forgets the learnt columns (after a banner or a header: the next line re-learns them).
  mutating func relearn() { layout.reset() }

  /// Reads `line`, or returns nil when the full path must read it.
  @inline(__always) mutating func decode(_ line: ByteSpan) -> GraphLine? {
    // A layout opening with a number (timestamp or CPU) accepts no special line: they open with
    // none of its digits. So the common line skips that test, and is read here, in the caller's
    // loop (no call, no copy of the layout or of the line read).
    let fits = layout.fits(line)
    if fits, layout.opensWithNumber, let g = columns(line, layout) { return g }
    return decodeOther(line, fits: fits)
  }

  /// ``decode(_:)`` of a line that the learnt layout did not read: a special line, an event, or
  /// columns elsewhere.
  @inline(never) private mutating func decodeOther(_ line: ByteSpan, fits: Bool) -> GraphLine? {
    let first = line.skipSpaces(from: 0)
    guard first < line.count, !Self.isSpecialLine(line, first: first) else { return nil }
    if fits, !layout.opensWithNumber, let g = columnsOutOfLine(line, layout) { return g }
    if let g = event(line) { return g }
    guard let learnt = Self.learn(line) else { return nil }
    // The same bytes may mean another thing in another column: the remembered one goes.
    taskColumn = TaskColumnCache()
    guard let g = columnsOutOfLine(line, learnt) else { return nil }
    layout = learnt
    return g
  }

  /// The lines the full path looks at before it tries columns or events: ` => ` frames,
  /// `<stack trace>`, comments, banner rules, `CPU` notices and trace-cmd's header lines.
  @inline(__always) private static func isSpecialLine(_ line: ByteSpan, first: Int) -> Bool {
    switch line[first] {
    case UInt8(ascii: "="): return line.matches(" => ")
    case UInt8(ascii: "<"):
      let t = line.suffix(from: first).trimmed()
      return t.equals("<stack trace>") || t.equals("<user stack trace>")
    case UInt8(ascii: "#"): return true
    case UInt8(ascii: "-"): return line.matches("------------", at: first)
    case UInt8(ascii: "C"): return line.matches("CPU", at: first)
    case UInt8(ascii: "v"): return line.matches("version = ", at: first)
    case UInt8(ascii: "c"): return line.matches("cpus=", at: first)
    default: return false
    }
  }

  // MARK: - tracefs columns

  /// ``columns(_:_:)`` as a call, for the lines off the common path.
  @inline(never) private mutating func columnsOutOfLine(_ line: ByteSpan, _ layout: GraphColumnLayout) -> GraphLine? {
    columns(line, layout)
  }

  /// Reads a line whose columns end at the pipes of `layout`.
  @inline(__always) private mutating func columns(_ line: ByteSpan, _ layout: GraphColumnLayout) -> GraphLine? {
    var g = GraphLine(call: .entry, isEventLine: false)
    var comm = ByteSpan.empty
    taskColumn.pending = .empty
    guard let base = line.base else { return nil }
    // The pipes lie inside the line (`fits`, or just learnt from it) and in increasing order.
    var start = 0
    if layout.isDefault {
      // Each column read with its kind known (no loop, no switch).
      let (time, task, duration) = layout.pipes
      guard column(.absoluteTime, of: line, 0, time, &g, &comm),
        column(.cpuAndProc, of: line, time + 1, task, &g, &comm),
        column(.duration, of: line, task + 1, duration, &g, &comm)
      else { return nil }
      start = duration + 1
    } else {
      for i in 0..<layout.count {
        let end = layout.pipe(i)
        guard column(layout.column(i), of: line, start, end, &g, &comm) else { return nil }
        start = end + 1
      }
    }
    let body = ByteSpan(base: base + start, count: line.count - start)
    var name = ByteSpan.empty
    var kept = Symbol.none
    var plain = false
    // A `}` (a third of a graph's lines) ends as no kept call does: not looked up.
    let closes = body.count > 0 && body[body.count - 1] == UInt8(ascii: "}")
    if !closes, let tail = callTails.call(of: body, in: symbols) {
      g.call = tail.call
      kept = tail.function
    } else if let call = GraphBody.plainCall(body) {
      g.call = call.call
      name = call.name
      plain = true
    } else {
      // The full path's columns end at the last `|` before any `/*`: the call must have none.
      if let pipe = body.firstIndex(of: UInt8(ascii: "|")) {
        guard let comment = body.firstIndex(of: "/*"), comment < pipe else { return nil }
      }
      guard let called = Self.call(body, &g) else { return nil }
      name = called
    }
    if !taskColumn.pending.isEmpty {
      if g.hasProc {
        g.comm = symbols.intern(comm, hint: lastComm)
        lastComm = g.comm
      }
      taskColumn.remember(&g)
    }
    if !name.isEmpty {
      g.function = symbols.intern(name)
      if plain { callTails.remember(body, g.call, name: name, g.function) }
    } else {
      g.function = kept
    }
    return g
  }

  /// Reads column `kind`, bytes `start ..< end` of `line`, into `g` (and the comm of a task into
  /// `comm`); false when it does not hold that kind.
  @inline(__always) private mutating func column(
    _ kind: GraphColumnLayout.Column, of line: ByteSpan, _ start: Int, _ end: Int, _ g: inout GraphLine,
    _ comm: inout ByteSpan
  ) -> Bool {
    let column = ByteSpan(base: line.base! + start, count: end - start)
    switch kind {
    case .absoluteTime:
      guard
        let ts = Self.printedTime(column, &timeHead)
          ?? Self.absoluteTime(column, room: ByteSpan(base: column.base, count: line.count - start))
      else { return false }
      g.timestamp = ts
    case .cpuAndProc:
      if taskColumn.holds(column) {
        taskColumn.apply(to: &g)
      } else {
        guard let cpu = Self.cpuAndProc(column) else { return false }
        g.cpu = cpu.cpu
        if let proc = cpu.proc {
          g.hasProc = true
          g.tid = proc.pid
          comm = proc.comm
        }
        taskColumn.pending = column
      }
    case .proc:
      guard !g.hasProc else { return false }
      if taskColumn.holds(column) {
        taskColumn.apply(to: &g)
      } else {
        guard let proc = Self.procOnly(column) else { return false }
        g.hasProc = true
        g.tid = proc.pid
        comm = proc.comm
        taskColumn.pending = column
      }
    case .duration:
      let room = ByteSpan(base: column.base, count: line.count - start)
      guard let d = Self.printedDuration(column, room: room) ?? Self.duration(column, room: room) else { return false }
      g.duration = d
    }
    return true
  }

  /// Learns the columns of `line` (the full path's split: pipes up to the last one before any `/*`).
  private static func learn(_ line: ByteSpan) -> GraphColumnLayout? {
    let limit = line.firstIndex(of: "/*") ?? line.count
    guard let lastPipe = line.lastIndex(of: UInt8(ascii: "|"), before: limit) else { return nil }
    var layout = GraphColumnLayout()
    var start = 0
    var taskColumns = 0
    while start <= lastPipe {
      let end = line.firstIndex(of: UInt8(ascii: "|"), from: start) ?? lastPipe
      let column = line.slice(start, end)
      let kind: GraphColumnLayout.Column
      if start == 0, absoluteTime(column, room: column) != nil {
        kind = .absoluteTime
      } else if cpuAndProc(column) != nil {
        kind = .cpuAndProc
      } else if end == lastPipe, duration(column, room: column) != nil {
        kind = .duration
      } else if procOnly(column) != nil {
        kind = .proc
      } else {
        return nil
      }
      // One task column: with two, the full path would intern the first comm too.
      if kind == .cpuAndProc || kind == .proc { taskColumns += 1 }
      guard taskColumns <= 1, layout.append(kind, endingAt: end) else { return nil }
      start = end + 1
    }
    return layout
  }

  /// `  194.275320 `: seconds with a fraction (ns), alone in the column. `room` is the line from the
  /// column on: the number is read there (eight bytes at a time may look past the column's end; a
  /// pipe or blank ends the number all the same).
  @inline(__always) private static func absoluteTime(_ c: ByteSpan, room: ByteSpan) -> Int64? {
    let a = c.skipSpaces(from: 0)
    guard let v = room.parseFixedPoint(from: a, scaleDigits: 9), v.end <= c.count, c.skipSpaces(from: v.end) == c.count
    else { return nil }
    return v.value
  }

  /// `   1)     sh-84      ` or `   1) `: the CPU and, when printed, the task.
  @inline(__always) private static func cpuAndProc(_ c: ByteSpan) -> (cpu: Int32, proc: (comm: ByteSpan, pid: Int32)?)?
  {
    guard let n = c.parseUnsigned(from: c.skipSpaces(from: 0)), n.end < c.count, c[n.end] == UInt8(ascii: ")")
    else { return nil }
    let cpu = Int32(truncatingIfNeeded: n.value)
    let rest = c.suffix(from: n.end + 1).trimmed()
    if rest.isEmpty { return (cpu, nil) }
    guard let proc = task(rest) else { return nil }
    return (cpu, proc)
  }

  /// `    sh-84      ` without a CPU before it: a task that the full path reads as the proc column
  /// (not a CPU field, and no ` us` in it).
  @inline(__always) private static func procOnly(_ c: ByteSpan) -> (comm: ByteSpan, pid: Int32)? {
    let t = c.trimmed()
    if let n = t.parseUnsigned(from: 0), n.end < t.count, t[n.end] == UInt8(ascii: ")") { return nil }
    guard t.firstIndex(of: " us") == nil else { return nil }
    return task(t)
  }

  /// `comm-pid` (split at the last `-`, as ``ByteSpan/splitTaskID(at:)`` does) whose comm holds
  /// nothing that would make the full path split the line otherwise (`|` ends a column, `/*` starts
  /// a comment, `[` before the first pipe reads as an event line). One pass over the bytes.
  @inline(__always) private static func task(_ t: ByteSpan) -> (comm: ByteSpan, pid: Int32)? {
    guard let p = t.base else { return nil }
    var dash = -1
    var i = 0
    while i < t.count {
      let b = p[i]
      if b == UInt8(ascii: "-") {
        dash = i
      } else if b == UInt8(ascii: "|") || b == UInt8(ascii: "[") {
        return nil
      } else if b == UInt8(ascii: "/"), i + 1 < t.count, p[i + 1] == UInt8(ascii: "*") {
        return nil
      }
      i += 1
    }
    guard dash >= 0, let pid = t.suffix(from: dash + 1).asUnsigned() else { return nil }
    return (t.slice(0, dash), Int32(truncatingIfNeeded: pid))
  }

  /// The duration column in the one form the full path reads only as a duration: blank (-1), or
  /// `[mark] N.NNN us` with nothing after the unit. `room` is the line from the column on (see
  /// absoluteTime). Read in place: the bounds the full path trims to are where the blanks start.
  @inline(__always) private static func duration(_ c: ByteSpan, room: ByteSpan) -> Int64? {
    let n = c.count
    var i = c.skipSpaces(from: 0)
    if i == n { return -1 }
    switch c[i] {
    case UInt8(ascii: "+"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "*"), UInt8(ascii: "@"),
      UInt8(ascii: "$"):
      i = c.skipSpaces(from: i + 1)
    default: break
    }
    // A number ends at a blank or at the column's pipe, inside `c` all the same.
    guard let v = room.parseFixedPoint(from: i, scaleDigits: 3), v.end <= n else { return nil }
    let unit = c.skipSpaces(from: v.end)
    guard unit + 2 <= n, c[unit] == UInt8(ascii: "u"), c[unit + 1] == UInt8(ascii: "s"),
      c.skipSpaces(from: unit + 2) == n
    else { return nil }
    return v.value
  }

  /// Sets the call of `g` from the body; returns the function name (empty for a bare `}`), or nil
  /// when the body is not a call.
  @inline(__always) private static func call(_ body: ByteSpan, _ g: inout GraphLine) -> ByteSpan? {
    switch GraphBody.parse(body) {
    case .entry(let name):
      g.call = .entry
      return name
    case .leaf(let name):
      g.call = .leaf
      return name
    case .exit(let name):
      g.call = .exit
      return name ?? .empty
    case .comment, .empty, .unrecognised:
      return nil
    }
  }

  // MARK: - trace-cmd events

  /// `  sh-84  [001]  19.316857: funcgraph_entry:   ! 599.009 us |  mutex_unlock();`
  private mutating func event(_ line: ByteSpan) -> GraphLine? {
    let head: EventLine.Head
    var comm = Symbol.none
    var fresh = false
    if let cached = eventHead.head(of: line) {
      head = cached.head
      comm = cached.comm
    } else {
      // The full path takes an event line only when its `[cpu]` comes before any `|`.
      guard let h = EventLine.Head.read(line), line.slice(0, h.open).firstIndex(of: UInt8(ascii: "|")) == nil
      else { return nil }
      head = h
      fresh = true
    }
    guard let ev = EventLine.split(line, after: head), ev.kind == .event,
      ev.name.equals("funcgraph_entry") || ev.name.equals("funcgraph_exit"),
      let pipe = ev.payload.firstIndex(of: UInt8(ascii: "|"))
    else { return nil }
    var g = GraphLine(call: .entry, isEventLine: true)
    guard let name = Self.call(ev.payload.suffix(from: pipe + 1), &g) else { return nil }
    if case .nanoseconds(let ns) = GraphDuration.parse(ev.payload.slice(0, pipe)) { g.duration = ns }
    g.hasProc = true
    g.cpu = head.cpu
    g.tid = head.pid
    g.tgid = head.tgid
    g.timestamp = ev.timestamp ?? -1
    if fresh {
      comm = symbols.intern(head.comm, hint: lastComm)
      eventHead.remember(line.slice(0, head.end), head, comm: comm)
    }
    g.comm = comm
    lastComm = comm
    if !name.isEmpty { g.function = symbols.intern(name) }
    return g
  }
}

/// The task columns (`  sh-84  [001]`) of the last event line, its bytes and what they said:
/// consecutive lines of one task repeat them byte for byte.
struct EventHeadCache {
  /// Heads longer than this are not kept.
  static let capacity = 64
  private var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
  private var length = -1
  private var head = EventLine.Head(comm: .empty, pid: -1, tgid: -1, cpu: -1, open: 0, end: 0)
  private var comm = Symbol.none

  /// The remembered head when `line` starts with its bytes.
  @inline(__always) mutating func head(of line: ByteSpan) -> (head: EventLine.Head, comm: Symbol)? {
    guard length > 0, line.count >= length, let p = line.base else { return nil }
    let same = withUnsafeBytes(of: &bytes) { memcmp($0.baseAddress!, p, length) == 0 }
    return same ? (head, comm) : nil
  }

  /// Remembers `prefix` (the line up to its `]`) and what it said.
  mutating func remember(_ prefix: ByteSpan, _ h: EventLine.Head, comm: Symbol) {
    let n = prefix.count
    guard n <= Self.capacity, let p = prefix.base else {
      length = -1
      return
    }
    withUnsafeMutableBytes(of: &bytes) { _ = memcpy($0.baseAddress!, p, n) }
    length = n
    head = h
    head.comm = .empty  // it pointed into that line
    self.comm = comm
  }
}

/// The last task column read (`   1)     sh-84      `), its bytes and what they said.
struct TaskColumnCache {
  /// Columns longer than this are not kept.
  static let capacity = 48
  private var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
  private var length = -1
  private var cpu: Int32 = -1
  private var hasProc = false
  private var tid: Int32 = -1
  private var comm = Symbol.none
  /// The column of the line being read, to be remembered once the line is accepted.
  var pending = ByteSpan.empty

  /// True when `column` is byte for byte the column remembered last.
  @inline(__always) mutating func holds(_ column: ByteSpan) -> Bool {
    guard column.count == length, let p = column.base else { return false }
    let n = length
    guard n >= 8 else { return withUnsafeBytes(of: &bytes) { memcmp($0.baseAddress!, p, n) == 0 } }
    // Word by word, the last word overlapping the one before (columns are 20-odd bytes).
    let line = UnsafeRawPointer(p)
    return withUnsafeBytes(of: &bytes) { kept in
      var k = 0
      while k + 8 < n {
        if line.loadUnaligned(fromByteOffset: k, as: UInt64.self)
          != kept.loadUnaligned(fromByteOffset: k, as: UInt64.self)
        {
          return false
        }
        k += 8
      }
      return line.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        == kept.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
  }

  /// Sets the task fields of `g` from the remembered column.
  @inline(__always) func apply(to g: inout GraphLine) {
    g.cpu = cpu
    g.hasProc = hasProc
    g.tid = tid
    g.comm = comm
  }

  /// Remembers `pending` with the fields read from it into `g`.
  mutating func remember(_ g: inout GraphLine) {
    let n = pending.count
    guard n <= Self.capacity, let p = pending.base else {
      length = -1
      return
    }
    withUnsafeMutableBytes(of: &bytes) { _ = memcpy($0.baseAddress!, p, n) }
    length = n
    cpu = g.cpu
    hasProc = g.hasProc
    tid = g.tid
    comm = g.comm
  }
}
