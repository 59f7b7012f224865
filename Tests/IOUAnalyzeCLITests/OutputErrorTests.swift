import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What happens when the output cannot take the report: a reader that went away ends the run
/// quietly, as `cat` does; any other failed write is one line on stderr and exit 2, never a trap
/// and never success with the output lost.
@Suite struct OutputErrorTests {
  static let vanilla = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt")
  static let fix = CLI.fixture("shared-traces/fix-fail-fault/threadexit/fgraph_proc.txt")
  static let perf = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/perf.txt")
  /// Folds into 145 KB: one block, written without being buffered (OutputChannel.directSize).
  static let graph = CLI.fixture("lab/vanilla/busy-uffd-iouring/fgraph_proc.txt.gz")
  static let commands: [[String]] = [
    ["analyze", vanilla], ["compare", vanilla, fix], ["collapse", perf], ["collapse", graph], ["analyze", "--help"],
  ]

  struct Ended {
    var status: Int32
    var signalled: Bool
    var stderr: String
  }

  /// Runs the binary under `/usr/bin/env` (for its signal options) with stdout on `stdout`.
  static func run(_ envOptions: [String], _ args: [String], stdout: FileHandle) throws -> Ended {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = envOptions + [CLI.executable.path] + args
    p.standardOutput = stdout
    let err = Pipe()
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Ended(
      status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
      stderr: String(decoding: e, as: UTF8.self))
  }

  /// A pipe whose reader is already gone: every write to it fails with EPIPE.
  static func brokenPipe() -> FileHandle {
    var fds: [Int32] = [0, 0]
    precondition(pipe(&fds) == 0)
    close(fds[0])
    return FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
  }

  @Test(arguments: commands)
  func aFullDiskIsOneLineAndExitTwo(_ args: [String]) throws {
    let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
    let r = try Self.run([], args, stdout: full)
    #expect(!r.signalled && r.status == 2, "\(args): \(r)")
    #expect(r.stderr == "iou-analyze: cannot write to standard output: No space left on device\n")
  }

  @Test(arguments: commands)
  func aClosedStdoutIsOneLineAndExitTwo(_ args: [String]) throws {
    // `env` cannot close a descriptor: the shell does (`>&-`), then execs the binary.
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "exec \"$0\" \"$@\" >&-", CLI.executable.path] + args
    let err = Pipe()
    p.standardError = err
    try p.run()
    let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationReason == .exit && p.terminationStatus == 2, "\(args)")
    #expect(e == "iou-analyze: cannot write to standard output: Bad file descriptor\n")
  }

  @Test(arguments: commands)
  func aClosedPipeEndsQuietlyWithSIGPIPEIgnored(_ args: [String]) throws {
    let r = try Self.run(["--ignore-signal=PIPE"], args, stdout: Self.brokenPipe())
    #expect(r.signalled && r.status == SIGPIPE, "\(args): \(r)")
    #expect(r.stderr.isEmpty)
  }

  @Test(arguments: commands)
  func aClosedPipeEndsQuietlyWithSIGPIPEDefault(_ args: [String]) throws {
    let r = try Self.run(["--default-signal=PIPE"], args, stdout: Self.brokenPipe())
    #expect(r.signalled && r.status == SIGPIPE, "\(args): \(r)")
    #expect(r.stderr.isEmpty)
  }

  @Test func aReportFileThatCannotBeWrittenIsExitTwo() throws {
    let r = try CLI.run(["analyze", "--report", "junit=/dev/full", Self.vanilla])
    #expect(r.status == 2)
    #expect(r.stderr == "iou-analyze: cannot write to /dev/full: No space left on device\n")
    let missing = try CLI.run(["collapse", "--output", "/nonexistent/dir/out.folded", Self.perf])
    #expect(missing.status == 2)
    #expect(missing.stderr == "iou-analyze: cannot write to /nonexistent/dir/out.folded: No such file or directory\n")
  }
}
