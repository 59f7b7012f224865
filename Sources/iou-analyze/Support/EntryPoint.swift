import ArgumentParser
import TraceCapture
import TraceParse

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Parses the command line, runs the command and turns every way it can end into an exit status
/// and at most one message in the project's style (`iou-analyze: FILE:LINE: message`).
enum EntryPoint {
  /// Runs `arguments` (without the program name) and returns the exit status.
  static func run(_ arguments: [String]) -> Int32 {
    // A closed pipe comes back from write(2) as EPIPE, handled below, instead of a signal mid-write.
    signal(SIGPIPE, SIG_IGN)
    do {
      try SubcommandCheck.check(arguments)
      var command = try IOUAnalyze.parseAsRoot(arguments)
      try command.run()
      try OutputChannel.standardOutput.flush()
      return ExitStatus.healthy
    } catch {
      return finish(error)
    }
  }

  private static func finish(_ error: Error) -> Int32 {
    switch error {
    case let e as ExitCode:
      return e.rawValue
    case let e as OutputError:
      if e.isBrokenPipe { endAsBrokenPipe() }
      Console.error(e.message)
      return ExitStatus.failure
    case let e as TraceInputError:
      Console.report(e.diagnostic)
      return ExitStatus.failure
    case let e as FileError:
      Console.error("\(e.file): \(e.message)")
      return ExitStatus.failure
    case let e as CaptureError:
      Console.error(e.message)
      return ExitStatus.failure
    default:
      let code = IOUAnalyze.exitCode(for: error)
      let message = IOUAnalyze.fullMessage(for: error)
      if code == .success {  // --help, --version, --generate-completion-script
        let message = BuildInfo.printed(message)
        do {
          try OutputChannel.standardOutput.write(message.hasSuffix("\n") ? message : message + "\n")
          try OutputChannel.standardOutput.flush()
        } catch {
          return finish(error)
        }
        return ExitStatus.healthy
      }
      Console.error(message.hasPrefix("Error: ") ? String(message.dropFirst("Error: ".count)) : message)
      return code == .validationFailure ? ExitStatus.failure : code.rawValue
    }
  }

  /// The reader closed the pipe: end as `cat` does, quietly, killed by SIGPIPE (status 141 in a shell),
  /// whether SIGPIPE was ignored by whoever started us or not.
  private static func endAsBrokenPipe() -> Never {
    signal(SIGPIPE, SIG_DFL)
    raise(SIGPIPE)
    exit(ExitStatus.failure)  // not reached
  }
}
