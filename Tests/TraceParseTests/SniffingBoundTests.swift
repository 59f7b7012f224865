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

  @Test func textThatIsNoTraceIsToldAfterTheFirst200Lines() throws {
    // Debian's GPL-3 text (base-files, on every Debian machine): 674 lines of prose, no trace.
    #expect {
      _ = try readAll("/usr/share/common-licenses/GPL-3")
    } throws: { e in
      guard let d = (e as? TraceInputError)?.diagnostic else { return false }
      return d.kind == .notATrace && d.line == 1 && d.message.contains("none of the first 200 lines")
    }
    #expect(FormatSniffer.sampleLines == 200)
  }

  @Test func theFormatIsDecidedAtTheHeldLineLimit() throws {
    // Edit: a line that is no trace (`hello`) and n blank lines put in front of a real capture. The
    // 4096th held line decides from what was seen: the capture's first line, or nothing.
    func format(blanks: Int) throws -> TraceFormat? {
      let bytes = Array(("hello\n" + String(repeating: "\n", count: blanks)).utf8) + Fixtures.bytes(Fixtures.fixGraph)
      do { return try readAll(Fixtures.temporary(bytes)).2.format } catch let e as TraceInputError {
        #expect(e.diagnostic.kind == .notATrace && e.diagnostic.line == 1)
        return nil
      }
    }
    #expect(try format(blanks: FormatSniffer.maxHeldLines - 2) == .ftrace)
    #expect(try format(blanks: FormatSniffer.maxHeldLines - 1) == nil)
    #expect(FormatSniffer.maxHeldLines == 4096)
  }

  @Test func theFormatIsDecidedAtTheHeldByteLimit() throws {
    // Edit: `hello` and a line of spaces, 4 MiB together (or one byte less), in front of a real capture.
    func format(spaces: Int) throws -> TraceFormat? {
      let bytes =
        Array(("hello\n" + String(repeating: " ", count: spaces) + "\n").utf8) + Fixtures.bytes(Fixtures.fixGraph)
      do { return try readAll(Fixtures.temporary(bytes)).2.format } catch let e as TraceInputError {
        #expect(e.diagnostic.kind == .notATrace && e.diagnostic.line == 1)
        return nil
      }
    }
    #expect(try format(spaces: FormatSniffer.maxHeldBytes - 6) == .ftrace)
    #expect(try format(spaces: FormatSniffer.maxHeldBytes - 5) == nil)
    #expect(FormatSniffer.maxHeldBytes == 4 << 20)
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
