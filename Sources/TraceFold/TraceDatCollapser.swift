import TraceParse

/// trace-cmd's binary `trace.dat`, decoded by the TraceDat module's decoder (handed in, so this
/// module stays free of libtracecmd): function_graph self time in microseconds, like ftrace text.
public struct TraceDatCollapser: StackCollapser {
  public let format = TraceFormat.traceDat
  private let decoder: any TraceDatDecoding
  private let symbols = SymbolTable()
  private let folder: RecordFolder
  private var seen = false

  /// A collapser reading through `decoder`.
  public init(options: FoldOptions, decoder: any TraceDatDecoding) {
    self.decoder = decoder
    folder = RecordFolder(symbols: symbols, options: options)
  }

  public var weightsAreTimes: Bool { folder.weightsAreTimes }

  /// Yes when the first line starts with trace.dat's magic (`\x17\x08\x44tracing`), else no.
  public mutating func isApplicable(_ line: ByteSpan) -> FormatMatch {
    defer { seen = true }
    if seen { return .no }
    return line.count >= 10 && line[0] == 0x17 && line[1] == 0x08 && line[2] == 0x44 && line.matches("tracing", at: 3)
      ? .yes : .no
  }

  public mutating func isApplicableAtEndOfSample() -> FormatMatch { .no }

  public mutating func collapse(_ source: ByteSource, displayName: String, path: String?) throws -> [Diagnostic] {
    guard let path, path != "-" else {
      throw TraceInputError(
        file: displayName, line: 0, kind: .traceDat, "trace.dat cannot be read from stdin: give its path")
    }
    var sink = folder
    let read = try decoder.read(path: path, displayName: displayName, symbols: symbols, into: &sink).diagnostics
    return read + folder.diagnostics(file: displayName)
  }

  public func write(to out: (UnsafeRawBufferPointer) -> Void) { folder.write(to: out) }
}
