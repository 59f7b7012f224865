import Foundation
import Testing
import TraceParse

@testable import TraceAnalysis

/// ftrace stack-trace entries read as stack samples of the event they follow, on the variants of
/// the real captures that ``StackTraceEventVariant`` builds (its doc comment names every edit).
@Suite struct StackTraceEventTests {
  struct Sample {
    var line: Int, tid: Int32, cpu: Int32, ts: Int64?, event: String, frames: [String]
  }

  static func samples(_ path: String) throws -> ([Sample], TraceReadResult) {
    final class Collector: TraceRecordSink {
      var records: [TraceRecord] = []
      func receive(_ record: TraceRecord) { records.append(record) }
    }
    let symbols = SymbolTable()
    var sink = Collector()
    let result = try TraceFileReader(symbols: symbols).read(path: path, into: &sink)
    let s: [Sample] = sink.records.compactMap {
      guard case .sample(let c, let e, let p, let st) = $0, p == nil else { return nil }
      return Sample(
        line: c.line, tid: c.tid, cpu: c.cpu, ts: c.timestamp, event: symbols.name(e),
        frames: st.frames.map { symbols.name($0) })
    }
    return (s, result)
  }

  static func entries(_ graph: String) -> [String] {
    Fixtures.lines(graph).filter { $0.hasSuffix("|  handle_userfault() {") }
  }

  @Test func functionTracerStacksAreSamplesOfTheFunctionCall() throws {
    let lines = StackTraceEventVariant.functionTracer(Fixtures.vanillaGraph)
    #expect(lines.contains("      iou-wrk-66-67      [001]     5.177209: <stack trace>"))
    let (s, r) = try Self.samples(Fixtures.temporary(lines + [""]))
    #expect(r.format == .ftrace && r.unrecognisedLines == 0 && r.diagnostics.isEmpty)
    let entries = Self.entries(Fixtures.vanillaGraph)
    #expect(entries.count == 79 && s.count == entries.count)
    let first = try #require(s.first)
    #expect(first.tid == 67 && first.cpu == 0 && first.ts == 4_861_643_000 && first.event == "handle_userfault")
    #expect(first.frames == StackTraceEventVariant.workerFrames(innermost: "handle_userfault"))
    #expect(first.frames.first == "handle_userfault" && first.frames.last == "ret_from_fork_asm")
    // Each stack carries the timestamp of its own call, not of the first one.
    #expect(s.last?.ts == 5_186_724_000)
  }

  @Test func functionTracerVariantOfTheVanillaRunSpins() throws {
    let run = try analyze(Fixtures.temporary(StackTraceEventVariant.functionTracer(Fixtures.vanillaGraph)))
    #expect(run.files.first?.format == "ftrace")
    #expect(run.verdict == .spinning && run.exitCode == 1)
    let w = try #require(run.thread(67))
    #expect(w.verdict == .spinning && w.isWorker && w.ownerTid == 66)
  }

  @Test func functionTracerVariantOfTheFixedRunDoesNotSpin() throws {
    let run = try analyze(Fixtures.temporary(StackTraceEventVariant.functionTracer(Fixtures.fixGraph)))
    #expect(run.files.first?.format == "ftrace")
    #expect(run.verdict != .spinning && run.exitCode == 0)
    #expect(run.thread(67)?.verdict == .resolved)
  }

  @Test func triggerStacksInAGraphAreSamplesOfTheSchedSwitch() throws {
    let lines = StackTraceEventVariant.graphComments(Fixtures.vanillaGraph, workerComm: "iou-wrk-66")
    let switches = Fixtures.lines(Fixtures.vanillaGraph).filter {
      $0.contains("/* sched_switch: prev_comm=iou-wrk-66 ")
    }
    #expect(!switches.isEmpty)
    let (s, r) = try Self.samples(Fixtures.temporary(lines + [""]))
    #expect(r.format == .ftrace && r.unrecognisedLines == 0)
    #expect(s.count == switches.count)
    #expect(s.allSatisfy { $0.tid == 67 && $0.event == "sched_switch" && $0.frames.first == "schedule" })
    #expect(s.first?.frames == StackTraceEventVariant.workerFrames(innermost: "schedule"))
  }

  @Test func triggerStacksLeaveTheGraphVerdictAsItWas() throws {
    let lines = StackTraceEventVariant.graphComments(Fixtures.vanillaGraph, workerComm: "iou-wrk-66")
    let run = try analyze(Fixtures.temporary(lines))
    #expect(run.verdict == .spinning && run.exitCode == 1 && run.thread(67)?.verdict == .spinning)
  }
}
