import Foundation
import Testing
import TraceAnalysis
import TraceParse

@testable import TraceDat

let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("fixtures/shared-traces/fix-fail-fault/threadexit")

func analyze(_ path: String) throws -> RunAnalysis {
  var o = AnalysisOptions()
  o.traceDat = TraceDatDecoder()
  return try RunAnalyzer.analyze(path, options: o)
}

@Suite struct TraceDatDecoderTests {
  let dat = folder.appendingPathComponent("trace.dat").path
  let report = folder.appendingPathComponent("trace-cmd-report.txt").path

  @Test func givesTheSameVerdictAsTheTraceCmdReportTextOfTheSameFile() throws {
    let fromDat = try analyze(dat)
    let fromText = try analyze(report)
    #expect(fromDat.files[0].format == "trace.dat")
    let a = try #require(fromDat.files[0].threads.first { $0.tid == 364 })
    let b = try #require(fromText.files[0].threads.first { $0.tid == 364 })
    #expect(a.comm == b.comm)
    #expect(a.verdict == b.verdict)
    #expect(a.episodes.map(\.verdict) == b.episodes.map(\.verdict))
    // trace.dat has ns timestamps; the text rounds them to µs.
    for (x, y) in zip(a.episodes, b.episodes) { #expect(abs(x.startNs! - y.startNs!) <= 2_000) }
    #expect(a.episodes.map(\.faultCalls) == b.episodes.map(\.faultCalls))
  }

  @Test func everyThreadHasTheSameVerdictAsInTheTraceCmdReportText() throws {
    let fromDat = try analyze(dat).files[0].threads
    let fromText = try analyze(report).files[0].threads
    #expect(!fromDat.isEmpty)
    #expect(fromDat.map(\.tid).sorted() == fromText.map(\.tid).sorted())
    for a in fromDat {
      let b = try #require(fromText.first { $0.tid == a.tid })
      #expect(a.verdict == b.verdict, "tid \(a.tid)")
      #expect(a.episodes.map(\.verdict) == b.episodes.map(\.verdict), "tid \(a.tid)")
      #expect(a.episodes.map(\.faultCalls) == b.episodes.map(\.faultCalls), "tid \(a.tid)")
    }
  }

  @Test func decodesFuncgraphAndSchedRecordsDirectly() throws {
    let symbols = SymbolTable()
    var entries = 0
    var switches = 0
    var states: Set<String> = []
    struct Sink: TraceRecordSink {
      var body: (TraceRecord) -> Void
      mutating func receive(_ r: TraceRecord) { body(r) }
    }
    var sink = Sink { r in
      switch r {
      case .functionEntry(_, let f) where symbols.name(f) == "handle_userfault": entries += 1
      case .schedSwitch(_, let sw):
        switches += 1
        states.insert(sw.prevState.letter)
      default: break
      }
    }
    let result = try TraceDatDecoder().read(path: dat, displayName: "trace.dat", symbols: symbols, into: &sink)
    #expect(entries == 2)  // the report shows 2 handle_userfault entries
    #expect(switches > 400)
    // The kernel's own `I` for idle kthreads (trace-cmd 3.1.6's text prints `W` for it).
    #expect(states.contains("I") && states.contains("S") && states.contains("R"))
    #expect(result.recognisedLines == result.lines)
  }

  @Test func aTruncatedTraceDatIsAClearErrorNotACrash() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: dat))
    for cut in [2_000, bytes.count / 2] {
      let p = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(cut)-\(UUID()).dat").path
      _ = FileManager.default.createFile(atPath: p, contents: bytes.prefix(cut))
      #expect {
        _ = try analyze(p)
      } throws: { e in
        (e as? TraceInputError)?.diagnostic.file == p
      }
    }
  }

  @Test func inAFolderItIsOneMoreCaptureOfTheRun() throws {
    let run = try analyze(folder.path)
    #expect(run.files.contains { $0.format == "trace.dat" && $0.skipped == nil })
  }
}
