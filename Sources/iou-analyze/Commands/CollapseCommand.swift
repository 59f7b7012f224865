import ArgumentParser
import TraceDat
import TraceFold
import TraceParse

/// `iou-analyze collapse FILE`: folded stacks for flame graphs.
struct CollapseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "collapse",
    abstract: "Fold stacks into 'name;root;...;leaf weight' lines for flame graphs (FlameGraph, speedscope, inferno).",
    usage: "iou-analyze collapse [<options>] <file>",
    discussion: """
      FILE is read like 'analyze' reads it ('-' for stdin, .gz/.zst directly) and folded by its format:

      perf script: byte for byte what FlameGraph's stackcollapse-perf.pl (commit 41fee1f) prints with the same \
      options. The weight is the sum of the samples' periods (1 for samples without one, such as tracepoints \
      with a payload). Only the first event type seen is kept unless --event-filter names one. The process \
      name leads each stack (blanks become '_'); frames are root first, '+0x..' offsets removed, '[unknown]' \
      shown as '[dso]'. As in the Perl script, a last sample that is not followed by a blank line is not \
      counted, lines that fit nothing are reported on stderr and skipped. Not supported: --inline, --context, \
      --srcline.

      function_graph text (ftrace, trace-cmd report): the weight is each call's self time (duration minus its \
      traced children) summed per stack, in whole microseconds (rounded; stacks under 0.5 us in all are left \
      out). Calls whose entry precedes the capture are folded as name;fn.

      trace.dat (trace-cmd's binary file, given by its path): as function_graph text.

      /proc stacks, dmesg stack reports, pasted reports: each stack counts 1 (innermost frame last).

      folded stacks (this command's output): merged per stack ('a;b;c 10 12' before/after lines too).

      The format is picked from the first lines, one check per format (--format forces one).

      Output lines are sorted bytewise. Exit status: 0, or 2 for bad input, bad usage or output that could not \
      be written.
      """)

  @Argument(help: "perf script output, a function_graph trace, stacks, or '-' for standard input.")
  var file: String

  @Flag(help: "Append -PID to the process name ('?' when the input has only tids).")
  var pid = false

  @Flag(help: "Append -PID/TID to the process name.")
  var tid = false

  @Flag(help: "Annotate kernel frames with _[k].")
  var kernel = false

  @Flag(help: "Annotate JIT frames (/tmp/perf-PID.map) with _[j].")
  var jit = false

  @Flag(help: "Both annotations (--kernel --jit).")
  var all = false

  @Flag(help: "Show the address of frames without a symbol: [dso <ip>].")
  var addrs = false

  @Option(
    help: ArgumentHelp("Fold only samples of this event (default: the first event in the input).", valueName: "event"))
  var eventFilter: String?

  @Option(help: "Force the input format (default: sniffed from the first lines).")
  var format: TraceFormat?

  @Option(help: ArgumentHelp("Write the folded stacks to this file instead of standard output.", valueName: "file"))
  var output: String?

  @Flag(name: .shortAndLong, help: "No warnings or notes; errors are still shown.")
  var quiet = false

  func run() throws {
    var options = FoldOptions()
    options.includePid = pid
    options.includeTid = tid
    options.annotateKernel = kernel
    options.annotateJit = jit
    if all { options.setAll() }
    options.includeAddrs = addrs
    options.eventFilter = eventFilter ?? ""
    try InputPath.checkFile(file)
    let result = try Collapse.file(file, options: options, format: format, traceDat: IsolatedTraceDatDecoder())
    if !quiet {
      for d in result.diagnostics { Console.report(d) }
    }
    FreedMemory.release()
    try writeFolded { result.collapser.write(to: $0) }
  }

  /// Writes what `fold` produces to `--output` or standard output; a failed write ends the output.
  private func writeFolded(_ fold: ((UnsafeRawBufferPointer) -> Void) -> Void) throws {
    let out = try output.map(OutputChannel.create) ?? OutputChannel.standardOutput
    var writeError: OutputError?
    fold { bytes in
      guard writeError == nil else { return }
      do { try out.write(bytes) } catch { writeError = error as? OutputError }
    }
    if let writeError { throw writeError }
    try out.close()
  }
}
