import Foundation
import TraceParse

#if canImport(Glibc)
  import Glibc
#endif

/// Reads trace.dat through libtracecmd in a helper process: this executable started again with
/// ``TraceDatWorker/environmentKey`` set, streaming the decoded records back over a pipe. A crash
/// (e.g. SIGSEGV in `tracecmd_open_fd` on a corrupt header) or a hang of the C library becomes one
/// error for that file; the process reading it, and the other files of a run folder, go on.
public struct IsolatedTraceDatDecoder: TraceDatDecoding {
  /// The executable to start as the helper (by default this one); it must call
  /// ``TraceDatWorker/runIfRequested()`` before anything else.
  public var executable: String
  /// Seconds without any output from the helper before it is killed as hung.
  public var stallTimeout: Int

  /// A decoder starting `executable` (this process's own by default).
  public init(executable: String = "/proc/self/exe", stallTimeout: Int = 60) {
    self.executable = executable
    self.stallTimeout = stallTimeout
  }

  public func read<S: TraceRecordSink>(path: String, displayName: String, symbols: SymbolTable, into sink: inout S)
    throws -> TraceReadResult
  {
    guard path != "-" else {
      throw TraceInputError(
        file: displayName, line: 0, kind: .traceDat, "trace.dat cannot be read from stdin: give its path")
    }
    let helper = try HelperProcess(executable: executable, path: path, file: displayName)
    var reader = RecordStreamReader(symbols: symbols)
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var streamError: String?
    var stalled = false
    while true {
      var pfd = pollfd(fd: helper.output, events: Int16(POLLIN), revents: 0)
      let ready = poll(&pfd, 1, Int32(stallTimeout * 1000))
      if ready < 0, errno == EINTR { continue }
      if ready == 0 {
        stalled = true
        break
      }
      let n = buffer.withUnsafeMutableBytes { Glibc.read(helper.output, $0.baseAddress, $0.count) }
      if n < 0, errno == EINTR { continue }
      if n <= 0 { break }
      do {
        try buffer.withUnsafeBytes { try reader.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n]), into: &sink) }
      } catch let e as RecordStreamError {
        streamError = e.message
        break
      }
    }
    let status = helper.finish(kill: stalled || streamError != nil)
    if stalled {
      throw TraceInputError(
        file: displayName, line: 0, kind: .traceDat,
        "libtracecmd stopped responding while reading this trace.dat (no progress for \(stallTimeout) s); the helper process was killed after \(reader.records) records"
      )
    }
    if let f = reader.failure { throw TraceInputError(file: displayName, line: 0, kind: f.kind, f.message) }
    if let streamError {
      throw TraceInputError(
        file: displayName, line: 0, kind: .traceDat, "the trace.dat helper process sent a broken stream: \(streamError)"
      )
    }
    guard let done = reader.done else {
      throw TraceInputError(
        file: displayName, line: 0, kind: .traceDat,
        "libtracecmd \(status.description) while reading this trace.dat (after \(reader.records) records): the file is corrupt or of a version it cannot read"
      )
    }
    var log = DiagnosticLog(file: displayName)
    for d in reader.diagnostics { log.add(d.severity, d.kind, line: d.line, d.message) }
    var size = stat()
    return TraceReadResult(
      format: .traceDat, lines: done.lines, bytes: stat(path, &size) == 0 ? Int64(size.st_size) : 0,
      recognisedLines: done.records, unrecognisedLines: 0, isCutWindow: false, diagnostics: log.summarized)
  }
}

/// How the helper ended.
struct HelperStatus: CustomStringConvertible {
  var exitCode: Int32?
  var signal: Int32?

  var description: String {
    if let signal {
      let name =
        signal == SIGSEGV
        ? "SIGSEGV"
        : signal == SIGABRT
          ? "SIGABRT"
          : signal == SIGBUS
            ? "SIGBUS"
            : signal == SIGILL ? "SIGILL" : signal == SIGKILL ? "SIGKILL" : "signal \(signal)"
      return "crashed (\(name))"
    }
    return "ended with exit status \(exitCode ?? -1) before finishing"
  }
}

/// The helper: spawned with its stdout on a pipe, stdin and stderr on /dev/null.
private final class HelperProcess {
  let pid: pid_t
  let output: Int32
  private var reaped = false

  init(executable: String, path: String, file: String) throws {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else {
      throw TraceInputError(file: file, line: 0, kind: .traceDat, "cannot create a pipe for the trace.dat helper")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])
    var env = ProcessInfo.processInfo.environment
    env[TraceDatWorker.environmentKey] = path
    let envStrings = env.map { "\($0.key)=\($0.value)" }
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), nil]
    let envp: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
    defer { for p in argv + envp { free(p) } }
    var child: pid_t = 0
    let rc = posix_spawn(&child, executable, &actions, nil, argv, envp)
    close(fds[1])
    guard rc == 0 else {
      close(fds[0])
      throw TraceInputError(
        file: file, line: 0, kind: .traceDat,
        "cannot start the trace.dat helper process (\(executable)): \(String(cString: strerror(rc)))")
    }
    pid = child
    output = fds[0]
  }

  /// Waits for the helper (killing it first when asked) and says how it ended.
  func finish(kill: Bool) -> HelperStatus {
    if kill { Glibc.kill(pid, SIGKILL) }
    close(output)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    reaped = true
    let sig = status & 0x7F
    return sig != 0 ? HelperStatus(signal: sig) : HelperStatus(exitCode: (status >> 8) & 0xFF)
  }

  deinit {
    if !reaped {
      Glibc.kill(pid, SIGKILL)
      close(output)
      var status: Int32 = 0
      waitpid(pid, &status, 0)
    }
  }
}
