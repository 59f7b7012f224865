import TraceAnalysis
import TraceDat
import TraceFold
import TraceParse
import TraceReport

/// Runs one fuzzer input through the CLI's pipeline in memory: decompression (gzip/zstd magic),
/// sniffing or the forced format, the parser, the tracker and detector, and the text report.
/// Any trap is a crash libFuzzer records.
public enum FuzzInput {
  /// Analyses the input as `format` (sniffed when nil) and renders the text report.
  public static func analyze(_ data: UnsafePointer<UInt8>, _ size: Int, format: TraceFormat?) {
    guard let source = try? InputOpener.decompressing(MemorySource(data, size)) else { return }
    let symbols = SymbolTable()
    var tracker = ThreadTracker(symbols: symbols)
    guard
      let read = try? TraceFileReader(symbols: symbols, forcedFormat: format).read(
        source: source, displayName: "fuzz", into: &tracker)
    else { return }
    _ = TextReport().render(FaultLoopDetector(tracker: tracker).analyze(file: "fuzz", read: read))
  }

  /// Decodes the input as the record stream a trace.dat helper process sends, then analyses the
  /// records (the parent's side of the libtracecmd isolation, which must survive any helper output).
  public static func traceDatStream(_ data: UnsafePointer<UInt8>, _ size: Int) {
    let symbols = SymbolTable()
    var tracker = ThreadTracker(symbols: symbols)
    // A stream cut short is an error for the decoder; the records before the cut still go through
    // the analysis here, so that the fuzzer need not find the final message first.
    let done = try? TraceDatStream.decode(
      UnsafeRawBufferPointer(start: data, count: size), symbols: symbols, into: &tracker)
    let read = TraceReadResult(
      format: .traceDat, lines: done?.lines ?? 0, bytes: Int64(size), recognisedLines: done?.records ?? 0,
      unrecognisedLines: 0,
      isCutWindow: false, diagnostics: [])
    _ = TextReport().render(FaultLoopDetector(tracker: tracker).analyze(file: "fuzz", read: read))
  }

  /// Folds the input as `collapse` does: the first byte picks the perf script byte folder or the
  /// record folder (sniffed format), so both see any content.
  public static func collapse(_ data: UnsafePointer<UInt8>, _ size: Int) {
    guard size > 0, let source = try? InputOpener.decompressing(MemorySource(data + 1, size - 1)) else { return }
    var out = 0
    if data[0] & 1 == 0 {
      var folder = PerfScriptFolder(options: FoldOptions())
      try? folder.consume(source)
      folder.write { out += $0.count }
    } else {
      let symbols = SymbolTable()
      var folder = RecordFolder(symbols: symbols, options: FoldOptions())
      _ = try? TraceFileReader(symbols: symbols).read(source: source, displayName: "fuzz", into: &folder)
      folder.write { out += $0.count }
    }
  }
}

/// The fuzzer's input as a byte source (read in small pieces, so lines cross chunk boundaries).
final class MemorySource: ByteSource {
  private let base: UnsafePointer<UInt8>
  private let size: Int
  private var offset = 0

  init(_ base: UnsafePointer<UInt8>, _ size: Int) {
    self.base = base
    self.size = size
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let n = min(buffer.count, size - offset, 4093)
    if n > 0 { buffer.baseAddress!.copyMemory(from: base + offset, byteCount: n) }
    offset += n
    return n
  }
}
