#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What reading one file produced besides its records.
public struct TraceReadResult: Sendable {
  /// The format used (sniffed or forced).
  public var format: TraceFormat
  /// Line statistics from the reader.
  public var lines: Int
  /// Bytes read (after decompression).
  public var bytes: Int64
  /// Lines the parser recognised / did not.
  public var recognisedLines: Int
  /// Lines that fit no known form.
  public var unrecognisedLines: Int
  /// True when a `# cut:` comment says the file is a window of a longer capture.
  public var isCutWindow: Bool
  /// Problems found, summarised.
  public var diagnostics: [Diagnostic]
  /// Lines whose decoding was done ahead on another core (``ParallelReading``); 0 on one core.
  public var linesDecodedAhead = 0

  /// A result (for readers outside this module, such as the trace.dat decoder).
  public init(
    format: TraceFormat, lines: Int, bytes: Int64, recognisedLines: Int, unrecognisedLines: Int, isCutWindow: Bool,
    diagnostics: [Diagnostic]
  ) {
    self.format = format
    self.lines = lines
    self.bytes = bytes
    self.recognisedLines = recognisedLines
    self.unrecognisedLines = unrecognisedLines
    self.isCutWindow = isCutWindow
    self.diagnostics = diagnostics
  }
}

/// Reads one input end to end: opens it (decompressing), sniffs the format from the first lines
/// unless one is forced, then streams every line through that format's parser into `sink`.
/// Memory stays bounded by the chunk size and the sniffing window, whatever the file size.
public struct TraceFileReader {
  /// Names interned by the parsers.
  public let symbols: SymbolTable
  /// A format to use instead of sniffing.
  public var forcedFormat: TraceFormat?
  /// Longest line accepted; longer lines are skipped with a warning.
  public var maxLineLength = 1 << 22
  /// Reads binary `trace.dat` files (from the TraceDat module); without it they are refused with advice.
  public var traceDat: (any TraceDatDecoding)?
  /// Called with the number of lines read, every `progressInterval` lines (for progress on long files).
  public var progress: (@Sendable (Int) -> Void)?
  /// Lines between progress calls (default 2^20).
  public var progressInterval = 1 << 20
  /// When large files are read on several cores (ftrace text only; same results as one core).
  public var parallel = ParallelReading()
  /// Off only in the test that compares the ftrace fast path with the full path.
  var graphFastPath = true
  /// Lines between checks that the input is not garbage (fewer than 1% recognised lines, or most
  /// sampled lines binary: a forced format on binary data, `/dev/urandom`): reading stops there
  /// instead of going on forever.
  public static let garbageWindow = 1 << 18

  /// Creates a reader that interns into `symbols`.
  public init(symbols: SymbolTable, forcedFormat: TraceFormat? = nil) {
    self.symbols = symbols
    self.forcedFormat = forcedFormat
  }

  /// Reads `path` (`-` for stdin), naming it `displayName` in diagnostics.
  /// Throws ``TraceInputError`` when nothing in it can be used.
  public func read<S: TraceRecordSink>(path: String, displayName: String? = nil, into sink: inout S) throws
    -> TraceReadResult
  {
    let name = displayName ?? (path == "-" ? "<stdin>" : path)
    let source: ByteSource
    do {
      source = try InputOpener.open(path)
    } catch let e as ByteSourceError {
      throw TraceInputError(file: name, line: 0, kind: .open, e.message)
    }
    return try read(source: source, displayName: name, sourcePath: path == "-" ? nil : path, into: &sink)
  }

  /// The file to decode on several cores: a regular, uncompressed file large enough.
  private func parallelFile(_ source: ByteSource, _ sourcePath: String?) -> (path: String, size: Int64)? {
    guard graphFastPath, parallel.workers > 0, let path = sourcePath, source is PeekSource else { return nil }
    var st = stat()
    guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int64(st.st_size) >= parallel.minimumFileBytes
    else { return nil }
    return (path, Int64(st.st_size))
  }

  /// Reads an already open source.
  public func read<S: TraceRecordSink>(
    source original: ByteSource, displayName name: String, sourcePath: String? = nil, into sink: inout S
  ) throws -> TraceReadResult {
    let source = PeekSource(original)
    do {
      if try forcedFormat == .traceDat || forcedFormat == nil && Self.isTraceDat(source.peek(10)) {
        return try readTraceDat(source, displayName: name, sourcePath: sourcePath, into: &sink)
      }
    } catch let e as ByteSourceError {
      throw TraceInputError(file: name, line: 0, kind: .brokenStream, e.message)
    }
    let file = parallelFile(original, sourcePath)
    guard let forced = forcedFormat else {
      return try readLines(source, displayName: name, parallelFile: file, into: &sink).result
    }
    // A forced format must read something: lines it takes for blanks or comments are not enough.
    var counted = RecordCounter(inner: sink)
    let (result, sniffed) = try readLines(source, displayName: name, parallelFile: file, into: &counted)
    sink = counted.inner
    if counted.records == 0 {
      let looks = sniffed.map { $0 == forced ? "" : "; it looks like \($0.rawValue)" } ?? ""
      throw TraceInputError(
        file: name, line: 1, kind: .notATrace,
        "nothing in the file reads as \(forced.rawValue) (forced by --format): \(result.lines) lines, no \(forced.rawValue) record\(looks)"
      )
    }
    return result
  }

  /// Reads the lines of a text input into `sink`; also gives what the sniffer made of the first lines.
  private func readLines<S: TraceRecordSink>(
    _ source: ByteSource, displayName name: String, parallelFile: (path: String, size: Int64)?, into sink: inout S
  ) throws -> (result: TraceReadResult, sniffed: TraceFormat?) {
    var log = DiagnosticLog(file: name)
    var checks = LineChecks(
      file: name, format: forcedFormat, progress: progress, progressInterval: progressInterval)
    var held: [(bytes: [UInt8], number: Int)] = []
    var heldBytes = 0
    var parser: AnyLineParser? = forcedFormat.flatMap { try? makeParser($0, file: name) }
    // The ftrace parser (a class) called directly: no copy of the enum around it per line.
    var ftrace: FtraceTextParser? = parser?.ftrace
    let reader = LineReader(source: source, maxLineLength: maxLineLength)
    // Large files: lines cut and decoded ahead on other cores (see ParallelReading).
    var pipeline: ChunkPipeline?
    defer { pipeline?.stop() }
    func startDecoding() {
      guard ftrace != nil, let file = parallelFile, pipeline == nil else { return }
      pipeline = ChunkPipeline(
        path: file.path, fileSize: file.size, settings: parallel, longestLine: reader.longestLine)
    }
    startDecoding()
    if let f = forcedFormat, parser == nil {
      throw TraceInputError(file: name, line: 0, kind: .format, "\(f.rawValue) input is not supported by this reader")
    }

    /// Decides the format from the lines held and parses them; decoding threads start when lines
    /// remain to be read (`more`).
    func decide(more: Bool = true) throws {
      if checks.sniffer.sawNothing {
        throw TraceInputError(file: name, line: 0, kind: .empty, "the file is empty (nothing but white space)")
      }
      guard let f = checks.sniffer.format else {
        throw TraceInputError(
          file: name, line: held.first?.number ?? 1, kind: .notATrace,
          "not a trace: \(checks.sniffer.explanation) (use --format to force one of: \(TraceFormat.names))")
      }
      checks.format = f
      parser = try makeParser(f, file: name)
      ftrace = parser?.ftrace
      if more { startDecoding() }
      checks.parserStarts(at: held.first?.number ?? 1)
      for h in held {
        h.bytes.withUnsafeBufferPointer { b in
          parser!.parse(ByteSpan(base: b.baseAddress, count: b.count), number: h.number, into: &sink, log: &log)
        }
      }
      held = []
      heldBytes = 0
    }

    /// Line `number`: parsed, or held while the format is sniffed.
    func handle(_ line: ByteSpan, _ number: Int) throws {
      if let ftrace {
        ftrace.parse(line, number: number, into: &sink, log: &log)
      } else if parser != nil {
        parser!.parse(line, number: number, into: &sink, log: &log)
      }
      // (`ftrace` first: testing the optional class costs nothing, the enum around it a copy.)
      if ftrace != nil || parser != nil {
        if checks.wants(number) { try checks.check(line, number: number, recognised: parser!.recognisedLines) }
        return
      }
      checks.sniffer.observe(line)
      held.append((Array(UnsafeBufferPointer(start: line.base, count: line.count)), number))
      heldBytes += line.count
      if checks.sniffer.isDecided { try decide() }
      if held.count >= FormatSniffer.maxHeldLines || heldBytes >= FormatSniffer.maxHeldBytes {
        // Bounded memory whatever the input: decide from what was seen; white space alone says
        // nothing, so it is dropped and sniffing goes on.
        if checks.sniffer.sawNothing {
          held.removeAll(keepingCapacity: true)
          heldBytes = 0
        } else {
          try decide()
        }
      }
    }

    var decodedAhead = 0
    var summary: LineReaderSummary
    do {
      // Until the decoding threads start, this reader splits the lines; then the chunks give them.
      summary = try reader.forEachLineWithOffset { line, number, _ in
        try handle(line, number)
        return pipeline == nil
      }
      if summary.stoppedEarly, let pipeline, let ftrace, let file = parallelFile {
        summary.stoppedEarly = false
        var offset = summary.endOffset
        var number = summary.lines + summary.oversizedLines.count
        while true {
          let upTo = try readChunks(
            pipeline, from: &offset, number: &number, into: ftrace, checks: &checks, lines: &summary.lines,
            decodedAhead: &decodedAhead, sink: &sink, log: &log)
          // What the chunks could not cut is read here: up to the chunk `upTo`, or to the end.
          let rest = LineReader(
            source: try FileDescriptorSource(path: file.path, from: offset), maxLineLength: maxLineLength,
            firstLineNumber: number + 1)
          let start = offset
          let part = try rest.forEachLineWithOffset { line, n, at in
            try handle(line, n)
            return upTo.map { start + at < $0 } ?? true
          }
          summary.lines += part.lines
          summary.oversizedLines += part.oversizedLines
          number += part.lines + part.oversizedLines.count
          guard part.stoppedEarly else {
            summary.bytes = offset + part.bytes
            summary.lastLineUnterminated = part.lastLineUnterminated
            break
          }
          offset += part.endOffset
        }
      }
    } catch let e as ByteSourceError {
      throw TraceInputError(file: name, line: 0, kind: .brokenStream, e.message)
    }
    if parser == nil, checks.sniffer.sawNothing, let first = summary.oversizedLines.first {
      let longest = summary.oversizedLines.map(\.length).max() ?? first.length
      throw TraceInputError(
        file: name, line: first.line, kind: .linesTooLong,
        "every line with text is longer than the \(maxLineLength)-byte limit (\(summary.oversizedLines.count) such lines, the longest \(longest) bytes): not a line-oriented trace, or its newlines were lost"
      )
    }
    if parser == nil { try decide(more: false) }
    parser!.finish(into: &sink, log: &log)
    for o in summary.oversizedLines {
      log.add(
        .warning, .oversizedLine, line: o.line,
        "line of \(o.length) bytes is longer than the \(maxLineLength)-byte limit; skipped")
    }
    let format = checks.format
    if summary.lastLineUnterminated, format != .pastedReport {
      log.add(
        .warning, .truncated, line: summary.lines + summary.oversizedLines.count,
        "last line has no newline: the file may have been cut in the middle of a line")
    }
    let recognised = parser!.recognisedLines
    let unrecognised = parser!.unrecognisedLines
    if recognised == 0 {
      throw TraceInputError(
        file: name, line: 1, kind: .notATrace,
        "no line could be read as \(format!.rawValue) (\(unrecognised) lines tried)")
    }
    var result = TraceReadResult(
      format: format!, lines: summary.lines, bytes: summary.bytes, recognisedLines: recognised,
      unrecognisedLines: unrecognised, isCutWindow: parser!.isCutWindow, diagnostics: log.summarized)
    result.linesDecodedAhead = decodedAhead
    return (result, checks.sniffer.format)
  }

  /// trace-cmd's magic: `\x17\x08\x44tracing`.
  static func isTraceDat(_ head: [UInt8]) -> Bool {
    head.count >= 10 && head[0] == 0x17 && head[1] == 0x08 && head[2] == 0x44
      && head[3...9].elementsEqual("tracing".utf8)
  }

  /// Hands a trace.dat to the decoder: by its path when it is a regular file (the decoder also
  /// decompresses), else (stdin, a FIFO) through a temporary copy, as libtracecmd reads files only.
  private func readTraceDat<S: TraceRecordSink>(
    _ source: ByteSource, displayName name: String, sourcePath: String?, into sink: inout S
  ) throws -> TraceReadResult {
    guard let traceDat else {
      throw TraceInputError(
        file: name, line: 0, kind: .traceDat,
        "this is a trace-cmd trace.dat file: read it with `trace-cmd report` and analyse the text")
    }
    if let path = sourcePath, SpecialFile.isRegular(path) {
      return try traceDat.read(path: path, displayName: name, symbols: symbols, into: &sink)
    }
    let copy = try SpooledFile(copying: source)
    defer { copy.remove() }
    return try traceDat.read(path: copy.path, displayName: name, symbols: symbols, into: &sink)
  }

  private func makeParser(_ format: TraceFormat, file: String) throws -> AnyLineParser {
    switch format {
    case .ftrace: return .ftrace(FtraceTextParser(symbols: symbols, fastPath: graphFastPath))
    case .perfScript: return .perfScript(PerfScriptParser(symbols: symbols))
    case .procStack: return .procStack(ProcStackParser(symbols: symbols))
    case .kernelLog: return .kernelLog(KernelLogParser(symbols: symbols))
    case .pastedReport: return .pastedReport(PastedReportParser(symbols: symbols))
    case .hist: return .hist(HistogramParser(symbols: symbols))
    default:
      throw TraceInputError(
        file: file, line: 0, kind: .unsupportedFormat,
        "\(format.rawValue) input is recognised but not parsed yet")
    }
  }
}

/// Passes records on and counts them (a forced format that reads no record is an error).
struct RecordCounter<Inner: TraceRecordSink>: TraceRecordSink {
  var inner: Inner
  var records = 0

  mutating func receive(_ record: TraceRecord) {
    records += 1
    inner.receive(record)
  }
}

/// The parsers, as one concrete type so the per-line call is a switch, not a witness table.
enum AnyLineParser {
  case ftrace(FtraceTextParser)
  case perfScript(PerfScriptParser)
  case procStack(ProcStackParser)
  case kernelLog(KernelLogParser)
  case pastedReport(PastedReportParser)
  case hist(HistogramParser)
  /// Placeholder while a payload is mutated in place (avoids copy-on-write of its storage).
  case moving

  /// The ftrace parser, when this is one.
  var ftrace: FtraceTextParser? {
    if case .ftrace(let p) = self { return p }
    return nil
  }

  mutating func parse<S: TraceRecordSink>(_ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog) {
    switch self {
    case .ftrace(let p):
      p.parse(line, number: number, into: &sink, log: &log)
    case .perfScript(var p):
      self = .moving
      p.parse(line, number: number, into: &sink, log: &log)
      self = .perfScript(p)
    case .procStack(var p):
      self = .moving
      p.parse(line, number: number, into: &sink, log: &log)
      self = .procStack(p)
    case .kernelLog(var p):
      self = .moving
      p.parse(line, number: number, into: &sink, log: &log)
      self = .kernelLog(p)
    case .pastedReport(var p):
      self = .moving
      p.parse(line, number: number, into: &sink, log: &log)
      self = .pastedReport(p)
    case .hist(var p):
      self = .moving
      p.parse(line, number: number, into: &sink, log: &log)
      self = .hist(p)
    case .moving: break
    }
  }

  mutating func finish<S: TraceRecordSink>(into sink: inout S, log: inout DiagnosticLog) {
    switch self {
    case .ftrace(let p):
      p.finish(into: &sink, log: &log)
    case .perfScript(var p):
      self = .moving
      p.finish(into: &sink, log: &log)
      self = .perfScript(p)
    case .procStack(var p):
      self = .moving
      p.finish(into: &sink, log: &log)
      self = .procStack(p)
    case .kernelLog(var p):
      self = .moving
      p.finish(into: &sink, log: &log)
      self = .kernelLog(p)
    case .pastedReport(var p):
      self = .moving
      p.finish(into: &sink, log: &log)
      self = .pastedReport(p)
    case .hist(var p):
      self = .moving
      p.finish(into: &sink, log: &log)
      self = .hist(p)
    case .moving: break
    }
  }

  var recognisedLines: Int {
    switch self {
    case .ftrace(let p): p.recognisedLines
    case .perfScript(let p): p.recognisedLines
    case .procStack(let p): p.recognisedLines
    case .kernelLog(let p): p.recognisedLines
    case .pastedReport(let p): p.recognisedLines
    case .hist(let p): p.recognisedLines
    case .moving: 0
    }
  }
  var unrecognisedLines: Int {
    switch self {
    case .ftrace(let p): p.unrecognisedLines
    case .perfScript(let p): p.unrecognisedLines
    case .procStack(let p): p.unrecognisedLines
    case .kernelLog(let p): p.unrecognisedLines
    case .pastedReport(let p): p.unrecognisedLines
    case .hist(let p): p.unrecognisedLines
    case .moving: 0
    }
  }
  var isCutWindow: Bool {
    switch self {
    case .ftrace(let p): p.isCutWindow
    case .perfScript(let p): p.isCutWindow
    case .procStack(let p): p.isCutWindow
    case .kernelLog(let p): p.isCutWindow
    case .pastedReport(let p): p.isCutWindow
    case .hist(let p): p.isCutWindow
    case .moving: false
    }
  }
}
