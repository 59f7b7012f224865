/// Reads a mail or bug comment that mixes prose with pasted stacks, also when its line breaks
/// were lost (the seed report is one long line). The text is split into sections:
///
/// - `[<0>] fn+0x../0x..` frames (a `/proc/PID/stack` dump), found token by token wherever they
///   are, consecutive frames forming one stack → ``TraceRecord/stackSnapshot(_:source:state:stack:)``
///   with source `.procStack`; its state is D when the prose just before it says so (`UN state`,
///   `D state`, `state D`, `state:D`, `uninterruptible`), unknown otherwise;
/// - perf report/top frame lines `comm [kernel.kallsyms] [k] sym` (`[.]` for user frames), root
///   first, consecutive frames of the same comm forming one stack → one `.perfReport` snapshot of
///   that comm, innermost first (one sample: weak evidence, the analysis says so);
/// - whole lines that are kernel log reports (hung task, sysrq, lockups) or `perf script` records
///   go to ``KernelLogParser`` / ``PerfScriptParser``.
///
/// The prose's statement of CPU use (`CPU usage 100%`, `100% CPU`) is passed on as a
/// ``TraceRecord/claim(_:_:)`` of each perf-report task, so that the analysis can cite it as what it
/// is: a claim of the reporter, not a measurement.
/// Tasks the text names no pid for get ``PseudoTid`` ids, one per stack.
public struct PastedReportParser: LineParser {
  private let symbols: SymbolTable
  private var kernel: KernelLogParser
  private var perf: PerfScriptParser
  private var records: [TraceRecord] = []
  private var proseTail: [UInt8] = []
  private var procFrames: [Symbol] = []
  private var procLine = 0
  private var procState: TaskState?
  private var perfComm: [UInt8] = []
  private var perfFrames: [Symbol] = []
  private var perfLine = 0
  private var statedCPU: Int64?
  private var nextPseudo = PseudoTid.base
  private var inPerfRecord = false
  private var inKernelReport = false

  public private(set) var recognisedLines = 0
  public private(set) var unrecognisedLines = 0
  /// True when a `# cut:` comment says the file is a window of a longer output.
  public var isCutWindow: Bool { kernel.isCutWindow || perf.isCutWindow }

  /// A parser interning names into `symbols`.
  public init(symbols: SymbolTable) {
    self.symbols = symbols
    kernel = KernelLogParser(symbols: symbols)
    perf = PerfScriptParser(symbols: symbols)
  }

  public mutating func parse<S: TraceRecordSink>(
    _ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog
  ) {
    let t = line.trimmed()
    if t.isEmpty {
      if inPerfRecord { perf.parse(line, number: number, into: &sink, log: &log) }
      inPerfRecord = false
      recognisedLines += 1
      return
    }
    // Whole-line sections handled by the dedicated parsers.
    let hasFrameTokens =
      t.firstIndex(of: "[<") != nil || t.firstIndex(of: " [k] ") != nil || t.firstIndex(of: " [.] ") != nil
    if !hasFrameTokens {
      if FormatSniffer.looksLikePerfHeader(t)
        || (inPerfRecord && line.count > 0 && (line[0] == 0x09 || line[0] == 0x20))
      {
        endRuns()
        inPerfRecord = true
        perf.parse(line, number: number, into: &sink, log: &log)
        recognisedLines += 1
        return
      }
      let (msg, ts) = KernelLogParser.message(line)
      if ts != nil || inKernelReport && Self.looksLikeKernelReportLine(msg.trimmed())
        || Self.startsKernelReport(msg.trimmed())
      {
        endRuns()
        inKernelReport = true
        kernel.parse(line, number: number, into: &sink, log: &log)
        recognisedLines += 1
        return
      }
      inKernelReport = false
    }
    scanTokens(t, number: number)
    recognisedLines += 1
  }

  public mutating func finish<S: TraceRecordSink>(into sink: inout S, log: inout DiagnosticLog) {
    endRuns()
    perf.finish(into: &sink, log: &log)
    kernel.finish(into: &sink, log: &log)
    for r in records { sink.receive(r) }
    if let cpu = statedCPU {
      for r in records {
        if case .stackSnapshot(let c, .perfReport, _, _) = r {
          sink.receive(.claim(c, .cpuUsage(percent: cpu)))
        }
      }
    }
    records = []
  }

  // MARK: - token scan

  private mutating func scanTokens(_ t: ByteSpan, number: Int) {
    var pos = 0
    while let tok = t.nextToken(from: pos) {
      let s = t.slice(tok.start, tok.end)
      pos = tok.end
      // `[<0>] fn+0x../0x..`
      if s.isAddressBracketToken, let next = t.nextToken(from: pos) {
        let fnTok = t.slice(next.start, next.end)
        if let fn = StackFrameText.kernelFrame(fnTok) ?? (fnTok.count > 0 ? StackFrameText.stripOffset(fnTok) : nil),
          !fn.isEmpty
        {
          endPerfRun()
          if procFrames.isEmpty {
            procLine = number
            procState = Self.stateFromProse(proseTail)
          }
          procFrames.append(symbols.intern(fn))
          pos = next.end
          continue
        }
      }
      // `comm [kernel.kallsyms] [k] sym` (the comm is this token).
      if let dso = t.nextToken(from: pos), let mark = t.nextToken(from: dso.end),
        let sym = t.nextToken(from: mark.end)
      {
        let d = t.slice(dso.start, dso.end)
        let m = t.slice(mark.start, mark.end)
        if m.equals("[k]") || m.equals("[.]") || m.equals("[g]") || m.equals("[u]"),
          d.matches("[") && d.hasSuffix("]") || d.firstIndex(of: UInt8(ascii: "/")) != nil
        {
          endProcRun()
          let comm = Array(UnsafeBufferPointer(start: s.base, count: s.count))
          if !perfFrames.isEmpty, comm != perfComm { endPerfRun() }
          if perfFrames.isEmpty {
            perfComm = comm
            perfLine = number
          }
          perfFrames.append(symbols.intern(StackFrameText.stripOffset(t.slice(sym.start, sym.end))))
          pos = sym.end
          continue
        }
      }
      // Prose.
      endRuns()
      noteProse(s)
    }
  }

  private mutating func noteProse(_ s: ByteSpan) {
    proseTail.append(contentsOf: UnsafeBufferPointer(start: s.base, count: s.count))
    proseTail.append(0x20)
    if proseTail.count > 240 { proseTail.removeFirst(proseTail.count - 240) }
    // `100%`, preceded by `CPU usage` or followed by `CPU`/`of a CPU`.
    if s.count >= 2, s[s.count - 1] == UInt8(ascii: "%") || (s.count >= 3 && s[s.count - 2] == UInt8(ascii: "%")),
      let v = s.parseUnsigned(from: 0)
    {
      let window = String(decoding: proseTail.suffix(48), as: UTF8.self).lowercased()
      if window.contains("cpu") { statedCPU = max(statedCPU ?? 0, v.value) }
    } else if statedCPU == nil, s.count >= 3 {
      let w = String(decoding: UnsafeBufferPointer(start: s.base, count: s.count), as: UTF8.self).lowercased()
      if w.hasPrefix("cpu"), let pct = Self.lastPercent(proseTail.dropLast(s.count + 1)) { statedCPU = pct }
    }
  }

  private static func lastPercent(_ bytes: ArraySlice<UInt8>) -> Int64? {
    let text = String(decoding: bytes.suffix(16), as: UTF8.self)
    guard let p = text.lastIndex(of: "%") else { return nil }
    let digits = text[..<p].reversed().prefix { $0.isNumber }
    return digits.isEmpty ? nil : Int64(String(digits.reversed()))
  }

  private static func stateFromProse(_ tail: [UInt8]) -> TaskState? {
    let text = " " + String(decoding: tail.suffix(160), as: UTF8.self) + " "
    let lower = text.lowercased()
    if text.contains(" UN state") || text.contains(" D state") || text.contains("state D ") || text.contains("state:D")
      || text.contains("(D)") || lower.contains("uninterruptible") || text.contains(" UN ")
    {
      return .uninterruptible
    }
    return nil
  }

  private mutating func endRuns() {
    endProcRun()
    endPerfRun()
  }

  private mutating func endProcRun() {
    guard !procFrames.isEmpty else { return }
    var c = RecordContext(line: procLine)
    c.tid = nextPseudo
    nextPseudo += 1
    records.append(.stackSnapshot(c, source: .procStack, state: procState, stack: StackFrames(frames: procFrames)))
    procFrames = []
  }

  private mutating func endPerfRun() {
    guard !perfFrames.isEmpty else { return }
    var c = RecordContext(line: perfLine)
    c.tid = nextPseudo
    nextPseudo += 1
    c.comm = perfComm.withUnsafeBufferPointer { symbols.intern(ByteSpan(base: $0.baseAddress, count: $0.count)) }
    records.append(
      .stackSnapshot(c, source: .perfReport, state: .running, stack: StackFrames(frames: perfFrames.reversed())))
    perfFrames = []
  }

  private static func startsKernelReport(_ t: ByteSpan) -> Bool {
    (t.matches("INFO: task ") && t.firstIndex(of: " blocked for more than ") != nil)
      || t.matches("NMI backtrace for cpu")
      || t.matches("watchdog: BUG: soft lockup") || (t.matches("task:") && t.firstIndex(of: " state:") != nil)
      || t.equals("Call Trace:")
  }

  private static func looksLikeKernelReportLine(_ t: ByteSpan) -> Bool {
    if t.equals("<TASK>") || t.equals("</TASK>") || t.matches("RIP: ") || t.matches("CPU: ")
      || KernelLogParser.isReportDetail(t)
    {
      return true
    }
    var f = t
    if f.matches("? ") { f = f.suffix(from: 2) }
    let end = f.nextToken(from: 0)?.end ?? f.count
    return StackFrameText.kernelFrame(f.slice(0, end)) != nil
  }
}
