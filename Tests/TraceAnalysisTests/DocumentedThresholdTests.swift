import Foundation
import Testing

@testable import TraceAnalysis

/// The limits the README states ("Thresholds are options", "How it decides", the hist method) are
/// the defaults the detector uses: a changed default, or a changed sentence, fails here.
@Suite struct DocumentedThresholdTests {
  static let readme = String(
    decoding: FileManager.default.contents(
      atPath: Fixtures.root.deletingLastPathComponent().appendingPathComponent("README.md").path)!,
    as: UTF8.self
  ).replacingOccurrences(of: "\n", with: " ")

  /// The one whole number in the README that follows `before` (a literal text) and precedes `after`.
  static func stated(_ before: String, _ after: String) throws -> Int {
    let pattern =
      NSRegularExpression.escapedPattern(for: before) + "([0-9]+)" + NSRegularExpression.escapedPattern(for: after)
    let re = try NSRegularExpression(pattern: pattern)
    let matches = re.matches(in: readme, range: NSRange(readme.startIndex..., in: readme))
    try #require(matches.count == 1, "\(before)N\(after) is stated \(matches.count) times")
    return Int(readme[Range(matches[0].range(at: 1), in: readme)!])!
  }

  let defaults = Thresholds()

  @Test func theCLIThresholdsAreTheStatedOnes() throws {
    #expect(try Self.stated("`--min-retries` (", ")") == defaults.minRetries)
    #expect(try Int64(Self.stated("`--max-retry-gap-ms` (", ")")) * 1_000_000 == defaults.maxRetryGap)
    #expect(try Int64(Self.stated("`--hang-ms` (", ")")) * 1_000_000 == defaults.hangMinimum)
  }

  @Test func theSampleAndSnapshotLimitsAreTheStatedOnes() throws {
    #expect(try Self.stated("at least ", " fault-path samples") == defaults.minFaultSamples)
    #expect(Self.readme.contains("half of its samples in the fault path") && defaults.minFaultSampleShare == 0.5)
    #expect(try Double(Self.stated("in the fault path, ", "% of a CPU)")) == defaults.minBusyShare * 100)
    #expect(try Double(Self.stated("Below ", "% of a CPU a thread is")) == defaults.maxAsleepShare * 100)
  }

  @Test func theCountedIntervalsAreTheStatedOnes() throws {
    #expect(
      try Self.stated("over at least ", " consecutive read intervals (`Thresholds.minCountedIntervals`)")
        == defaults.minCountedIntervals)
  }
}
