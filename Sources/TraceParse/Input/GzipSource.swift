import CZlib

/// Decompresses a gzip (or zlib) stream from another source, member after member.
public final class GzipSource: ByteSource {
  private let inner: ByteSource
  private var stream = z_stream()
  private var input: UnsafeMutableRawBufferPointer
  private var finished = false
  private var inFrame = false
  private var membersDone = 0
  private var produced: Int64 = 0

  /// Wraps `inner`, whose bytes are gzip data.
  public init(_ inner: ByteSource) throws {
    self.inner = inner
    input = .allocate(byteCount: 1 << 18, alignment: 16)
    // 15 + 32: accept gzip and zlib headers, largest window.
    let rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    if rc != Z_OK {
      input.deallocate()
      throw ByteSourceError("zlib initialisation failed (\(rc))")
    }
  }

  deinit {
    inflateEnd(&stream)
    input.deallocate()
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if finished { return 0 }
    stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
    stream.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
    while stream.avail_out == uInt(buffer.count) {
      if stream.avail_in == 0 {
        let n = try inner.read(into: input)
        if n == 0 {
          finished = true
          if inFrame { throw ByteSourceError("gzip stream ends in the middle (file truncated?)") }
          break
        }
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = uInt(n)
      }
      if !inFrame, membersDone > 0 {
        // Zero bytes after a member (tape or dd padding) are accepted, as `gzip -t` does.
        while stream.avail_in > 0, stream.next_in.pointee == 0 {
          stream.next_in += 1
          stream.avail_in -= 1
        }
        if stream.avail_in == 0 { continue }
      }
      inFrame = true
      let rc = inflate(&stream, Z_NO_FLUSH)
      switch rc {
      case Z_OK, Z_BUF_ERROR:
        continue
      case Z_STREAM_END:
        inFrame = false
        membersDone += 1
        inflateReset(&stream)
      default:
        let why = stream.msg.map { String(cString: $0) } ?? "code \(rc)"
        let done = produced + Int64(buffer.count - Int(stream.avail_out))
        throw ByteSourceError("broken gzip stream after \(done) decompressed bytes: \(why)")
      }
    }
    produced += Int64(buffer.count - Int(stream.avail_out))
    return buffer.count - Int(stream.avail_out)
  }
}
