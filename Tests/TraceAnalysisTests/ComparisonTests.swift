import Foundation
import Testing

@testable import TraceAnalysis

@Suite struct ComparisonTests {
  @Test func vanillaThenFixIsConfirmed() throws {
    let c = Comparison.compare(before: try analyze(Fixtures.vanillaGraph), after: try analyze(Fixtures.fixGraph))
    #expect(c.verdict == .confirmed)
    #expect(c.verdict.exitCode == 0)
    #expect(c.residualHangs.isEmpty)
    #expect(
      c.reasons.contains(
        .afterSettled(comm: "iou-wrk-66", tid: 67, sequence: [.sleeping, .resolved], file: Fixtures.fixGraph)))
  }

  @Test func anAfterThatStillSpinsIsNotConfirmed() throws {
    // The vanilla folder's function_graph file against the same capture copied elsewhere.
    let copy = Fixtures.temporary(Fixtures.lines(Fixtures.vanillaGraph))
    let c = Comparison.compare(before: try analyze(Fixtures.vanillaGraph), after: try analyze(copy))
    #expect(c.verdict == .notConfirmed)
    #expect(c.verdict.exitCode == 1)
    #expect(c.reasons.contains(.afterStillSpins(comm: "iou-wrk-66", tid: 67, file: copy)))
  }

  @Test func theSamePathTwiceIsInconclusiveAndSaidSo() throws {
    let run = try analyze(Fixtures.vanillaGraph)
    let c = Comparison.compare(before: run, after: run)
    #expect(c.verdict == .inconclusive)
    #expect(c.reasons.first == .samePath(path: Fixtures.vanillaGraph))
  }

  @Test func aBeforeThatDoesNotSpinIsInconclusiveNotAFailedFix() throws {
    let c = Comparison.compare(before: try analyze(Fixtures.kill9Graph), after: try analyze(Fixtures.fixGraph))
    #expect(c.verdict == .inconclusive)
    #expect(c.verdict.exitCode == 3)
    #expect(c.reasons.first == .beforeShowsNoSpin)
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
    #expect(c.reasons.contains(.afterNothingInFaultPath))
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
    #expect(
      hang.kind == .asleepInFaultPath(function: "handle_userfault", fromLine: 102, durationNs: hangDuration(hang)))
    // With the default 500 ms minimum, 313 ms asleep is not yet a hang.
    #expect(Comparison.compare(before: try analyze(Fixtures.vanillaGraph), after: after).residualHangs.isEmpty)
  }
}

/// The duration a residual hang states (to compare the rest of its kind exactly).
private func hangDuration(_ h: ResidualHang) -> Int64? {
  if case .asleepInFaultPath(_, _, let d) = h.kind { return d }
  return nil
}
