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

  @Test func onlyTheTaskInIoWqPutAndExitWaitsForItsWorkers() throws {
    // tid 91 sleeps in a futex (S), 92 waits in io_wq_put_and_exit (D), 93 runs with an empty stack.
    let blocked = try analyze("\(Self.dir)/stacks.txt").files[0].blockedTasks
    #expect(blocked.map(\.tid) == [92])
    #expect(blocked.first?.waitsForWorkers == true && blocked.first?.stack.first == "io_wq_put_and_exit")
  }
}
