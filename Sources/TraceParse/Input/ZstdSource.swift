import CZstd

/// Decompresses a zstd stream (one or more frames) from another source.
public final class ZstdSource: ByteSource {
  private let inner: ByteSource
  private let stream: OpaquePointer
  private var input: UnsafeMutableRawBufferPointer
  private var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
  private var frameOpen = false
  private var finished = false
  private var produced = 0

  /// Wraps `inner`, whose bytes are zstd data.
  public init(_ inner: ByteSource) throws {
    self.inner = inner
    guard let s = ZSTD_createDStream() else { throw ByteSourceError("zstd initialisation failed") }
    stream = s
    ZSTD_initDStream(s)
    input = .allocate(byteCount: ZSTD_DStreamInSize(), alignment: 16)
  }

  deinit {
    ZSTD_freeDStream(stream)
    input.deallocate()
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if finished { return 0 }
    var out = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
    while out.pos == 0 {
      if inBuffer.pos == inBuffer.size {
        let n = try inner.read(into: input)
        if n == 0 {
          finished = true
          if frameOpen { throw ByteSourceError("zstd stream ends in the middle of a frame (file truncated?)") }
          break
        }
        inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input.baseAddress), size: n, pos: 0)
      }
      let rc = ZSTD_decompressStream(stream, &out, &inBuffer)
      if ZSTD_isError(rc) != 0 {
        throw ByteSourceError(
          "broken zstd stream after \(produced) bytes: \(String(cString: ZSTD_getErrorName(rc)))")
      }
      frameOpen = rc != 0
    }
    produced += out.pos
    return out.pos
  }
}
