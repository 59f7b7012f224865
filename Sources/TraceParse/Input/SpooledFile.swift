#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A stream copied to a temporary file, for readers that need a file (libtracecmd opens trace.dat
/// by path): trace.dat from stdin or a FIFO. The file is removed by ``remove()``.
public struct SpooledFile {
  /// The temporary file's path.
  public let path: String

  /// Copies all of `source` into a new temporary file (in `$TMPDIR`, else /tmp).
  public init(copying source: ByteSource) throws {
    let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array("\(dir)/iou-analyze-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw ByteSourceError("cannot create a temporary file in \(dir) to hold the input") }
    defer { close(fd) }
    path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    do {
      while true {
        let n = try source.read(into: buffer)
        if n == 0 { break }
        var done = 0
        while done < n {
          let w = write(fd, buffer.baseAddress! + done, n - done)
          if w < 0, errno == EINTR { continue }
          guard w > 0 else {
            throw ByteSourceError("cannot write the temporary copy: \(String(cString: strerror(errno)))")
          }
          done += w
        }
      }
    } catch {
      unlink(path)
      throw error
    }
  }

  /// Deletes the temporary file.
  public func remove() { unlink(path) }
}
