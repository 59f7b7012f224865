import Foundation
import Testing

@testable import TraceAnalysis

/// The rules that combine the files of a run (``RunCombination``), with a per-file expectation for
/// every file of each folder built here from real captures.
@Suite struct RunCombinationTests {
  /// A new folder holding `files` (name → lines).
  func folder(_ files: [String: [String]]) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iou-run-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, lines) in files {
      #expect(
        FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(lines.joined(separator: "\n").utf8)))
    }
    return dir
  }

  func lab(_ path: String) -> [String] { Fixtures.lines(Fixtures.path("lab/" + path)) }

  /// Edit: a lost-events marker on the worker's CPU right after its first fault entry.
  func withLostEvents(_ lines: [String], comm: String) -> [String] {
    var out = lines
    let first = CaptureEdits.entries(lines, comm: comm)[0]
    out.insert("CPU:0 [LOST 10 EVENTS]", at: first + 1)
    out.insert("CPU:1 [LOST 10 EVENTS]", at: first + 1)
    return out
  }

  func verdicts(_ run: RunAnalysis) -> [String: Verdict?] {
    Dictionary(uniqueKeysWithValues: run.files.map { (($0.file as NSString).lastPathComponent, $0.worst) })
  }

  @Test func oneThreadInTwoFilesIsOneThreadAndItsDecisiveVerdictWins() throws {
    // The live capture of uffd-retry-sleep: function_graph and /proc stacks of the same run (tid 133).
    let dir = try folder([
      "fgraph_proc.txt": withLostEvents(
        try Fixtures.gunzip(Fixtures.path("lab/live-capture/uffd-retry-sleep/capture/fgraph_proc.txt.gz")),
        comm: "iou-wrk-133"),
      "stacks.txt": Fixtures.lines(Fixtures.path("lab/live-capture/uffd-retry-sleep/capture/stacks.txt")),
    ])
    let run = try analyze(dir)
    #expect(verdicts(run) == ["fgraph_proc.txt": .inconclusive, "stacks.txt": .sleeping])
    let t = try #require(run.threads.first { $0.tid == 133 })
    #expect(run.threads.filter { $0.tid == 133 }.count == 1)
    #expect(t.sightings.map(\.verdict) == [.inconclusive, .sleeping])
    #expect(t.verdict == .sleeping && !t.overruled)
    #expect(run.verdict == .sleeping && run.exitCode == 0)
  }

  @Test func anInconclusiveWorkerIsSetAsideWhenACaptureOfAnotherKindDecidesTheRole() throws {
    // Two captures of the uffd-retry-sleep cancel scenario from separate boots (other tids).
    let dir = try folder([
      "fgraph_proc.txt": withLostEvents(lab("uffd-retry-sleep/cancel/fgraph_proc.txt"), comm: "iou-wrk-81"),
      "stacks.txt": lab("uffd-retry-sleep/cancel/stacks.txt"),
    ])
    let run = try analyze(dir)
    #expect(verdicts(run) == ["fgraph_proc.txt": .inconclusive, "stacks.txt": .sleeping])
    #expect(run.threads.first { $0.tid == 81 }?.decidedBy?.hasSuffix("/stacks.txt") == true)
    #expect(run.verdict == .sleeping)
    #expect(run.reasons.contains { if case .overruled(_, 81, _, _) = $0 { true } else { false } })
  }

  @Test func anInconclusiveWorkerStaysWhenOnlyACaptureOfTheSameKindDecides() throws {
    let dir = try folder([
      "a-fgraph.txt": withLostEvents(lab("uffd-retry-sleep/cancel/fgraph_proc.txt"), comm: "iou-wrk-81"),
      "b-fgraph.txt": lab("uffd-retry-sleep/threadexit/fgraph_proc.txt"),  // another worker, tid 82
    ])
    let run = try analyze(dir)
    #expect(verdicts(run) == ["a-fgraph.txt": .inconclusive, "b-fgraph.txt": .sleeping])
    #expect(run.verdict == .inconclusive && run.exitCode == 3)
  }

  @Test func theRunNamesTheThreadsThatGiveItsVerdictAndNoOther() throws {
    // lab/seed-series/race: two workers SLEEPING (one of them seen in two files) and one RESOLVED.
    let run = try analyze(Fixtures.path("lab/seed-series/race"))
    #expect(run.verdict == .sleeping)
    #expect(run.threads.map(\.verdict).sorted() == [.sleeping, .sleeping, .resolved].sorted())
    let named = run.reasons.compactMap { r -> Int32? in
      if case .thread(_, let tid, let v, _) = r, v == run.verdict { tid } else { nil }
    }
    #expect(named == run.threads.filter { $0.verdict == .sleeping }.map(\.tid))
    #expect(run.reasons.count == named.count)
  }

  @Test func aSpinInAnyFileDecidesTheRun() throws {
    let run = try analyze(Fixtures.path("lab/vanilla/ringclose"))
    #expect(
      verdicts(run) == [
        "dmesg_hung.txt": nil, "fgraph_proc.txt": .spinning, "perf.txt": .inconclusive, "stacks.txt": .spinning,
        "sysrq.txt": .inconclusive,
      ])
    #expect(run.verdict == .spinning)
  }

  @Test func theFolderSummaryCountsAThreadSeenTwiceOnce() throws {
    let lines = Fixtures.lines(Fixtures.vanillaGraph)
    let run = try analyze(try folder(["a.txt": lines, "b.txt": lines]))
    #expect(run.files.flatMap(\.threads).filter { $0.tid == 67 }.count == 2)
    #expect(run.threads.filter { $0.tid == 67 }.count == 1)
    #expect(run.threads.first { $0.tid == 67 }?.sightings.count == 2)
  }

  @Test func aWaiterWithoutAnyWorkerIsInconclusive() throws {
    let run = try analyze(Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/dmesg_hung.txt"))
    #expect(run.threads.isEmpty || run.threads.allSatisfy { $0.verdict == .notInFault })
    #expect(run.verdict == .inconclusive)
  }
}
