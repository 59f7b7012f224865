import TraceParse

/// Reads one text format through TraceParse's reader and parser into a ``RecordFolder``: the
/// shared body of the collapsers below.
struct RecordFolding {
  let format: TraceFormat
  private let symbols = SymbolTable()
  let folder: RecordFolder

  init(_ format: TraceFormat, options: FoldOptions) {
    self.format = format
    folder = RecordFolder(symbols: symbols, options: options)
  }

  func read(_ source: ByteSource, displayName: String) throws -> [Diagnostic] {
    var sink = folder
    let reader = TraceFileReader(symbols: symbols, forcedFormat: format)
    let read = try reader.read(source: source, displayName: displayName, into: &sink).diagnostics
    return read + folder.diagnostics(file: displayName)
  }
}

/// ftrace text (function_graph, trace-cmd report): each call's self time in microseconds.
public struct FtraceCollapser: StackCollapser {
  public let format = TraceFormat.ftrace
  private let folding: RecordFolding
  private var votes = FormatVotes(.ftrace)

  /// A collapser naming processes as `options` say.
  public init(options: FoldOptions) { folding = RecordFolding(.ftrace, options: options) }

  public var weightsAreTimes: Bool { folding.folder.weightsAreTimes }
  public mutating func isApplicable(_ line: ByteSpan) -> FormatMatch { votes.observe(line) }
  public mutating func isApplicableAtEndOfSample() -> FormatMatch { votes.atEnd() }
  public mutating func collapse(_ source: ByteSource, displayName: String, path: String?) throws -> [Diagnostic] {
    try folding.read(source, displayName: displayName)
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
