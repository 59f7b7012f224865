import TraceParse

/// Replays the bytes read for sniffing, then the rest of the source: stdin can be folded too.
final class PrefixedSource: ByteSource {
  private let inner: ByteSource
  private var prefix: [UInt8] = []
  private var offset = 0

  init(_ inner: ByteSource) { self.inner = inner }

  /// Reads up to 256 KiB and decides the format from its first lines.
  func sniff() throws -> TraceFormat {
    var buffer = [UInt8](repeating: 0, count: 1 << 18)
    var filled = 0
    while filled < buffer.count {
      let n = try buffer.withUnsafeMutableBytes {
        try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
      }
      if n == 0 { break }
      filled += n
      if buffer[0..<filled].filter({ $0 == 0x0A }).count > FormatSniffer.sampleLines { break }
    }
    prefix = Array(buffer[0..<filled])
    var sniffer = FormatSniffer()
    prefix.withUnsafeBufferPointer { b in
      var start = 0
      for i in 0..<b.count where b[i] == 0x0A {
        sniffer.observe(ByteSpan(base: b.baseAddress! + start, count: i - start))
        start = i + 1
        if sniffer.isDecided { return }
      }
      if start < b.count { sniffer.observe(ByteSpan(base: b.baseAddress! + start, count: b.count - start)) }
    }
    return sniffer.format ?? .ftrace
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if offset < prefix.count {
      let n = min(buffer.count, prefix.count - offset)
      prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
      offset += n
      return n
    }
    return try inner.read(into: buffer)
  }
}
