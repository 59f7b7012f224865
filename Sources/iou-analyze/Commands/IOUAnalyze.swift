import ArgumentParser

/// The root command: only subcommands, `--version` and `--help`.
struct IOUAnalyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "iou-analyze",
    abstract: """
      Read Linux kernel traces and tell what each thread was doing: whether an io_uring worker spins in a \
      page-fault retry loop, sleeps, or got out.
      """,
    discussion: ExitStatus.help,
    version: BuildInfo.version,
    subcommands: [
      AnalyzeCommand.self, CompareCommand.self, CollapseCommand.self, FlameGraphCommand.self, CaptureCommand.self,
      WatchCommand.self,
    ])

  func run() throws {
    throw ValidationError("Missing subcommand: analyze, compare, collapse, flamegraph, capture or watch.")
  }
}
