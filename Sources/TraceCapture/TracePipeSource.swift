import Foundation
import TraceParse

/// trace_pipe as a ``ByteSource``: waits for data with poll() so that a stop request (signal,
/// deadline, a verdict) ends the stream cleanly, and copies every byte read to a file.
public final class TracePipeSource: ByteSource {
  private var fd: Int32
  private let tee: FileHandle?
  private let deadline: Date?
  private let onTick: () -> Void
  /// Ends the stream when it returns true (checked before every read).
  public var stopWhen: (() -> Bool)?
  /// Bytes read so far.
  public private(set) var bytesRead: Int64 = 0

  /// Opens `path` (an instance's trace_pipe). `onTick` runs after every read and at least every
  /// 200 ms while waiting, so sampling and verdict checks go on whether the pipe is busy or quiet.
  public init(path: String, tee: FileHandle?, deadline: Date?, onTick: @escaping () -> Void) throws {
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    if fd < 0 { throw CaptureError("cannot open \(path): \(String(cString: strerror(errno)))") }
    self.tee = tee
    self.deadline = deadline
    self.onTick = onTick
  }

  deinit { closePipe() }

  /// Closes trace_pipe (the instance cannot be removed while it is open). Idempotent.
  public func closePipe() {
    if fd >= 0 { close(fd) }
    fd = -1
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
      if fd < 0 || stopRequested.load(ordering: .relaxed) || stopWhen?() == true { return 0 }
      if let deadline, Date() >= deadline { return 0 }
      let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
      if n > 0 {
        bytesRead += Int64(n)
        tee?.write(Data(bytes: buffer.baseAddress!, count: n))
        onTick()
        return n
      }
      if n == 0 { return 0 }
      guard errno == EAGAIN || errno == EINTR else {
        throw ByteSourceError("reading trace_pipe failed: \(String(cString: strerror(errno)))")
      }
      var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      _ = poll(&p, 1, 200)
      onTick()
    }
  }
}
