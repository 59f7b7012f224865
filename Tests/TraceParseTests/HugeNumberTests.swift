import Foundation
import Testing

@testable import TraceParse

/// Numbers that trapped the parsers (issue 10): each is now refused or saturated, never a crash.
@Suite struct HugeNumberTests {
  private func span<R>(_ text: String, _ body: (ByteSpan) -> R) -> R {
    Array(text.utf8).withUnsafeBufferPointer { body(ByteSpan(base: $0.baseAddress, count: $0.count)) }
  }

  @Test func aTimestampPastInt64NanosecondsIsRefusedNotATrap() {
    // 9223372036 s fit in Int64 nanoseconds; adding .999999 s did not.
    #expect(span("9223372036.999999") { $0.parseDecimal(from: 0, scaleDigits: 9) } == nil)
    #expect(span("9223372036.854775") { $0.parseDecimal(from: 0, scaleDigits: 9)?.value } == 9_223_372_036_854_775_000)
  }

  @Test func aLineWithSuchATimestampIsWarnedAboutWithItsLine() throws {
    var lines = Fixtures.lines(Fixtures.fixGraph)
    #expect(lines[500].hasPrefix("    4.698166 |"))
    lines[500] = lines[500].replacingOccurrences(of: "    4.698166", with: "9223372036.999999")  // edit: line 501
    let (_, records, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    #expect(result.diagnostics.contains { $0.line == 501 && $0.severity == .warning })
    let (_, all, _) = try readAll(Fixtures.fixGraph)
    #expect(records.count == all.count - 1)
  }

  @Test func aTimestampNearTheLimitThenAnEarlierOneIsAWarningNotATrap() throws {
    // The backwards check added its tolerance to the timestamp and overflowed.
    var lines = Fixtures.lines(Fixtures.fixGraph)
    lines[500] = lines[500].replacingOccurrences(of: "    4.698166", with: "9223372036.854775")  // edit: line 501
    let (_, _, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    let d = result.diagnostics.first { $0.kind == .timestampBackwards }
    #expect(d?.line == 502)
  }

  @Test func aTimestampSlightlyBehindTheLastIsWarnedAbout() throws {
    // Within the 1 s tolerance (interleaved per-CPU buffers): no longer silent.
    var lines = Fixtures.lines(Fixtures.fixGraph)
    lines[500] = lines[500].replacingOccurrences(of: "    4.698166", with: "    4.600000")  // edit: 98 ms back
    let (_, _, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    let d = result.diagnostics.first { $0.kind == .timestampReordered }
    #expect(d?.line == 501)
    #expect(d?.message.contains("never negative") == true)
    #expect(!result.diagnostics.contains { $0.kind == .timestampBackwards })
  }

  @Test func saturatingArithmeticClampsAtTheBounds() {
    #expect(Int64.max.addingSaturated(1) == .max)
    #expect(Int64.min.addingSaturated(-1) == .min)
    #expect(Int64.min.subtractingSaturated(1) == .min)
    #expect(Int64.max.subtractingSaturated(-1) == .max)
    #expect(Int64(5).subtractingSaturated(7) == -2)
  }
}
