import Foundation
import Testing

@testable import TraceAnalysis

/// Verdicts on the lab's own real captures (fixtures/lab/<kernel>/<scenario>, see their READMEs).
@Suite struct LabCaptureVerdictTests {
  func lab(_ path: String) -> String { Fixtures.path("lab/\(path)") }

  @Test func aPlainWriteThreadWithAHandledSignalIsCaughtInTheSameLoop() throws {
    // Not an io worker: the detector is not limited to iou-wrk threads.
    let run = try analyze(lab("vanilla/write-signal/fgraph_proc.txt"))
    let t = try #require(run.files[0].threads.first { $0.verdict == .spinning })
    #expect(!t.isWorker)
    #expect(t.comm == "uffd_iou")
    #expect(t.episodes.map(\.verdict) == [.sleeping, .spinning])
  }

  @Test func aFixThatSleepsAndRetriesPeriodicallyIsSleepingWithItsWakeUpRate() throws {
    // uffd-retry-sleep: each retried fault sleeps up to HZ/10; the window ends inside a new call.
    let run = try analyze(lab("uffd-retry-sleep/cancel/fgraph_proc.txt"))
    let w = try #require(run.files[0].threads.first { $0.isWorker })
    #expect(w.verdict == .sleeping)
    let e = try #require(w.episodes.last)
    #expect(e.untilEndOfCapture)
    #expect(e.facts.contains { if case .wokeAndRetried = $0 { true } else { false } })
    #expect(e.facts.contains { if case .inNewCallAtEnd = $0 { true } else { false } })
    // Its calls slept and returned; at the end it is in a new call, not blocked.
    #expect(e.facts.first.map { if case .sleptThenReturned = $0 { true } else { false } } == true)
    #expect(!e.facts.contains(.stillBlockedAtEnd))
  }

  @Test func quickRetriesBetweenSleepsAreStatedOnlyWhenThereWereAny() throws {
    // lab/vanilla/busy-uffd-iouring (many workers on one fault): tid 94 retried once at once before
    // sleeping again; tid 90 slept in each of its 24 calls and states none.
    let run = try analyze(Fixtures.path("lab/vanilla/busy-uffd-iouring/fgraph_proc.txt.gz"))
    let quick = { (tid: Int32) in
      run.thread(tid)?.episodes.flatMap(\.facts).compactMap { f -> Int? in
        if case .quickRetriesBetweenSleeps(let n) = f { n } else { nil }
      }
    }
    #expect(quick(94) == [1])
    #expect(quick(90) == [])
  }

  @Test func twoCallsThatSleptHaveAWakeUpRateAndOneHasNone() throws {
    // Edit: the uffd-retry-sleep cancel capture cut before the worker's second or third call of
    // handle_userfault, so that its sleeping phase holds one or two calls that slept and returned.
    let lines = Fixtures.lines(lab("uffd-retry-sleep/cancel/fgraph_proc.txt"))
    let entries = lines.indices.filter {
      lines[$0].contains("iou-wrk-81") && lines[$0].hasSuffix("handle_userfault() {")
    }
    func sleep(cutBefore call: Int) throws -> [PhaseFact] {
      let run = try analyze(Fixtures.temporary(Array(lines[..<entries[call]])))
      let w = try #require(run.files[0].threads.first { $0.isWorker })
      return try #require(w.episodes.first { $0.verdict == .sleeping }).facts
    }
    func seconds(_ line: String) -> Int64 { Int64((Double(line.split(separator: " ")[0])! * 1e6).rounded()) * 1000 }
    let two = try sleep(cutBefore: 2)
    #expect(two.contains(.sleptThenReturned(calls: 2)))
    let span = seconds(lines[entries[2] - 1]) - seconds(lines[entries[0]])
    #expect(two.contains(.wokeAndRetried(calls: 2, spanNs: span)))
    let one = try sleep(cutBefore: 1)
    #expect(one.contains(.sleptThenReturned(calls: 1)))
    #expect(!one.contains { if case .wokeAndRetried = $0 { true } else { false } })
  }

  @Test(arguments: ["cancel", "ringclose", "sigstop", "threadexit"])
  func everySpinningScenarioSpinsOnVanilla(scenario: String) throws {
    #expect(try analyze(lab("vanilla/\(scenario)")).verdict == .spinning)
  }

  @Test(arguments: ["kill9", "resolved", "nouffd"])
  func healthyControlsDoNotSpinOnVanilla(scenario: String) throws {
    #expect(try analyze(lab("vanilla/\(scenario)")).exitCode == 0)
  }

  func compare(_ before: String, _ after: String) throws -> Comparison {
    Comparison.compare(before: try analyze(lab(before)), after: try analyze(lab(after)))
  }

  @Test func aFixThatSleepsForeverIsConfirmedWithTheExitHangNamed() throws {
    // seed-series: the worker sleeps for good, the exiting thread stays in io_wq_put_and_exit.
    let c = try compare("vanilla/threadexit", "seed-series/threadexit")
    #expect(c.verdict == .confirmed)
    #expect(
      c.residualHangs.contains {
        if case .blockedInD(let frame?, _, true) = $0.kind { frame.hasPrefix("io_wq_put_and_exit") } else { false }
      })
    #expect(c.residualHangs.contains { if case .asleepInFaultPath = $0.kind { true } else { false } })
  }

  @Test func aFixThatFailsTheFaultIsConfirmedWithNoHangLeft() throws {
    let c = try compare("vanilla/threadexit", "iowq-fail-fault/threadexit")
    #expect(c.verdict == .confirmed)
    #expect(c.residualHangs.isEmpty)
  }

  @Test func aFixForIoWorkersOnlyIsNotConfirmedForAPlainWrite() throws {
    let c = try compare("vanilla/write-signal", "iowq-fail-fault/write-signal")
    #expect(c.verdict == .notConfirmed)
    #expect(c.reasons.contains { if case .afterStillSpins = $0 { true } else { false } })
  }
}
