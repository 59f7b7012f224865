/// Reads a binary trace-cmd `trace.dat` into records. TraceParse cannot link libtracecmd (the core stays
/// portable), so the decoder is provided by the TraceDat module and handed to ``TraceFileReader``.
public protocol TraceDatDecoding: Sendable {
  /// Reads the file at `path`, sending every record of interest to `sink` in timestamp order.
  func read<S: TraceRecordSink>(path: String, displayName: String, symbols: SymbolTable, into sink: inout S) throws
    -> TraceReadResult
}
