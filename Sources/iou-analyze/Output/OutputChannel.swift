#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A write that failed: the reader went away (EPIPE) or the output cannot take the bytes
/// (a full disk, a closed descriptor, an I/O error).
struct OutputError: Error {
  /// What was written to: `standard output` or the file's path.
  var destination: String
  /// The `errno` of the failed call.
  var code: Int32

  /// The reader of a pipe closed it: not an error of ours, the run ends quietly (as `cat` does).
  var isBrokenPipe: Bool { code == EPIPE }

  /// `cannot write to standard output: No space left on device`
  var message: String { "cannot write to \(destination): \(String(cString: strerror(code)))" }
}

/// Buffered bytes to one file descriptor through write(2), so that a failed write is an
/// ``OutputError`` the command reports instead of a trap or lost output.
final class OutputChannel {
  /// `standard output` or the file's path, for messages.
  let destination: String
  private let fd: Int32
  private let closedAtStart: Bool
  private var buffer: [UInt8] = []
  private static let flushSize = 1 << 20

  private init(fd: Int32, destination: String, closedAtStart: Bool) {
    self.fd = fd
    self.destination = destination
    self.closedAtStart = closedAtStart
  }

  /// Standard output. When the process started with descriptor 1 closed, every write fails with
  /// EBADF (descriptor 1 itself is then held by /dev/null so that no file opened later takes it).
  /// Used from the main thread only (a command runs on one thread).
  nonisolated(unsafe) static let standardOutput: OutputChannel = {
    let closed = fcntl(1, F_GETFD) == -1
    if closed { _ = open("/dev/null", O_WRONLY) }  // lowest free descriptor: 1
    return OutputChannel(fd: 1, destination: "standard output", closedAtStart: closed)
  }()

  /// Creates (or truncates) the file at `path` for writing.
  static func create(path: String) throws -> OutputChannel {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OutputError(destination: path, code: errno) }
    return OutputChannel(fd: fd, destination: path, closedAtStart: false)
  }

  /// Appends text; a line end is not added.
  func write(_ text: String) throws {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= Self.flushSize { try flush() }
  }

  /// Appends bytes. A block of ``directSize`` bytes or more is written out at once, after what is
  /// buffered, instead of being copied (folded stacks come in such blocks, and can be gigabytes).
  func write(_ bytes: UnsafeRawBufferPointer) throws {
    if bytes.count >= Self.directSize {
      try flush()
      try writeAll(bytes)
      return
    }
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.flushSize { try flush() }
  }

  /// The size from which ``write(_:)-(UnsafeRawBufferPointer)`` does not buffer a block.
  static let directSize = 1 << 16

  /// Writes out everything buffered.
  func flush() throws {
    defer { buffer.removeAll(keepingCapacity: true) }
    if buffer.isEmpty { return }
    try buffer.withUnsafeBytes { try writeAll($0) }
  }

  /// Writes `bytes` to the descriptor; a short write is retried, EINTR is retried.
  private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
    if bytes.isEmpty { return }
    if closedAtStart { throw OutputError(destination: destination, code: EBADF) }
    var done = 0
    while done < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw OutputError(destination: destination, code: n < 0 ? errno : EIO) }
      done += n
    }
  }

  /// Flushes and closes a file (standard output stays open); a failed close is a failed write.
  func close() throws {
    try flush()
    guard fd != 1 else { return }
    if Glibc.close(fd) != 0 { throw OutputError(destination: destination, code: errno) }
  }
}
