/// Decides a file's format from its first lines, as Perfetto's and inferno's guessers do:
/// each line votes for the formats it could belong to; the format with most votes wins. (trace.dat,
/// a binary file, is recognised by the reader from its magic bytes before any line is sniffed.)
public struct FormatSniffer {
  /// Lines looked at before deciding.
  public static let sampleLines = 200
  /// Most lines held while sniffing, blank ones included: past it the format is decided from what
  /// was seen (or, when all of it was white space, the held lines are dropped and sniffing goes on).
  public static let maxHeldLines = 4096
  /// Most bytes held while sniffing (lines may be up to the reader's line limit each).
  public static let maxHeldBytes = 4 << 20

  private var votes: [TraceFormat: Int] = [:]
  private var linesSeen = 0
  private var binaryLines = 0

  /// An empty sniffer.
  public init() {}

  /// True when no line with anything but white space was seen.
  public var sawNothing: Bool { linesSeen == 0 }

  /// True once enough lines were seen.
  public var isDecided: Bool { linesSeen >= Self.sampleLines }

  /// Looks at one more line.
  public mutating func observe(_ line: ByteSpan) {
    let t = line.trimmed()
    if t.isEmpty { return }
    linesSeen += 1
    if Self.looksBinary(line) {
      binaryLines += 1
      return
    }
    // The vote is read only by its order and by which formats are in it (it is private), so counting
    // from another start or by another step gives the same decision.
    for f in Self.candidates(t, raw: line) { votes[f, default: 0] += 1 }  // mutants: equivalent
  }

  /// The decision: a format, or nil when nothing matched (not a trace).
  public var format: TraceFormat? {
    if binaryLines * 2 > linesSeen { return nil }
    // A pasted report holds stack frames and perf frames together: prefer it when it voted (a
    // format has an entry in the vote only once it voted).
    if votes[.pastedReport] != nil { return .pastedReport }
    // A vote is only ever counted up from 1, so no format has 0 votes: `best.value > 0` only says
    // that some format voted.
    guard
      let best = votes.max(by: Self.ranksBelow),
      best.value > 0  // mutants: equivalent
    else { return nil }
    return best.key
  }

  /// The order of the vote: fewer votes rank below; on a tie, the format whose name sorts later.
  private static func ranksBelow(_ a: (key: TraceFormat, value: Int), _ b: (key: TraceFormat, value: Int)) -> Bool {
    // Two entries of the vote never hold the same format, so the two pairs are never equal: `<`
    // and `<=` read the same.
    (a.value, b.key.rawValue) < (b.value, a.key.rawValue)  // mutants: equivalent
  }

  /// A short account of the votes, for error messages.
  public var explanation: String {
    if linesSeen == 0 { return "the input is empty" }
    if binaryLines * 2 > linesSeen { return "\(binaryLines) of the first \(linesSeen) lines are binary data" }
    return "none of the first \(linesSeen) lines looks like ftrace, perf script, /proc stack or dmesg text"
  }

  /// The formats one line could belong to (none for blank or binary lines): the votes that
  /// ``observe(_:)`` counts, for callers that weigh them themselves.
  public static func formats(of line: ByteSpan) -> [TraceFormat] {
    let t = line.trimmed()
    if t.isEmpty || looksBinary(line) { return [] }
    return candidates(t, raw: line)
  }

  /// True when more than a tenth of the first 256 bytes are control bytes (NUL, or below 0x20 but
  /// tab and escape), or more than two are and the line holds a NUL.
  static func looksBinary(_ line: ByteSpan) -> Bool {
    let n = min(line.count, 256)
    var bad = 0
    var i = 0
    // Eight bytes at a time: text has no byte below 0x20 in most words. The bytes this loop leaves
    // the next one counts, so each byte below n is counted once whether a last whole word is taken
    // here (`<=`) or there (`<`).
    while i + 8 <= n {  // mutants: equivalent
      if ByteWords.hasByte(below: 0x20, in: line.word(at: i)) {
        for j in i..<i + 8 { bad += isControl(line[j]) }
      }
      i += 8
    }
    while i < n {
      bad += isControl(line[i])
      i += 1
    }
    return bad * 10 > n || (bad > 2 && line.firstIndex(of: 0) != nil)
  }

  /// 1 for a control byte that text does not hold, else 0.
  @inline(__always) private static func isControl(_ b: UInt8) -> Int {
    b < 0x20 && b != 0x09 && b != 0x1B ? 1 : 0
  }

  static func candidates(_ t: ByteSpan, raw: ByteSpan) -> [TraceFormat] {
    var out: [TraceFormat] = []
    let hasProcFrame = t.firstIndex(of: "[<") != nil && t.firstIndex(of: ">] ") != nil
    let hasPerfReportFrame = t.firstIndex(of: " [k] ") != nil || t.firstIndex(of: "[kernel.kallsyms] [k]") != nil
    if hasProcFrame && hasPerfReportFrame { return [.pastedReport] }
    if t.matches("# tracer:") { out.append(.ftrace) }
    if t.matches("CPU:") && (t.firstIndex(of: "LOST") != nil || t.firstIndex(of: "DROPPED") != nil) {
      out.append(.ftrace)
    }
    if t.matches("------------") || t.firstIndex(of: "==========>") != nil || t.firstIndex(of: "<==========") != nil {
      out.append(.ftrace)
    }
    if t.matches("version = ") || t.matches("cpus=") { out.append(.ftrace) }
    if raw.matches(" => ") { out.append(.ftrace) }  // a frame of an ftrace `<stack trace>`
    if let n = t.parseUnsigned(from: 0) {
      // ` 0)  func() {` / `  4.86 |   0) ...`
      if n.end < t.count, t[n.end] == UInt8(ascii: ")") { out.append(.ftrace) }
      if t.firstIndex(of: " |  ") != nil && t.firstIndex(of: ") ") != nil { out.append(.ftrace) }
    }
    if EventLine.split(t) != nil && t.firstIndex(of: "]") != nil && t.firstIndex(of: "[") != nil {
      out.append(.ftrace)
    }
    if hasProcFrame || t.matches("stat: ") || t.matches("=== sample") || t.matches("--- tid ") || t.matches("==> ") {
      out.append(.procStack)
    }
    if hasPerfReportFrame { out.append(.pastedReport) }
    if raw.matches("\t"), t.firstIndex(of: " (") != nil, t.hasSuffix(")") { out.append(.perfScript) }
    if Self.looksLikeUnindentedPerfFrame(t) { out.append(.perfScript) }
    if Self.looksLikePerfHeader(t) || PerfScriptParser.looksLikeUntimedHeader(t) { out.append(.perfScript) }
    if Self.looksLikeKernelLog(t) { out.append(.kernelLog) }
    if t.matches("# event histogram") || t.matches("# trigger info: hist:") || t.matches("# iou-analyze hist:")
      || t.matches("{ ") && t.firstIndex(of: "} hitcount:") != nil
    {
      out.append(.hist)
    }
    return out
  }

  /// `comm tid [cpu] 12.345678: 1001001 cpu-clock: ` (perf script sample header).
  static func looksLikePerfHeader(_ t: ByteSpan) -> Bool {
    guard let colon = t.firstIndex(of: ": ") ?? (t.hasSuffix(":") ? t.count - 1 : nil) else { return false }
    // The token before the first ": " must be a decimal timestamp.
    // Any start inside the token before the colon parses to the same end; a line starting with the
    // time has only digits before it.
    var s = colon - 1  // mutants: equivalent
    while s >= 0, t[s] != 0x20 { s -= 1 }  // mutants: equivalent
    guard let ts = t.parseDecimal(from: s + 1, scaleDigits: 9), ts.end == colon else { return false }
    return t.firstIndex(of: UInt8(ascii: "|")) == nil && !t.matches("[")
  }

  /// `ffffffff8118baf1 handle_userfault+0xf3 ([kernel.kallsyms])` with its indentation lost:
  /// a hex ip, a symbol, and a `(dso)` at the end (a line ending in `)` is never a hex ip alone).
  static func looksLikeUnindentedPerfFrame(_ t: ByteSpan) -> Bool {
    guard let ip = t.nextToken(from: 0), t.slice(ip.start, ip.end).isHexDigits, t.hasSuffix(")"),
      let dso = t.firstIndex(of: " (", from: ip.end)
    else { return false }
    // A symbol between them: the next token begins before ` (`. A token never begins at a space, so
    // `$0.start == dso` never occurs and `<` and `<=` read the same.
    return t.nextToken(from: ip.end).map { $0.start < dso } ?? false  // mutants: equivalent
  }

  static func looksLikeKernelLog(_ line: ByteSpan) -> Bool {
    // `[   29.181810] …`, `<4>[…] …`, `Nov 25 17:00:01 host kernel: …` (KernelLogParser.message).
    let (message, timestamp) = KernelLogParser.message(line)
    if timestamp != nil { return true }
    let t = message.trimmed()
    return t.matches("INFO: task ") || t.matches("Call Trace:") || t.matches("<TASK>") || t.matches("task:")
      || t.matches("NMI backtrace") || t.matches("sysrq:") || t.matches("watchdog: BUG: soft lockup")
      || looksLikeSymbolizedFrame(t) || KernelLogParser.lockHolder(t) != nil
  }

  /// A frame as a symbolizer prints it, in reports without timestamps (syzbot's mails):
  /// `io_wq_put_and_exit+0x344/0x720 io_uring/io-wq.c:1277` or `io_wq_exit_workers io_uring/io-wq.c:1249 [inline]`.
  static func looksLikeSymbolizedFrame(_ t: ByteSpan) -> Bool {
    if StackFrameText.inlinedFrame(t) != nil { return true }
    guard let fn = t.nextToken(from: 0), StackFrameText.kernelFrame(t.slice(fn.start, fn.end)) != nil,
      let src = t.nextToken(from: fn.end), src.end == t.count
    else { return false }
    let file = t.slice(src.start, src.end)
    guard let colon = file.lastIndex(of: UInt8(ascii: ":")), file.suffix(from: colon + 1).asUnsigned() != nil else {
      return false
    }
    return file.slice(0, colon).firstIndex(of: UInt8(ascii: ".")) != nil
  }
}
