import TraceParse

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads one text format through TraceParse's reader and parser into a ``RecordFolder``: the
/// shared body of the collapsers below.
struct RecordFolding {
  let format: TraceFormat
  private let symbols = SymbolTable()
  let folder: RecordFolder
  /// How a large file is decoded on several cores: 2 chunks ahead, fewer than for `analyze`, as
  /// the folded stacks take their share of the memory (2 keep both cores busy).
  var parallel = ParallelReading(chunksAhead: 2)

  init(_ format: TraceFormat, options: FoldOptions) {
    self.format = format
    folder = RecordFolder(symbols: symbols, options: options)
  }

  /// Folds `source`; a regular file at `path` is read again from its path instead, so that a
  /// large one is decoded on several cores (``TraceFileReader/parallel``).
  func read(_ source: ByteSource, displayName: String, path: String? = nil) throws -> [Diagnostic] {
    try readCounting(source, displayName: displayName, path: path).diagnostics
  }

  /// As ``read(_:displayName:path:)``, also saying how many lines other cores decoded.
  func readCounting(_ source: ByteSource, displayName: String, path: String?) throws -> (
    diagnostics: [Diagnostic], linesDecodedAhead: Int
  ) {
    var sink = folder
    var reader = TraceFileReader(symbols: symbols, forcedFormat: format)
    reader.parallel = parallel
    var st = stat()
    let read: TraceReadResult
    if let path, stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
      read = try reader.read(path: path, displayName: displayName, into: &sink)
    } else {
      read = try reader.read(source: source, displayName: displayName, into: &sink)
    }
    return (read.diagnostics + folder.diagnostics(file: displayName), read.linesDecodedAhead)
  }
}

/// ftrace text (function_graph, trace-cmd report): each call's self time in microseconds.
public struct FtraceCollapser: StackCollapser {
  public let format = TraceFormat.ftrace
  private var folding: RecordFolding
  private var votes = FormatVotes(.ftrace)
  /// Lines of the last input decoded on other cores.
  private(set) var linesDecodedAhead = 0

  /// A collapser naming processes as `options` say.
  public init(options: FoldOptions) { folding = RecordFolding(.ftrace, options: options) }

  /// One reading large files as `parallel` says (tests use small chunks).
  init(options: FoldOptions, parallel: ParallelReading) {
    self.init(options: options)
    folding.parallel = parallel
  }

  public var weightsAreTimes: Bool { folding.folder.weightsAreTimes }
  public mutating func isApplicable(_ line: ByteSpan) -> FormatMatch { votes.observe(line) }
  public mutating func isApplicableAtEndOfSample() -> FormatMatch { votes.atEnd() }
  public mutating func collapse(_ source: ByteSource, displayName: String, path: String?) throws -> [Diagnostic] {
    let r = try folding.readCounting(source, displayName: displayName, path: path)
    linesDecodedAhead = r.linesDecodedAhead
    return r.diagnostics
  }
  public func write(to out: (UnsafeRawBufferPointer) -> Void) { folding.folder.write(to: out) }
}

/// `/proc/PID/stack` dumps: each stack counts 1.
public struct ProcStackCollapser: StackCollapser {
  public let format = TraceFormat.procStack
  public let weightsAreTimes = false
  private let folding: RecordFolding
  private var votes = FormatVotes(.procStack)

  /// A collapser naming processes as `options` say.
  public init(options: FoldOptions) { folding = RecordFolding(.procStack, options: options) }

  public mutating func isApplicable(_ line: ByteSpan) -> FormatMatch { votes.observe(line) }
  public mutating func isApplicableAtEndOfSample() -> FormatMatch { votes.atEnd() }
  public mutating func collapse(_ source: ByteSource, displayName: String, path: String?) throws -> [Diagnostic] {
    try folding.read(source, displayName: displayName)
  }
  public func write(to out: (UnsafeRawBufferPointer) -> Void) { folding.folder.write(to: out) }
}

/// Kernel logs (hung-task, sysrq, soft-lockup reports): each stack counts 1.
public struct KernelLogCollapser: StackCollapser {
  public let format = TraceFormat.kernelLog
  public let weightsAreTimes = false
  private let folding: RecordFolding
  private var votes = FormatVotes(.kernelLog)

  /// A collapser naming processes as `options` say.
  public init(options: FoldOptions) { folding = RecordFolding(.kernelLog, options: options) }

  public mutating func isApplicable(_ line: ByteSpan) -> FormatMatch { votes.observe(line) }
  public mutating func isApplicableAtEndOfSample() -> FormatMatch { votes.atEnd() }
  public mutating func collapse(_ source: ByteSource, displayName: String, path: String?) throws -> [Diagnostic] {
    try folding.read(source, displayName: displayName)
  }
  public func write(to out: (UnsafeRawBufferPointer) -> Void) { folding.folder.write(to: out) }
}

/// Pasted reports (mails, bug comments mixing /proc and perf frames): each stack counts 1.
public struct PastedReportCollapser: StackCollapser {
  public let format = TraceFormat.pastedReport
  public let weightsAreTimes = false
  private let folding: RecordFolding
  private var votes = FormatVotes(.pastedReport, needed: 1)

  /// A collapser naming processes as `options` say.
  public init(options: FoldOptions) { folding = RecordFolding(.pastedReport, options: options) }

  public mutating func isApplicable(_ line: ByteSpan) -> FormatMatch { votes.observe(line) }
  public mutating func isApplicableAtEndOfSample() -> FormatMatch { votes.atEnd() }
  public mutating func collapse(_ source: ByteSource, displayName: String, path: String?) throws -> [Diagnostic] {
    try folding.read(source, displayName: displayName)
  }
  public func write(to out: (UnsafeRawBufferPointer) -> Void) { folding.folder.write(to: out) }
}
