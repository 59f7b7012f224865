import Foundation
import Testing

@testable import TraceParse

/// Line forms our captures do not contain, built from real captured lines with the exact text the
/// kernel's printf formats add (kernel/trace/trace_functions_graph.c, trace.c in 6.12).
@Suite struct FunctionGraphVariantTests {
  func records(_ lines: [String]) throws -> (SymbolTable, [TraceRecord], TraceReadResult) {
    try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
  }

  @Test func irqArrowsInTheDurationColumn() throws {
    // print_graph_irq: prologue, "  " (FILL_START), "==========>" / "<==========", " |" (FILL_END).
    var lines = Fixtures.lines(Fixtures.vanillaGraph)
    lines.insert("    5.177300 |   1)   iou-wrk-67   |  ==========> |", at: 300)
    lines.insert("    5.177301 |   1)   iou-wrk-67   |  <========== |", at: 301)
    lines.insert(" 1)  ==========> |", at: 302)
    let (s, r, result) = try records(lines)
    #expect(result.unrecognisedLines == 0)
    let (_, plain, _) = try readAll(Fixtures.vanillaGraph)
    #expect(r.count == plain.count)  // arrows mark irq context, they are not calls
    _ = s
  }

  @Test func overrunCountAfterAnExit() throws {
    // funcgraph-overrun: " (Overruns: %u)" after the exit line.
    var lines = Fixtures.lines(Fixtures.vanillaGraph)
    let i = lines.firstIndex { $0.hasSuffix("|  }") }!
    lines[i] += " (Overruns: 3)"
    let (_, r, result) = try records(lines)
    #expect(result.unrecognisedLines == 0)
    #expect(r.contains { $0.context.line == i + 1 && $0.isExit })
  }

  @Test func contextInfoOffLeavesOnlyTheGraph() throws {
    // options/context-info off: no prologue and no duration column, just indentation and body.
    let lines = Fixtures.lines(Fixtures.fixGraph).map { line -> String in
      guard let bar = line.range(of: "|  ", options: .backwards), line.hasPrefix("    4.") || line.hasPrefix("    5.")
      else { return line }
      return String(line[bar.upperBound...])
    }
    let (s, r, result) = try records(lines)
    #expect(result.unrecognisedLines == 0)
    #expect(r.filter { $0.entryName.map { s.name($0) } == "handle_userfault" }.count == 1)
    #expect(r.allSatisfy { $0.context.timestamp == nil })
  }

  @Test func counterClockPrintsRawIntegers() throws {
    // trace_clock=counter (or x86-tsc): the timestamp column is a plain integer, kept as raw units.
    let lines = Fixtures.lines(Fixtures.traceCmdReport).map {
      $0.replacingOccurrences(of: #"(\d+)\.(\d{6}):"#, with: "$1$2:", options: .regularExpression)
    }
    let (_, r, result) = try records(lines)
    #expect(result.unrecognisedLines == 0)
    #expect(r.first?.context.timestamp == 59_269_786)
  }

  @Test func unbalancedBracesAreToleratedAndTheVerdictInputsSurvive() throws {
    // Drop 20 entry lines (`func() {`) from the real capture: their `}` become orphans.
    var lines = Fixtures.lines(Fixtures.vanillaGraph)
    var dropped = 0
    lines.removeAll { l in
      guard dropped < 20, l.hasSuffix("down_read() {") else { return false }
      dropped += 1
      return true
    }
    let (s, r, result) = try records(lines)
    #expect(result.unrecognisedLines == 0)
    #expect(r.filter { $0.entryName.map { s.name($0) } == "handle_userfault" }.count == 79)
  }
}
