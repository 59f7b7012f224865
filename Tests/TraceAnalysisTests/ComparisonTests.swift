import Foundation
import Testing

@testable import TraceAnalysis

@Suite struct ComparisonTests {
  @Test func vanillaThenFixIsConfirmed() throws {
    let c = Comparison.compare(before: try analyze(Fixtures.vanillaGraph), after: try analyze(Fixtures.fixGraph))
    #expect(c.verdict == .confirmed)
    #expect(c.verdict.exitCode == 0)
    #expect(c.residualHangs.isEmpty)
    #expect(c.reasons.contains { $0.contains("after: iou-wrk-66 (tid 67) SLEEPING → RESOLVED") })
  }

  @Test func vanillaAgainstItselfIsNotConfirmed() throws {
    let run = try analyze(Fixtures.vanillaGraph)
    let c = Comparison.compare(before: run, after: run)
    #expect(c.verdict == .notConfirmed)
    #expect(c.reasons.contains { $0.contains("still SPINNING") })
  }

  @Test func aBeforeThatDoesNotSpinIsNotConfirmed() throws {
    let c = Comparison.compare(before: try analyze(Fixtures.kill9Graph), after: try analyze(Fixtures.fixGraph))
    #expect(c.verdict == .notConfirmed)
    #expect(c.reasons.first?.contains("does not show the bug") == true)
  }

  @Test func lostEventsInTheAfterCaptureMakeItInconclusive() throws {
    var lines = Fixtures.lines(Fixtures.fixGraph)
    lines.insert("CPU:0 [LOST 99 EVENTS]", at: 310)
    let c = Comparison.compare(
      before: try analyze(Fixtures.vanillaGraph), after: try analyze(Fixtures.temporary(lines)))
    #expect(c.verdict == .inconclusive)
    #expect(c.verdict.exitCode == 3)
  }

  @Test func anAfterWithNoThreadInTheFaultPathIsInconclusive() throws {
    // The first 60 lines of the fix capture: sched events only, before the write was submitted.
    let lines = Array(Fixtures.lines(Fixtures.fixGraph).prefix(60))
    let c = Comparison.compare(
      before: try analyze(Fixtures.vanillaGraph), after: try analyze(Fixtures.temporary(lines)))
    #expect(c.verdict == .inconclusive)
    #expect(c.reasons.contains { $0.contains("may not have reproduced") })
  }

  @Test func aFixThatLeavesTheWorkerAsleepForeverIsConfirmedWithAResidualHang() throws {
    // The part of the real vanilla capture where the worker is asleep in handle_userfault
    // (before io-wq signals it) stands for an "after" in which the sleep never ends.
    // Lines 1-250 end at 5.17 s, 313 ms into the sleep; the hang minimum is lowered to 200 ms.
    let asleep = Array(Fixtures.lines(Fixtures.vanillaGraph).prefix(250))
    let after = try analyze(Fixtures.temporary(asleep))
    var th = Thresholds()
    th.hangMinimum = 200_000_000
    let c = Comparison.compare(before: try analyze(Fixtures.vanillaGraph), after: after, thresholds: th)
    #expect(c.verdict == .confirmed)
    let hang = try #require(c.residualHangs.first)
    #expect(hang.tid == 67)
    #expect(hang.description.contains("asleep in the fault path"))
    // With the default 500 ms minimum, 313 ms asleep is not yet a hang.
    #expect(Comparison.compare(before: try analyze(Fixtures.vanillaGraph), after: after).residualHangs.isEmpty)
  }
}
