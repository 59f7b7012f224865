import Foundation
import TraceParse

#if canImport(Glibc)
  import Glibc
#endif

/// The helper-process side of ``IsolatedTraceDatDecoder``: when the environment names a file in
/// ``environmentKey``, this process only decodes that trace.dat with libtracecmd and streams the
/// records to stdout, then exits. The CLI calls ``runIfRequested()`` first thing, so a crash or hang
/// of the C library ends this helper, never the analysis.
public enum TraceDatWorker {
  /// The environment variable that turns a process into the helper; its value is the file's path.
  public static let environmentKey = "IOU_ANALYZE_TRACE_DAT_HELPER"

  /// Decodes the file and exits when this process was started as the helper; returns otherwise.
  public static func runIfRequested() {
    guard let path = ProcessInfo.processInfo.environment[environmentKey] else { return }
    exit(run(path: path, output: 1))
  }

  /// Decodes `path` (decompressing it first when it is gzip or zstd), writing the stream to `output`.
  static func run(path: String, output: Int32) -> Int32 {
    let symbols = SymbolTable()
    var sink = StreamingSink(symbols: symbols, fd: output)
    var stream = RecordStreamWriter()
    do {
      let plain = try DecompressedCopy(path)
      let result = try TraceDatDecoder().read(path: plain.path, displayName: path, symbols: symbols, into: &sink)
      sink.flush()
      for d in result.diagnostics {
        stream.put(.diagnostic)
        stream.put(d.severity == .error ? UInt8(1) : 0)
        stream.put(Int64(d.line))
        stream.put(d.kind.rawValue)
        stream.put(d.message)
      }
      stream.put(.done)
      stream.put(Int64(result.lines))
      stream.put(Int64(result.recognisedLines))
    } catch let e as TraceInputError {
      sink.flush()
      stream.put(.failure)
      stream.put(e.diagnostic.kind.rawValue)
      stream.put(e.diagnostic.message)
    } catch {
      sink.flush()
      stream.put(.failure)
      stream.put(DiagnosticKind.traceDat.rawValue)
      stream.put("\(error)")
    }
    return stream.withBytes { writeAll(output, $0) } ? 0 : 1
  }

  static func writeAll(_ fd: Int32, _ b: UnsafeRawBufferPointer) -> Bool {
    var done = 0
    while done < b.count {
      let n = write(fd, b.baseAddress! + done, b.count - done)
      if n < 0, errno == EINTR { continue }
      if n <= 0 { return false }
      done += n
    }
    return true
  }
}

/// Encodes records as they come and writes them in 64 KiB pieces.
private struct StreamingSink: TraceRecordSink {
  let symbols: SymbolTable
  let fd: Int32
  var stream = RecordStreamWriter()

  init(symbols: SymbolTable, fd: Int32) {
    self.symbols = symbols
    self.fd = fd
  }

  mutating func receive(_ record: TraceRecord) {
    stream.put(record, symbols: symbols)
    if stream.count >= 1 << 16 { flush() }
  }

  mutating func flush() {
    // A parent that went away ends the helper (SIGPIPE or a failed write).
    if !stream.withBytes({ TraceDatWorker.writeAll(fd, $0) }) { exit(1) }
    stream.removeAll()
  }
}

/// The file itself, or, when it is gzip or zstd compressed, a decompressed copy in a temporary file
/// (libtracecmd reads only plain files), removed when this goes away.
private final class DecompressedCopy {
  let path: String
  private let isTemporary: Bool

  init(_ original: String) throws {
    let fd = open(original, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw TraceInputError(file: original, line: 0, kind: .open, String(cString: strerror(errno))) }
    var magic = [UInt8](repeating: 0, count: 4)
    let n = read(fd, &magic, 4)
    close(fd)
    let compressed = n >= 2 && magic[0] == 0x1F && magic[1] == 0x8B || n == 4 && magic == [0x28, 0xB5, 0x2F, 0xFD]
    guard compressed else {
      path = original
      isTemporary = false
      return
    }
    var template = Array("\(NSTemporaryDirectory())/iou-trace-dat-XXXXXX".utf8CString)
    let out = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard out >= 0 else {
      throw TraceInputError(file: original, line: 0, kind: .traceDat, "cannot create a temporary file to decompress it")
    }
    path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    isTemporary = true
    defer { close(out) }
    let source: ByteSource
    do {
      source = try InputOpener.open(original)
    } catch let e as ByteSourceError {
      throw TraceInputError(file: original, line: 0, kind: .brokenStream, e.message)
    }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let got: Int
      do {
        got = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
      } catch let e as ByteSourceError {
        throw TraceInputError(file: original, line: 0, kind: .brokenStream, e.message)
      }
      if got == 0 { break }
      guard buffer.withUnsafeBytes({ TraceDatWorker.writeAll(out, UnsafeRawBufferPointer(rebasing: $0[0..<got])) })
      else {
        throw TraceInputError(
          file: original, line: 0, kind: .traceDat,
          "cannot write the decompressed copy: \(String(cString: strerror(errno)))")
      }
    }
  }

  deinit { if isTemporary { unlink(path) } }
}
