/// Reads `perf script` text (tools/perf/builtin-script.c, perf_sample__fprintf_start and
/// sample__fprintf_callchain):
///
/// ```
/// iou-wrk-92    93 [000]    22.126957:    1001001 cpu-clock:
/// \tffffffff8118baf1 handle_userfault+0xf3 ([kernel.kallsyms])
/// \t           80db6 execvp@plt+0x6 (/usr/bin/perf)
///
/// ```
///
/// - header: `comm [pid/]tid [[cpu]] time: [period] event: [tracepoint payload]`; the comm may hold
///   spaces and digits and may be right-aligned (`%16s` when no call chain is printed); the
///   tid (or `pid/tid`) is the last number before the optional `[cpu]` and the `time:` token.
/// - call-chain lines: whitespace, optional hex ip, `sym[+0xoff]` or `[unknown]`, optional `(dso)`
///   (dsos may hold spaces and end in ` (deleted)`; inlined frames print `(inlined)`); a
///   `-F+srcline` source line (`  file.c:123`) may follow each frame and is skipped.
/// - a blank line ends a record; the last record may lack it; a header right after a header
///   (no call chain recorded) ends the previous record too.
/// - `PERF_RECORD_*` lines (`--show-task-events`, `--show-switch-events`, ...) are recognised;
///   `PERF_RECORD_LOST lost N` (`--show-lost-events`) and Intel PT `instruction trace error`
///   lines become ``TraceRecord/lost(_:count:)``.
///
/// Each record becomes ``TraceRecord/sample(_:event:period:stack:)`` with frames innermost first,
/// symbols without their `+0x…` offsets. The period is the header's (ns for cpu-clock/task-clock).
public struct PerfScriptParser: LineParser {
  private let symbols: SymbolTable
  private var open = false
  private var ctx = RecordContext(line: 0)
  private var event = Symbol.none
  private var period: Int64?
  private var frames: [Symbol] = []
  private var lastWasFrame = false
  private let unknown: Symbol
  private var tokens: [(start: Int, end: Int)] = []

  public private(set) var recognisedLines = 0
  public private(set) var unrecognisedLines = 0
  /// True when a `# cut:` comment says the file is a window of a longer output.
  public private(set) var isCutWindow = false

  /// A parser interning names into `symbols`.
  public init(symbols: SymbolTable) {
    self.symbols = symbols
    unknown = symbols.intern("[unknown]")
    frames.reserveCapacity(128)
  }

  public mutating func parse<S: TraceRecordSink>(
    _ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog
  ) {
    let first = line.skipSpaces(from: 0)
    if first == line.count {
      flush(into: &sink)
      recognisedLines += 1
      return
    }
    let c = line[first]
    if first == 0, c == UInt8(ascii: "#") {
      if line.matches("# cut:") { isCutWindow = true }
      recognisedLines += 1
      return
    }
    if first == 2, lastWasFrame, line[0] == 0x20, line[1] == 0x20 {
      // `-F+srcline`: `  file.c:123` or `  libc.so.6[27b25]` after a frame ("\n  %s").
      recognisedLines += 1
      lastWasFrame = false
      return
    }
    // Frames start with a tab (`\t%16llx`) or, without the ip column, one space; a header
    // with a right-aligned comm (`%16s`, no call chain) starts with spaces too: try it first.
    if first > 0, line[0] == 0x20, parseHeader(line, from: first, number: number, into: &sink) {
      recognisedLines += 1
      lastWasFrame = false
      return
    }
    if first > 0, open, parseFrame(line, first: first) {
      recognisedLines += 1
      lastWasFrame = true
      return
    }
    lastWasFrame = false
    if line.matches("instruction trace error", at: first) {
      flush(into: &sink)
      var c = RecordContext(line: number)
      if let cpu = line.firstIndex(of: " cpu ") {
        c.cpu = Int32(truncatingIfNeeded: line.parseSigned(from: cpu + 5)?.value ?? -1)
      }
      sink.receive(.lost(c, count: nil))
      recognisedLines += 1
      return
    }
    if parseHeader(line, from: first, number: number, into: &sink) {
      recognisedLines += 1
      return
    }
    // Frames printed without indentation (old perf, or pasted where leading blanks were lost) are
    // read while a record is open, once the line has proved not to be a header; they need an ip
    // or a `(dso)`, so that other text is still reported.
    if first == 0, open, Self.hasFrameShape(line), parseFrame(line, first: 0) {
      recognisedLines += 1
      lastWasFrame = true
      return
    }
    unrecognisedLines += 1
    if open, first > 0 {
      log.add(
        .warning, .malformedFrame, line: number, "not a call-chain line (`ip sym+off (dso)`): \(line.quotedPreview())"
      )
    } else {
      log.add(
        .warning, .unparsedLine, line: number,
        "not a perf script line (expected `comm tid [cpu] time: period event:` or a call-chain line): \(line.quotedPreview())"
      )
    }
  }

  public mutating func finish<S: TraceRecordSink>(into sink: inout S, log: inout DiagnosticLog) {
    flush(into: &sink)
  }

  private mutating func flush<S: TraceRecordSink>(into sink: inout S) {
    guard open else { return }
    open = false
    sink.receive(.sample(ctx, event: event, period: period, stack: StackFrames(frames: frames)))
    frames.removeAll(keepingCapacity: true)
  }

  // MARK: - call-chain lines

  /// `[ip] sym[+off] [(dso)] [(inlined)]`; returns false when the line has no symbol part.
  private mutating func parseFrame(_ line: ByteSpan, first: Int) -> Bool {
    var t = line.suffix(from: first).trimmed()
    // The dso: the last balanced `( … )` group at the end.
    if t.count > 0, t[t.count - 1] == UInt8(ascii: ")") {
      var depth = 0
      var i = t.count - 1
      var openAt: Int?
      while i >= 0 {
        let b = t[i]
        if b == UInt8(ascii: ")") { depth += 1 }
        if b == UInt8(ascii: "(") {
          depth -= 1
          if depth == 0 {
            openAt = i
            break
          }
        }
        i -= 1
      }
      if let o = openAt, o > 0, t[o - 1] == 0x20 {
        t = t.slice(0, o).trimmed()
      } else if openAt == 0 {
        return false  // `(dso)` alone: not a frame
      }
    }
    guard t.count > 0 else { return false }
    // Optional hex ip before the symbol.
    if let tok = t.nextToken(from: 0) {
      let head = t.slice(tok.start, tok.end)
      if tok.end < t.count, head.isHexDigits {
        t = t.suffix(from: tok.end).trimmed()
      } else if tok.end == t.count, head.isHexDigits, head.count >= 4 {
        // `-F ip` only: an address with no symbol.
        frames.append(unknown)
        return true
      }
    }
    guard t.count > 0 else { return false }
    let sym = StackFrameText.stripOffset(t)
    frames.append(sym.isEmpty ? unknown : symbols.intern(sym))
    return true
  }

  // MARK: - header lines

  /// For headers without a time column: the index of the last token before the period/event
  /// (the tid or `[cpu]`) and the offset where the period/event part starts.
  private static func untimedEvent(_ line: ByteSpan, _ tokens: [(start: Int, end: Int)]) -> (Int, Int)? {
    guard tokens.count >= 3 else { return nil }
    for i in 2..<tokens.count {
      let t = line.slice(tokens[i].start, tokens[i].end)
      guard t.count >= 2, t[t.count - 1] == UInt8(ascii: ":") else { continue }
      // tokens[i-1] may be a period: then the tid/cpu is before it.
      // tokens[i-1] may be a period (`%10lu `): then the tid or `[cpu]` is before it.
      var j = i - 1
      if line.slice(tokens[j].start, tokens[j].end).asUnsigned() != nil, j >= 2,
        isTidOrCPU(line.slice(tokens[j - 1].start, tokens[j - 1].end))
      {
        j -= 1
      }
      guard isTidOrCPU(line.slice(tokens[j].start, tokens[j].end)), j >= 1 else { return nil }
      return (j, tokens[j].end)
    }
    return nil
  }

  /// `93`, `91/93` or `[000]`: the columns perf prints before the period and the event.
  private static func isTidOrCPU(_ id: ByteSpan) -> Bool {
    if id.count >= 3, id[0] == UInt8(ascii: "["), id[id.count - 1] == UInt8(ascii: "]") {
      return id.slice(1, id.count - 1).asUnsigned() != nil
    }
    if let slash = id.firstIndex(of: UInt8(ascii: "/")) {
      return id.slice(0, slash).asUnsigned() != nil && id.suffix(from: slash + 1).asUnsigned() != nil
    }
    return id.asUnsigned() != nil
  }

  /// `ffffffff8118baf1 handle_userfault+0xf3 ([kernel.kallsyms])`, `80db6 execvp@plt+0x6 (/usr/bin/perf)`,
  /// `ffffffff8118baf1 handle_userfault+0xf3`: an ip followed by a symbol, or a symbol and a `(dso)`.
  static func hasFrameShape(_ t: ByteSpan) -> Bool {
    guard let tok = t.nextToken(from: 0), tok.end < t.count else { return false }
    if t.slice(tok.start, tok.end).isHexDigits { return true }
    return t.trimmed().hasSuffix(")") && t.firstIndex(of: " (") != nil
  }

  /// True when `t` (a trimmed line) is a sample header without a time column that ends with its
  /// event (`java   19983 cycles:`, `iou-wrk-92      93 [000]    1001001 cpu-clock:`), as
  /// `perf script -F` without `time` prints it before a call chain. For the format sniffer: the
  /// event must be the last token and name something, which register dumps (`RDX: 0 RSI: 80`)
  /// and lockdep lines (`1 lock held by iou-wrk-9507/9508:`) are not.
  static func looksLikeUntimedHeader(_ t: ByteSpan) -> Bool {
    guard t.count >= 5, t[t.count - 1] == UInt8(ascii: ":"), t[0] != UInt8(ascii: "#") else { return false }
    var tokens: [(start: Int, end: Int)] = []
    var pos = 0
    while let tok = t.nextToken(from: pos), tokens.count <= 64 {
      tokens.append(tok)
      pos = tok.end
    }
    guard tokens.count >= 3, let (id, _) = untimedEvent(t, tokens) else { return false }
    // After the tid or `[cpu]`: at most a period, then the event as the last token.
    let last = tokens[tokens.count - 1]
    guard last.start < t.count - 1, tokens.count - 1 - id <= 2 else { return false }
    if tokens.count - 1 - id == 2, t.slice(tokens[id + 1].start, tokens[id + 1].end).asUnsigned() == nil {
      return false
    }
    let event = t.slice(last.start, t.count - 1)
    for i in 0..<event.count where (event[i] | 0x20) >= 0x61 && (event[i] | 0x20) <= 0x7A { return true }
    return false
  }

  private mutating func parseHeader<S: TraceRecordSink>(
    _ line: ByteSpan, from first: Int, number: Int, into sink: inout S
  ) -> Bool {
    // Find the `time:` token: digits, a dot, digits, a colon.
    var pos = first
    var timeTok: (start: Int, end: Int)?
    var prevTokens = tokens  // reused storage: no allocation per header
    tokens = []
    defer { tokens = prevTokens }
    prevTokens.removeAll(keepingCapacity: true)
    while let tok = line.nextToken(from: pos) {
      let s = line.slice(tok.start, tok.end)
      if s.count >= 4, s[s.count - 1] == UInt8(ascii: ":"), let v = s.parseDecimal(from: 0, scaleDigits: 9),
        v.end == s.count - 1, s.firstIndex(of: UInt8(ascii: ".")) != nil, !prevTokens.isEmpty
      {
        timeTok = tok
        break
      }
      prevTokens.append(tok)
      pos = tok.end
      if prevTokens.count > 64 { return false }
    }
    let timestamp: Int64?
    var k: Int
    let afterTime: Int
    if let timeTok {
      timestamp = line.slice(timeTok.start, timeTok.end).parseDecimal(from: 0, scaleDigits: 9)!.value
      k = prevTokens.count - 1
      afterTime = timeTok.end
    } else {
      // `-F` without `time`: `comm tid [cpu] [period] event:`: the event is the first token ending
      // in `:` after a tid (or `[cpu]`) token.
      guard let (idx, tok) = Self.untimedEvent(line, prevTokens) else { return false }
      timestamp = nil
      k = idx
      afterTime = tok
    }
    guard k >= 0 else { return false }
    var cpu: Int32 = -1
    let last = line.slice(prevTokens[k].start, prevTokens[k].end)
    if last.count >= 3, last[0] == UInt8(ascii: "["), last[last.count - 1] == UInt8(ascii: "]"),
      let n = last.slice(1, last.count - 1).asUnsigned()
    {
      cpu = Int32(truncatingIfNeeded: n)
      k -= 1
    }
    guard k >= 1 else { return false }  // need a comm and a tid
    let idTok = line.slice(prevTokens[k].start, prevTokens[k].end)
    var tid: Int64
    var pid: Int64 = -1
    if let slash = idTok.firstIndex(of: UInt8(ascii: "/")) {
      guard let p = idTok.slice(0, slash).asUnsigned(), let t = idTok.suffix(from: slash + 1).asUnsigned() else {
        return false
      }
      pid = p
      tid = t
    } else {
      guard let t = idTok.asUnsigned() else { return false }
      tid = t
    }
    let comm = line.slice(prevTokens[0].start, prevTokens[k - 1].end)

    // After `time:`: optional period, the event name ending in `:`, optional payload.
    var rest = line.suffix(from: afterTime).trimmed()
    var period: Int64?
    if let tok = rest.nextToken(from: 0), tok.end < rest.count,
      let n = rest.slice(tok.start, tok.end).asUnsigned()
    {
      period = n
      rest = rest.suffix(from: tok.end).trimmed()
    }
    flush(into: &sink)
    var c = RecordContext(line: number)
    c.cpu = cpu
    c.tid = Int32(truncatingIfNeeded: tid)
    c.tgid = Int32(truncatingIfNeeded: pid)
    c.comm = symbols.intern(comm)
    c.timestamp = timestamp
    if rest.matches("PERF_RECORD_") {
      if rest.matches("PERF_RECORD_LOST") {
        var count: Int64?
        if let l = rest.firstIndex(of: "lost ") { count = rest.parseUnsigned(from: l + 5)?.value }
        sink.receive(.lost(c, count: count))
      }
      return true
    }
    // Event name: up to the first `:` that ends the token (`cpu-clock:`, `sched:sched_switch:`).
    var nameEnd: Int?
    var i = 0
    while i < rest.count {
      if rest[i] == UInt8(ascii: ":"), i + 1 == rest.count || rest[i + 1] == 0x20 || rest[i + 1] == 0x09 {
        nameEnd = i
        break
      }
      if rest[i] == 0x20 { break }
      i += 1
    }
    let name: ByteSpan
    if rest.isEmpty, timestamp != nil {
      name = rest  // `-F` without `event`: the header ends after the time (and the period)
    } else {
      guard let nameEnd, nameEnd > 0 else { return false }
      name = rest.slice(0, nameEnd)
    }
    ctx = c
    event = symbols.intern(name)
    self.period = period
    open = true
    return true
  }
}
