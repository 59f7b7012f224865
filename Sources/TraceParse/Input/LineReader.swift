#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the line reader saw besides the lines themselves.
public struct LineReaderSummary: Sendable {
  /// Lines delivered (including an unterminated last line).
  public var lines = 0
  /// Bytes read from the source.
  public var bytes: Int64 = 0
  /// Line numbers of lines longer than the limit (not delivered), with their lengths.
  public var oversizedLines: [(line: Int, length: Int64)] = []
  /// True when the last line had no newline (the file may have been cut).
  public var lastLineUnterminated = false
  /// True when the reader stopped because the consumer asked it to.
  public var stoppedEarly = false
  /// When ``stoppedEarly``: the stream offset just past the newline of the last line delivered.
  public var endOffset: Int64 = 0
}

/// Splits a ``ByteSource`` into lines without copying them: each line is a ``ByteSpan`` into a
/// reused chunk buffer, valid during the callback only. Handles CRLF, a missing final newline,
/// NUL bytes and invalid UTF-8 (bytes are passed through), and lines longer than a chunk
/// (the buffer grows up to `maxLineLength`; longer lines are skipped and reported).
public struct LineReader {
  private let source: ByteSource
  private let chunkSize: Int
  private let maxLineLength: Int
  private let firstLineNumber: Int

  /// Creates a reader. `chunkSize` is the read size; `maxLineLength` the longest line delivered;
  /// `firstLineNumber` the number of the source's first line (when it starts inside a file).
  public init(source: ByteSource, chunkSize: Int = 1 << 20, maxLineLength: Int = 1 << 22, firstLineNumber: Int = 1) {
    self.source = source
    self.chunkSize = chunkSize
    self.maxLineLength = max(maxLineLength, 1)
    self.firstLineNumber = firstLineNumber
  }

  /// Longest line delivered, in bytes before its newline (a CR before the newline counted): the
  /// buffer grows to `maxLineLength` but is never smaller than `chunkSize`, and a line must fit in
  /// it with its newline.
  public var longestLine: Int { max(maxLineLength, chunkSize) - 1 }

  /// Calls `body(line, lineNumber)` for every line; `body` returns false to stop.
  /// Throws ``ByteSourceError`` (with the line number reached) when the source is broken.
  public func forEachLine(_ body: (ByteSpan, Int) throws -> Bool) throws -> LineReaderSummary {
    try forEachLineWithOffset { line, number, _ in try body(line, number) }
  }

  /// Like ``forEachLine(_:)``, also giving each line's offset in the stream (of its first byte).
  public func forEachLineWithOffset(_ body: (ByteSpan, Int, Int64) throws -> Bool) throws -> LineReaderSummary {
    var summary = LineReaderSummary()
    var capacity = chunkSize
    var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
    defer { buffer.deallocate() }
    var filled = 0  // bytes in buffer
    var lineNumber = firstLineNumber - 1
    var skipping = false  // inside an oversized line, discarding until newline
    var skippedLength: Int64 = 0
    var eof = false
    var bufferOffset: Int64 = 0  // stream offset of the buffer's first byte

    while !eof {
      if filled == capacity {
        // A line fills the whole buffer: grow, or give up on it and skip to its end.
        if capacity < maxLineLength {
          let newCapacity = min(capacity * 2, max(maxLineLength, chunkSize))
          let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: newCapacity, alignment: 64)
          bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
          buffer.deallocate()
          buffer = bigger
          capacity = newCapacity
        } else {
          skipping = true
          skippedLength += Int64(filled)
          bufferOffset += Int64(filled)
          filled = 0
        }
      }
      let n: Int
      do {
        n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<capacity]))
      } catch let e as ByteSourceError {
        throw ByteSourceError("\(e.message) (after line \(lineNumber))")
      }
      if n == 0 { eof = true }
      summary.bytes += Int64(n)
      let end = filled + n
      let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
      var start = 0
      var scanFrom = filled
      while scanFrom < end {
        guard let hit = memchr(base + scanFrom, 0x0A, end - scanFrom) else { break }
        let nl = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - UnsafePointer(base)
        lineNumber += 1
        if skipping {
          summary.oversizedLines.append((lineNumber, skippedLength + Int64(nl - start)))
          skipping = false
          skippedLength = 0
        } else {
          var len = nl - start
          if len > 0, base[start + len - 1] == 0x0D { len -= 1 }
          summary.lines += 1
          if try !body(ByteSpan(base: base + start, count: len), lineNumber, bufferOffset + Int64(start)) {
            summary.stoppedEarly = true
            summary.endOffset = bufferOffset + Int64(nl + 1)
            return summary
          }
        }
        start = nl + 1
        scanFrom = start
      }
      // Keep the partial line at the front of the buffer.
      let rest = end - start
      if rest > 0, start > 0 { memmove(base, base + start, rest) }
      bufferOffset += Int64(start)
      filled = rest
      if eof, filled > 0 || skipping {
        lineNumber += 1
        summary.lastLineUnterminated = true
        if skipping {
          summary.oversizedLines.append((lineNumber, skippedLength + Int64(filled)))
        } else {
          var len = filled
          if base[len - 1] == 0x0D { len -= 1 }
          summary.lines += 1
          _ = try body(ByteSpan(base: base, count: len), lineNumber, bufferOffset)
        }
      }
    }
    return summary
  }
}
