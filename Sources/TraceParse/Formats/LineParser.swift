/// A parser for one line-oriented text format. It turns lines into ``TraceRecord``s and reports
/// lines it cannot read to the log with their line number.
public protocol LineParser {
  /// Parses one line (without its newline). `number` is 1-based.
  mutating func parse<S: TraceRecordSink>(
    _ line: ByteSpan, number: Int, into sink: inout S, log: inout DiagnosticLog)
  /// Called once after the last line, to flush multi-line records.
  mutating func finish<S: TraceRecordSink>(into sink: inout S, log: inout DiagnosticLog)
  /// Lines that produced records or were recognised as headers, banners or comments.
  var recognisedLines: Int { get }
  /// Lines that did not fit the format.
  var unrecognisedLines: Int { get }
}
