import Foundation
import Testing
import TraceDat
import TraceFold
import TraceParse

/// The tri-state checks pick one collapser per real capture, the same format `analyze` sniffs.
@Suite struct CollapserGuessTests {
  static let captures: [(file: String, format: TraceFormat)] = [
    (Fixtures.vanilla + "perf.txt", .perfScript), (Fixtures.vanilla + "fgraph_proc.txt", .ftrace),
    (Fixtures.vanilla + "stacks.txt", .procStack), (Fixtures.vanilla + "dmesg_hung.txt", .kernelLog),
    (Fixtures.vanilla + "sysrq.txt", .kernelLog), (Fixtures.fix + "trace-cmd-report.txt", .ftrace),
    (Fixtures.fix + "trace.dat", .traceDat), ("seed/000_dd79d7cdb8de7c93.txt", .pastedReport),
    ("shared-traces/vanilla-6.12.117/kill9/fgraph_proc.txt", .ftrace),
  ]

  func pick(_ path: String) throws -> any StackCollapser {
    let source = SampledSource(try InputOpener.open(path))
    return try CollapserGuess(options: FoldOptions(), traceDat: TraceDatDecoder()).pick(source, displayName: path)
  }

  @Test(arguments: captures.map(\.file))
  func eachCapturePicksItsFormat(_ file: String) throws {
    let expected = Self.captures.first { $0.file == file }!.format
    #expect(try pick(Fixtures.path(file)).format == expected)
  }

  @Test(arguments: captures.map(\.file).filter { !$0.hasSuffix(".dat") })
  func theGuessAgreesWithTheAnalyzersSniffer(_ file: String) throws {
    struct Discard: TraceRecordSink { mutating func receive(_ record: TraceRecord) {} }
    var sink = Discard()
    let sniffed = try TraceFileReader(symbols: SymbolTable()).read(path: Fixtures.path(file), into: &sink).format
    #expect(try pick(Fixtures.path(file)).format == sniffed)
  }

  @Test func perfLinesAreUndecidedFirstThenYesAndNoForFunctionGraph() throws {
    let lines = try String(contentsOfFile: Fixtures.path(Fixtures.vanilla + "perf.txt"), encoding: .utf8)
      .split(separator: "\n").prefix(4).map { Array($0.utf8) }
    var perf = PerfScriptCollapser(options: FoldOptions())
    var graph = FtraceCollapser(options: FoldOptions())
    var answers: [FormatMatch] = []
    var graphAnswers: [FormatMatch] = []
    for l in lines {
      l.withUnsafeBufferPointer { b in
        answers.append(perf.isApplicable(ByteSpan(base: b.baseAddress, count: b.count)))
        graphAnswers.append(graph.isApplicable(ByteSpan(base: b.baseAddress, count: b.count)))
      }
    }
    #expect(answers.first == .undecided && answers.last == .yes)
    #expect(!graphAnswers.contains(.yes))
    #expect(graph.isApplicableAtEndOfSample() == .no)
  }

  @Test func textThatIsNoTraceIsRefusedWithItsName() throws {
    let p = Fixtures.temporary(Array("just some words\nand more words\n".utf8))
    #expect {
      try pick(p)
    } throws: { e in
      "\(e)".hasPrefix("\(p):1: error: not a trace: none of the first 2 lines looks like a format collapse reads")
    }
    let empty = Fixtures.temporary(Array("\n  \n".utf8))
    #expect {
      try pick(empty)
    } throws: { e in "\(e)".contains("empty") }
  }
}
