import Foundation
import Testing

@testable import TraceAnalysis

/// A sampled spin needs samples inside the retry function itself, not only elsewhere in the fault
/// path. Built from the real perf samples of the vanilla threadexit run (perf.txt), whose worker
/// tid 93 has 85 of its 142 samples in handle_userfault.
@Suite struct SampledRetryFunctionTests {
  static let perf = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/perf.txt")

  /// Edit: the `handle_userfault+` frames renamed `handle_userfault_x+` (a function no rule knows)
  /// in every sample but the first `keep` ones that have it.
  static func renamed(keeping keep: Int) -> [String] {
    var seen = 0
    var inKept = false
    return Fixtures.lines(perf).map { l in
      if !l.hasPrefix("\t"), !l.isEmpty { inKept = false }
      guard l.contains(" handle_userfault+") else { return l }
      if !inKept, seen < keep {
        seen += 1
        inKept = true
      }
      return inKept ? l : l.replacingOccurrences(of: " handle_userfault+", with: " handle_userfault_x+")
    }
  }

  static func worker(keeping keep: Int) throws -> ThreadVerdict {
    try #require(try analyze(Fixtures.temporary(renamed(keeping: keep))).thread(93))
  }

  @Test func noSampleInTheRetryFunctionIsInconclusive() throws {
    let v = try Self.worker(keeping: 0)
    #expect(v.verdict == .inconclusive && v.caveats.contains(.noSampleInRetryFunction))
  }

  @Test func oneSampleInTheRetryFunctionIsEnough() throws {
    let v = try Self.worker(keeping: 1)
    #expect(v.evidence.contains { if case .faultSamples(142, 142, 1, _) = $0 { true } else { false } })
    #expect(v.verdict == .spinning && !v.caveats.contains(.noSampleInRetryFunction))
  }
}
