import ArgumentParser
import TraceDat
import TraceFold
import TraceParse
import TraceReport

/// `iou-analyze flamegraph FILE`: an interactive SVG flame graph of any input `collapse` reads.
struct FlameGraphCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "flamegraph",
    abstract: "Draw the stacks of a trace as an interactive SVG flame graph (search, click to zoom, tooltips).",
    usage: "iou-analyze flamegraph [<options>] <file>",
    discussion: """
      FILE is anything 'collapse' reads (perf script, function_graph text, trace.dat, /proc stacks, dmesg, \
      pasted reports) or folded stacks ('a;b;c 12' lines, as 'collapse' or FlameGraph print them; 'a;b;c 10 \
      12' lines, as difffolded.pl prints them, give a differential graph). '-' reads standard input. The SVG \
      is one self-contained file that works offline: click a frame to zoom, 'Reset Zoom' or Escape to go back, \
      'Search' or Ctrl-F to highlight frames by regular expression (or open it with ?s=REGEX), hover for the \
      frame's weight and share.

      With --before, the graph is differential (as difffolded.pl + flamegraph.pl): widths are FILE's weights, \
      red frames grew and blue frames shrank compared with the --before input.

      Exit status: 0, or 2 for bad input, bad usage or output that could not be written.
      """)

  @Argument(help: "A trace or folded stacks, or '-' for standard input.")
  var file: String

  @Option(
    help: ArgumentHelp("Draw a differential graph against this earlier trace or folded stacks.", valueName: "file"))
  var before: String?

  @Flag(help: "With --before: scale the earlier weights so both totals match (difffolded.pl -n).")
  var normalize = false

  @Option(help: "Force the input format (default: sniffed from the first lines).")
  var format: TraceFormat?

  @Option(help: "The title on top of the graph.")
  var title: String?

  @Option(help: "Width of the SVG in pixels.")
  var width = 1200

  @Option(help: ArgumentHelp("Write the SVG to this file instead of standard output.", valueName: "file"))
  var output: String?

  @Flag(name: .shortAndLong, help: "No warnings or notes; errors are still shown.")
  var quiet = false

  func validate() throws {
    guard (200...20000).contains(width) else { throw ValidationError("--width must be between 200 and 20000.") }
    if before == "-" && file == "-" { throw ValidationError("Only one of FILE and --before can be '-'.") }
  }

  func run() throws {
    let after = try load(file)
    var options = FlameGraphSVG.Options()
    options.width = width
    options.unit = after.weightsAreTimes ? "us" : "samples"
    var tree = after.tree
    if let before {
      let earlier = try load(before)
      tree = FlameTree.differential(before: earlier.tree, after: tree, normalize: normalize)
      options.title = title ?? "Differential Flame Graph"
      options.subtitle = "\(before) → \(file): red grew, blue shrank"
    } else {
      options.title = title ?? (tree.isDifferential ? "Differential Flame Graph" : "Flame Graph")
      options.subtitle = file == "-" ? "" : file
    }
    let out = try output.map(OutputChannel.create) ?? OutputChannel.standardOutput
    try out.write(FlameGraphSVG.render(tree, options: options))
    try out.close()
  }

  private func load(_ path: String) throws -> FlameGraphInput {
    try InputPath.checkFile(path)
    let input = try FlameGraphInput.load(path, format: format, traceDat: IsolatedTraceDatDecoder())
    if !quiet {
      for d in input.diagnostics { Console.report(d) }
    }
    return input
  }
}
