import TraceParse

/// A source whose first bytes can be looked at as lines, then read again from the start: lets
/// ``CollapserGuess`` sample stdin too.
public final class SampledSource: ByteSource {
  /// Most bytes held for the sample.
  public static let sampleBytes = 1 << 18

  private let inner: ByteSource
  private var prefix: [UInt8] = []
  private var offset = 0
  private var sampled = false

  /// Wraps `inner`.
  public init(_ inner: ByteSource) { self.inner = inner }

  /// Reads up to ``sampleBytes`` (stopping once more than `lines` lines are in) and calls `body`
  /// with each complete line of the sample, without its newline or CR, until `body` returns false.
  /// Throws ``ByteSourceError`` when the source is broken.
  public func forEachSampledLine(lines: Int, _ body: (ByteSpan) -> Bool) throws {
    precondition(!sampled, "a source is sampled once")
    sampled = true
    var buffer = [UInt8](repeating: 0, count: Self.sampleBytes)
    var filled = 0
    var newlines = 0
    while filled < buffer.count, newlines <= lines {
      let n = try buffer.withUnsafeMutableBytes {
        try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
      }
      if n == 0 { break }
      for i in filled..<(filled + n) where buffer[i] == 0x0A { newlines += 1 }
      filled += n
    }
    prefix = Array(buffer[0..<filled])
    prefix.withUnsafeBufferPointer { b in
      let all = ByteSpan(base: b.baseAddress, count: b.count)
      var start = 0
      while start < all.count {
        let end = all.firstIndex(of: 0x0A, from: start) ?? all.count
        var len = end - start
        if len > 0, all[start + len - 1] == 0x0D { len -= 1 }
        if !body(all.slice(start, start + len)) { return }
        start = end + 1
      }
    }
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if offset < prefix.count {
      let n = min(buffer.count, prefix.count - offset)
      prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
      offset += n
      return n
    }
    return try inner.read(into: buffer)
  }
}
