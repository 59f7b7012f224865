import Foundation
import Testing

@testable import TraceAnalysis

/// The spans and roles the sampled and /proc evidence states, checked against the real captures'
/// own lines (vanilla-6.12.117/threadexit: perf.txt and stacks.txt).
@Suite struct SnapshotAndSampleSpanTests {
  static let dir = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit")

  @Test func theFaultSampleRateRunsFromTheFirstFaultSampleToTheLast() throws {
    let path = "\(Self.dir)/perf.txt"
    let v = try #require(try analyze(path).thread(93))
    // Every sample of the worker is in the fault path, so its first and last sample headers bound it.
    #expect(
      v.evidence.contains {
        if case .faultSamples(let inFault, let total, _, _) = $0 { inFault == total } else { false }
      })
    let times = Fixtures.lines(path).filter { $0.hasPrefix("iou-wrk-92 ") }.map { l -> Int64 in
      let field = l.split(separator: " ").first { $0.hasSuffix(":") && $0.contains(".") }!.dropLast()
      return Int64((Double(field)! * 1e6).rounded()) * 1000
    }
    try #require(times.count == 142)
    #expect(v.evidence.contains(.faultSampleRate(samples: 142, spanNs: times.last! - times.first!)))
  }

  @Test func aSingleFaultSampleHasNoRate() throws {
    // Edit: perf.txt with the worker's samples cut to its first one or its first two (each sample
    // is a header line and its frame lines, up to the blank line that ends it).
    var blocks: [[String]] = [[]]
    for l in Fixtures.lines("\(Self.dir)/perf.txt") {
      if l.isEmpty { blocks.append([]) } else { blocks[blocks.count - 1].append(l) }
    }
    func worker(keeping n: Int) throws -> ThreadVerdict {
      var kept = 0
      let lines = blocks.filter { b in
        guard b.contains(where: { $0.hasPrefix("iou-wrk-92 ") }) else { return true }
        kept += 1
        return kept <= n
      }.flatMap { $0 + [""] }
      let v = try #require(try analyze(Fixtures.temporary(lines)).thread(93))
      try #require(v.evidence.contains { if case .faultSamples(n, n, _, _) = $0 { true } else { false } })
      return v
    }
    let rate = { (v: ThreadVerdict) in v.evidence.filter { if case .faultSampleRate = $0 { true } else { false } } }
    #expect(rate(try worker(keeping: 1)).isEmpty)
    let two = rate(try worker(keeping: 2))
    #expect(two.count == 1)
    #expect(two.first.map { if case .faultSampleRate(2, let span) = $0 { span > 0 } else { false } } == true)
  }

  @Test func onlyTheTaskInIoWqPutAndExitWaitsForItsWorkers() throws {
    // tid 91 sleeps in a futex (S), 92 waits in io_wq_put_and_exit (D), 93 runs with an empty stack.
    let blocked = try analyze("\(Self.dir)/stacks.txt").files[0].blockedTasks
    #expect(blocked.map(\.tid) == [92])
    #expect(blocked.first?.waitsForWorkers == true && blocked.first?.stack.first == "io_wq_put_and_exit")
  }
}
