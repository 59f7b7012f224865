import Foundation
import Testing

@testable import TraceParse

/// The lines held while the format is being decided are bounded in number and bytes (issue 10:
/// 200 MiB of newlines were all kept, 4.3 GB of RSS).
@Suite struct SniffingBoundTests {
  @Test func aTraceAfterMillionsOfBlankLinesIsStillFound() throws {
    // Edit: 5 M newlines put in front of the real capture.
    let bytes = [UInt8](repeating: 0x0A, count: 5_000_000) + Fixtures.bytes(Fixtures.fixGraph)
    let (_, records, result) = try readAll(Fixtures.temporary(bytes))
    #expect(result.format == .ftrace)
    let (_, all, _) = try readAll(Fixtures.fixGraph)
    #expect(records.count == all.count)
  }

  @Test func onlyWhiteSpaceIsEmptyHoweverLong() throws {
    let bytes = Array(String(repeating: " \t\n", count: 3_000_000).utf8)
    #expect {
      _ = try readAll(Fixtures.temporary(bytes))
    } throws: { e in
      (e as? TraceInputError)?.diagnostic.kind == .empty
    }
  }

  @Test func aFileOfOnlyOverlongLinesSaysSoInsteadOfEmpty() throws {
    var bytes: [UInt8] = []
    for _ in 0..<3 { bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 5 << 20) + [0x0A] }
    #expect {
      _ = try readAll(Fixtures.temporary(bytes))
    } throws: { e in
      guard let d = (e as? TraceInputError)?.diagnostic else { return false }
      return d.kind == .linesTooLong && d.line == 1 && d.message.contains("3 such lines")
        && d.message.contains("5242880 bytes")
    }
  }
}
