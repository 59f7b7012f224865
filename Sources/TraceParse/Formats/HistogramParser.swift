/// Reads the text of tracefs `hist` files (hist triggers, kernel/trace/trace_events_hist.c
/// `hist_trigger_show`), one or several concatenated (as `capture --method hist` saves a reading
/// of each histogram at every interval, and as users paste them):
///
/// ```
/// # event histogram
/// #
/// # trigger info: hist:keys=common_pid.execname:vals=hitcount:sort=hitcount:size=2048 [active]
/// #
///
/// { common_pid: iou-wrk-66       [        67] } hitcount:     812345
///
/// Totals:
///     Hits: 812345
///     Entries: 1
///     Dropped: 0
/// ```
///
/// Keys are `name: value` pairs separated by `, `: plain numbers (`%10llu`), `.hex` numbers, and
/// `.execname` (comm padded to 16 bytes, then `[pid]`). A histogram keyed by one pid field counts
/// hits per thread; one keyed by `prev_pid` and `prev_state` (sched_switch) counts switch-outs per
/// thread and state. Each histogram becomes one ``TraceRecord/histogram(_:_:)`` when the next one
/// begins or the file ends. The capture writes `# iou-analyze hist: event=S/E probe=FN
/// uptime=SECONDS` before each reading: the event, the function its kprobe probes, and when it was
/// read (seconds since boot, the clock of stacks.txt), which become the record's timestamp.
public struct HistogramParser: LineParser {
  /// Entries kept per histogram: the kernel's tracing map holds at most 2^17 (`size=`).
  public static let maxEntries = 1 << 17

  private let symbols: SymbolTable
  private var current: Histogram?
  private var timestamp: Int64?
  private var pendingEvent: Symbol = .none
  private var pendingProbe: Symbol = .none
  private var pendingTimestamp: Int64?
  private var inTotals = false
  private var droppedEntries = 0

  public private(set) var recognisedLines = 0
  public private(set) var unrecognisedLines = 0
  /// True when a `# cut:` comment says the file is a window of a longer output.
  public private(set) var isCutWindow = false

  /// A parser interning names into `symbols`.
  public init(symbols: SymbolTable) { self.symbols = symbols }

  public mutating func parse<S: TraceRecordSink>(
    _ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog
  ) {
    let t = line.trimmed()
    if t.isEmpty {
      recognisedLines += 1
      return
    }
    if t.matches("#") {
      recognisedLines += 1
      if t.matches("# event histogram") {
        flush(into: &sink, log: &log)
        begin(number)
      } else if t.matches("# trigger info:") {
        if current == nil { begin(number) }
        if let keys = t.firstIndex(of: "keys=") { current!.kind = Self.kind(ofKeys: t.suffix(from: keys + 5)) }
        current!.lastLine = number
      } else if t.matches("# iou-analyze hist:") {
        readMarker(t)
      } else if t.matches("# cut:") {
        isCutWindow = true
      }
      return
    }
    if t.matches("{ ") {
      entry(t, number, &log)
      return
    }
    if t.equals("Totals:") {
      inTotals = true
      current?.lastLine = number
      recognisedLines += 1
      return
    }
    if inTotals, current != nil, let total = Self.total(t) {
      switch total.name {
      case .hits: current!.totalHits = total.value
      case .dropped: current!.dropped = total.value
      case .entries: break
      }
      current!.lastLine = number
      recognisedLines += 1
      return
    }
    if let c = current, c.kind == .other {
      // Histograms of other keys may print stack traces, onmax() values, snapshot notes: not used.
      recognisedLines += 1
      return
    }
    unrecognisedLines += 1
    log.add(.warning, .unparsedLine, line: number, "not a line of a tracefs hist file: \(line.quotedPreview())")
  }

  public mutating func finish<S: TraceRecordSink>(into sink: inout S, log: inout DiagnosticLog) {
    flush(into: &sink, log: &log)
  }

  private mutating func begin(_ number: Int) {
    var h = Histogram(kind: .other, firstLine: number)
    h.event = pendingEvent
    h.probedFunction = pendingProbe
    current = h
    timestamp = pendingTimestamp
    pendingEvent = .none
    pendingProbe = .none
    pendingTimestamp = nil
    inTotals = false
    droppedEntries = 0
  }

  private mutating func flush<S: TraceRecordSink>(into sink: inout S, log: inout DiagnosticLog) {
    guard let h = current else { return }
    current = nil
    if droppedEntries > 0 {
      log.add(
        .warning, .skippedEvent, line: h.firstLine,
        "histogram has more than \(Self.maxEntries) entries; \(droppedEntries) were not read")
    }
    var ctx = RecordContext(line: h.firstLine)
    ctx.timestamp = timestamp
    sink.receive(.histogram(ctx, h))
  }

  /// `# iou-analyze hist: event=iou_analyze/retry_7 probe=handle_userfault uptime=12.345678`.
  private mutating func readMarker(_ t: ByteSpan) {
    var i = 19
    while let tok = t.nextToken(from: i) {
      let word = t.slice(tok.start, tok.end)
      if word.matches("event=") {
        pendingEvent = symbols.intern(word.suffix(from: 6))
      } else if word.matches("probe=") {
        pendingProbe = symbols.intern(word.suffix(from: 6))
      } else if word.matches("uptime="), let v = word.parseDecimal(from: 7, scaleDigits: 9), v.end == word.count {
        pendingTimestamp = v.value
      }
      i = tok.end
    }
  }

  /// `{ common_pid: comm [ 67] } hitcount: 12` or `{ prev_pid: 67, prev_state: 1 } hitcount: 3`.
  private mutating func entry(_ t: ByteSpan, _ number: Int, _ log: inout DiagnosticLog) {
    guard let key = Self.parseKeys(t) else {
      unrecognisedLines += 1
      log.add(
        .warning, .malformedEvent, line: number, "histogram entry without keys and a hitcount: \(t.quotedPreview())")
      return
    }
    if current == nil { begin(number) }
    if current!.kind == .other && current!.entries.isEmpty && current!.firstLine == number {
      // No header (a pasted excerpt): the first entry's keys say what it counts.
      current!.kind = key.kind
    }
    recognisedLines += 1
    current!.lastLine = number
    guard current!.kind != .other, key.kind == current!.kind, let tid = key.tid else { return }
    guard current!.entries.count < Self.maxEntries else {
      droppedEntries += 1
      return
    }
    let comm = key.comm.isEmpty ? Symbol.none : symbols.intern(key.comm)
    current!.entries.append(HistogramEntry(tid: tid, comm: comm, state: key.state, hits: key.hits))
  }

  struct Key {
    var kind: HistogramKind
    var tid: Int32?
    var comm: ByteSpan
    var state: TaskState?
    var hits: Int64
  }

  /// The keys and hitcount of one entry line, or nil when it is not one.
  static func parseKeys(_ t: ByteSpan) -> Key? {
    var i = 2
    var pidKeys = 0
    var sawState = false
    var otherKeys = 0
    var key = Key(kind: .other, tid: nil, comm: .empty, state: nil, hits: 0)
    while true {
      i = t.skipSpaces(from: i)
      guard let colon = t.firstIndex(of: ": ", from: i) else { return nil }
      let name = t.slice(i, colon)
      let v = colon + 2
      var end: Int
      var value: Int64?
      if v + 16 < t.count, t[v + 16] == UInt8(ascii: "["), let close = t.firstIndex(of: UInt8(ascii: "]"), from: v + 16)
      {
        // `.execname`: the comm padded to 16 bytes, then `[pid]`.
        key.comm = t.slice(v, v + 16).trimmed()
        value = t.slice(v + 17, close).trimmed().asUnsigned()
        end = close + 1
      } else {
        let s = t.skipSpaces(from: v)
        if let n = t.parseUnsigned(from: s), n.end == t.count || t[n.end] == 0x20 || t[n.end] == 0x2C {
          value = n.value
          end = n.end
        } else if let h = t.parseHex(from: s), h.value <= UInt64(Int64.max) {
          value = Int64(h.value)
          end = h.end
        } else {
          // Strings, symbols and other values this reader does not use: skip to the next key.
          end = t.firstIndex(of: ", ", from: s) ?? t.firstIndex(of: " }", from: s) ?? t.count
        }
      }
      if name.equals("common_pid") || name.equals("pid") || name.equals("prev_pid") {
        pidKeys += 1
        if let value, value <= Int64(Int32.max) { key.tid = Int32(value) }
      } else if name.equals("prev_state") {
        sawState = true
        if let value { key.state = taskState(value) }
      } else {
        otherKeys += 1
      }
      if t.matches(", ", at: end) {
        i = end + 2
        continue
      }
      let brace = t.skipSpaces(from: end)
      guard t.matches("}", at: brace), let hc = t.firstIndex(of: "hitcount:", from: brace) else { return nil }
      guard let hits = t.parseUnsigned(from: t.skipSpaces(from: hc + 9)) else { return nil }
      key.hits = hits.value
      break
    }
    if pidKeys == 1, otherKeys == 0 { key.kind = sawState ? .switchOutsPerThread : .hitsPerThread }
    return key
  }

  /// What a histogram with these keys (`common_pid.execname:vals=...`, `prev_pid,prev_state:...`) counts.
  static func kind(ofKeys s: ByteSpan) -> HistogramKind {
    let end = s.firstIndex(of: UInt8(ascii: ":")) ?? s.firstIndex(of: UInt8(ascii: " ")) ?? s.count
    var pid = 0
    var state = false
    var other = 0
    var i = 0
    while i < end {
      let comma = s.firstIndex(of: UInt8(ascii: ","), from: i).map { min($0, end) } ?? end
      var k = s.slice(i, comma)
      if let dot = k.firstIndex(of: UInt8(ascii: ".")) { k = k.slice(0, dot) }
      if k.equals("common_pid") || k.equals("pid") || k.equals("prev_pid") {
        pid += 1
      } else if k.equals("prev_state") {
        state = true
      } else {
        other += 1
      }
      i = comma + 1
    }
    guard pid == 1, other == 0 else { return .other }
    return state ? .switchOutsPerThread : .hitsPerThread
  }

  /// sched_switch's `prev_state` as a number: one bit of TASK_REPORT (S 1, D 2, T 4, t 8, X 16,
  /// Z 32, P 64, I 128), 0 for a runnable task, with TASK_REPORT_MAX (256) for a preemption (`R+`).
  static func taskState(_ v: Int64) -> TaskState {
    switch v & 0xFF {
    case 0: .running
    case 1: .sleeping
    case 2: .uninterruptible
    case 4, 8: .stopped
    case 16, 32: .dead
    case 128: .idle
    default: .other
    }
  }

  enum TotalName { case hits, entries, dropped }

  /// `Hits: 812345`, `Entries: 1`, `Dropped: 0`.
  static func total(_ t: ByteSpan) -> (name: TotalName, value: Int64)? {
    let name: TotalName
    let at: Int
    if t.matches("Hits:") {
      (name, at) = (.hits, 5)
    } else if t.matches("Entries:") {
      (name, at) = (.entries, 8)
    } else if t.matches("Dropped:") {
      (name, at) = (.dropped, 8)
    } else {
      return nil
    }
    guard let v = t.parseUnsigned(from: t.skipSpaces(from: at)), v.end == t.count else { return nil }
    return (name, v.value)
  }
}
