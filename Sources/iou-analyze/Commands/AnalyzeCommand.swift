import Foundation
import TraceAnalysis
import TraceParse
import TraceReport

/// `iou-analyze analyze PATH...`
enum AnalyzeCommand {
  static let spec = CommandSpec(
    name: "analyze",
    abstract: "Tell, per thread, whether it spins in a kernel-mode fault-retry loop, sleeps, or got out.",
    discussion: """
      PATH is a trace file (ftrace text, trace-cmd report, ...; .gz and .zst are read directly), '-' for
      stdin, or a folder holding the captures of one run. Exit status: 0 no thread spins, 1 a thread
      spins, 2 bad input or usage, 3 inconclusive.
      """,
    arguments: [ArgumentSpec(name: "path", help: "Trace file, run folder, or '-' for stdin.", variadic: true)],
    options: ReportOption.options + AnalysisOptionSpecs.options)

  static func run(_ p: ParsedArguments, io: ConsoleIO) throws -> Int32 {
    let options = try AnalysisOptionSpecs.make(p, spec)
    let format = try ReportOption.format(p, spec)
    var exit: Int32 = 0
    var runs: [RunAnalysis] = []
    for path in p.positionals {
      let run = try RunAnalyzer.analyze(path, options: options)
      runs.append(run)
      exit = ExitCode.worst(exit, run.exitCode)
    }
    if options.progress != nil {
      FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))  // clear the progress line
    }
    io.out(try ReportOption.render(runs, format, colour: io.stdoutIsTerminal))
    for run in runs {
      for f in run.files {
        for d in f.diagnostics { io.err(d.formatted) }
      }
    }
    return exit
  }
}

/// Wraps one value or an array for the encoder.
struct AnyEncodable: Encodable {
  let encodeTo: (Encoder) throws -> Void
  init<T: Encodable>(_ value: T) { encodeTo = value.encode }
  func encode(to encoder: Encoder) throws { try encodeTo(encoder) }
}

/// Exit status conventions.
enum ExitCode {
  static let usage: Int32 = 2
  /// Spin (1) beats inconclusive (3) beats healthy (0).
  static func worst(_ a: Int32, _ b: Int32) -> Int32 {
    func rank(_ c: Int32) -> Int { c == 1 ? 3 : c == 2 ? 4 : c == 3 ? 2 : 0 }
    return rank(a) >= rank(b) ? a : b
  }
}
