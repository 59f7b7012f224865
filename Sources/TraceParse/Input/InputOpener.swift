/// Opens what the user named: a file path, `-` for stdin, with gzip and zstd decompressed
/// transparently (recognised by their magic bytes, whatever the file name).
public enum InputOpener {
  /// Opens `path` and returns a source of its (decompressed) bytes.
  public static func open(_ path: String) throws -> ByteSource {
    let raw: ByteSource = path == "-" ? FileDescriptorSource(borrowing: 0) : try FileDescriptorSource(path: path)
    return try decompressing(raw)
  }

  /// `raw`, decompressed when its first bytes are a gzip or zstd magic number.
  public static func decompressing(_ raw: ByteSource) throws -> ByteSource {
    let peek = PeekSource(raw)
    let magic = try peek.peek(4)
    if magic.count >= 2, magic[0] == 0x1F, magic[1] == 0x8B { return try GzipSource(peek) }
    if magic.count == 4, magic == [0x28, 0xB5, 0x2F, 0xFD] { return try ZstdSource(peek) }
    return peek
  }
}

/// Lets the opener look at the first bytes without losing them.
final class PeekSource: ByteSource {
  private let inner: ByteSource
  private var pending: [UInt8] = []

  init(_ inner: ByteSource) { self.inner = inner }

  func peek(_ n: Int) throws -> [UInt8] {
    var tmp = [UInt8](repeating: 0, count: n)
    while pending.count < n {
      let got = try tmp.withUnsafeMutableBytes {
        try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<(n - pending.count)]))
      }
      if got == 0 { break }
      pending.append(contentsOf: tmp[0..<got])
    }
    return pending
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if !pending.isEmpty {
      let n = min(buffer.count, pending.count)
      pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
      pending.removeFirst(n)
      return n
    }
    return try inner.read(into: buffer)
  }
}
