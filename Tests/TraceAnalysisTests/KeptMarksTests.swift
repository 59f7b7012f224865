import Foundation
import Testing
import TraceParse

@testable import TraceAnalysis

/// What a report keeps for pictures is bounded (4096 samples per thread, as documented), and an
/// empty folder is an error of the folder, not of a line in it.
@Suite struct KeptMarksTests {
  @Test func atMost4096SamplesOfAThreadAreKeptForPictures() throws {
    // Edit: the vanilla threadexit perf capture's samples repeated 40 times (5680 samples of the
    // worker, tid 93).
    let lines = Fixtures.lines(Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/perf.txt"))
    let samples = lines.drop { !$0.hasPrefix("iou-wrk-92 ") }
    let v = try #require(
      try analyze(Fixtures.temporary(Array(repeating: samples, count: 40).flatMap { $0 })).thread(93))
    #expect(v.evidence.contains { if case .faultSamples(5680, 5680, _, _) = $0 { true } else { false } })
    #expect(ThreadVerdict.markLimit == 4096 && v.samples.count == 4096)
  }

  @Test func aFolderWithoutCapturesIsAnErrorOfTheFolder() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iou-empty-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect {
      _ = try analyze(dir.path)
    } throws: { e in
      guard let d = (e as? TraceInputError)?.diagnostic else { return false }
      return d.kind == .open && d.line == 0 && d.message == "folder holds no capture files"
    }
  }
}
