import Foundation
import Testing

@testable import TraceAnalysis

/// Durations and timestamps from hostile input reach the tracker saturated, never as a trap (issue 10).
@Suite struct HugeNumberVerdictTests {
  @Test func aLeafRetryLastingAlmostInt64NanosecondsIsAnalysedNotATrap() throws {
    var lines = Fixtures.lines(Fixtures.fixGraph)
    #expect(lines[321].hasSuffix("| + 35.403 us   |  handle_userfault();"))
    // Edit: the leaf call's duration becomes 9223372036854775 us; its end (start + duration) overflowed.
    lines[321] = lines[321].replacingOccurrences(of: "+ 35.403 us  ", with: "! 9223372036854775 us")
    let run = try analyze(Fixtures.temporary(lines))
    #expect(run.thread(67) != nil)
  }

  @Test func aPhaseEndingBeforeItStartedHasNoNegativeDuration() throws {
    var lines = Fixtures.lines(Fixtures.fixGraph)
    #expect(lines[319].hasPrefix("    4.642121 |"))
    // Edit: the exit of the first (sleeping) fault call is stamped 12 ms before its entry at 4.312394.
    lines[319] = lines[319].replacingOccurrences(of: "    4.642121", with: "    4.300000")
    let run = try analyze(Fixtures.temporary(lines))
    let episodes = try #require(run.thread(67)).episodes
    #expect(!episodes.isEmpty)
    for e in episodes { #expect((e.durationNs ?? 0) >= 0) }
    #expect(run.files[0].diagnostics.contains { $0.kind == .timestampReordered && $0.line == 320 })
  }
}
