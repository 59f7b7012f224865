import Foundation
import TraceCapture
import TraceParse

/// The version printed by `--version`.
let version = "0.1.0"

let commands: [(spec: CommandSpec, run: (ParsedArguments, ConsoleIO) throws -> Int32)] = [
  (AnalyzeCommand.spec, AnalyzeCommand.run),
  (CompareCommand.spec, CompareCommand.run),
  (CollapseCommand.spec, CollapseCommand.run),
  (CaptureCommand.spec, CaptureCommand.run),
  (WatchCommand.spec, WatchCommand.run),
]

let topHelp = """
  OVERVIEW: Read Linux kernel traces and tell what each thread was doing: whether an io_uring worker
  spins in a page-fault retry loop, sleeps, or got out.

  USAGE: iou-analyze <subcommand>

  OPTIONS:
    --version                 Show the version.
    -h, --help                Show help information.

  SUBCOMMANDS:
  \(commands.map { "  " + $0.spec.name.padding(toLength: 24, withPad: " ", startingAt: 0) + $0.spec.abstract }.joined(separator: "\n"))

    See 'iou-analyze help <subcommand>' for detailed help.
  """

@MainActor func main() -> Int32 {
  let io = ConsoleIO()
  var args = Array(CommandLine.arguments.dropFirst())
  if args.isEmpty || args == ["-h"] || args == ["--help"] {
    io.out(topHelp)
    return args.isEmpty ? ExitCode.usage : 0
  }
  if args == ["--version"] {
    io.out(version)
    return 0
  }
  if args[0] == "help" {
    guard args.count > 1, let c = commands.first(where: { $0.spec.name == args[1] }) else {
      io.out(topHelp)
      return 0
    }
    io.out(c.spec.help)
    return 0
  }
  let name = args.removeFirst()
  guard let command = commands.first(where: { $0.spec.name == name }) else {
    io.err("Error: Unknown subcommand '\(name)'\n\(topHelp)")
    return ExitCode.usage
  }
  do {
    let parsed = try ArgumentParser.parse(args, command.spec)
    if parsed.wantsHelp {
      io.out(command.spec.help)
      return 0
    }
    if args.contains("--version") {
      io.out(version)
      return 0
    }
    return try command.run(parsed, io)
  } catch let e as UsageError {
    io.err("Error: \(e.message)")
    if let spec = e.spec {
      io.err("Usage: \(spec.usage)\n  See 'iou-analyze \(spec.name) --help' for more information.")
    }
    return ExitCode.usage
  } catch let e as CaptureError {
    io.err("Error: \(e.message)")
    return ExitCode.usage
  } catch let e as TraceInputError {
    io.err("Error: \(e.diagnostic.formatted)")
    return ExitCode.usage
  } catch {
    io.err("Error: \(error)")
    return ExitCode.usage
  }
}

exit(main())
