#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A stream of bytes: a file, stdin, a decompressor or a live tracefs pipe.
/// Every input reaches the parsers through this one interface.
public protocol ByteSource: AnyObject {
  /// Fills `buffer` with up to `buffer.count` bytes; returns 0 at end of input.
  /// Throws ``ByteSourceError`` when the underlying stream is broken.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A byte stream that could not be read to its end.
public struct ByteSourceError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, e.g. "gzip stream ends in the middle (truncated?)".
  public var message: String
  /// Creates an error.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Reads a file descriptor with `read(2)` in the caller's chunks; never maps or slurps the file.
public final class FileDescriptorSource: ByteSource {
  private let fd: Int32
  private let ownsDescriptor: Bool

  /// Opens `path` for reading.
  public init(path: String) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw ByteSourceError("cannot open: \(String(cString: strerror(errno)))") }
    var st = stat()
    if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw ByteSourceError("is a directory")
    }
    self.fd = fd
    ownsDescriptor = true
  }

  /// Opens `path` for reading from byte `offset` on.
  public convenience init(path: String, from offset: Int64) throws {
    try self.init(path: path)
    if lseek(fd, off_t(offset), SEEK_SET) < 0 {
      throw ByteSourceError("cannot seek to byte \(offset): \(String(cString: strerror(errno)))")
    }
  }

  /// Wraps an already open descriptor (e.g. 0 for stdin); it is not closed.
  public init(borrowing fd: Int32) {
    self.fd = fd
    ownsDescriptor = false
  }

  deinit { if ownsDescriptor { close(fd) } }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
      let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw ByteSourceError("read failed: \(String(cString: strerror(errno)))")
    }
  }
}
