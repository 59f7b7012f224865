import Foundation
import Testing

@testable import TraceParse

@Suite struct BadInputTests {
  @Test func binaryGarbageIsNotATrace() throws {
    // The real trace.dat read as text: a compressed binary file.
    var garbage = Fixtures.bytes(Fixtures.traceDat)
    garbage.removeFirst(64)  // drop the magic so it is just binary data
    let path = Fixtures.temporary(garbage)
    #expect {
      _ = try readAll(path)
    } throws: { e in
      guard let d = (e as? TraceInputError)?.diagnostic else { return false }
      return d.kind == .notATrace && d.file == path && d.line >= 1 && d.message.contains("binary")
    }
  }

  @Test func binaryGarbageWithoutNULBytesIsStillBinary() throws {
    // Edit: the same bytes with every NUL turned into 0x01: the share of non-text bytes alone decides.
    var garbage = Fixtures.bytes(Fixtures.traceDat)
    garbage.removeFirst(64)
    garbage = garbage.map { $0 == 0 ? 1 : $0 }
    let path = Fixtures.temporary(garbage)
    #expect {
      _ = try readAll(path)
    } throws: { e in
      guard let d = (e as? TraceInputError)?.diagnostic else { return false }
      return d.kind == .notATrace && d.message.contains("binary")
    }
  }

  @Test func traceDatIsRecognisedAndExplained() throws {
    #expect {
      _ = try readAll(Fixtures.traceDat)
    } throws: { e in
      (e as? TraceInputError)?.diagnostic.message.contains("trace.dat") == true
    }
  }

  @Test func aLineCutAtTheEndOfTheFileIsReportedWithItsLineNumber() throws {
    var bytes = Fixtures.bytes(Fixtures.fixGraph)
    bytes.removeLast(30)
    let (_, _, result) = try readAll(Fixtures.temporary(bytes))
    let d = result.diagnostics.first { $0.kind == .truncated }
    #expect(d?.line == Fixtures.lines(Fixtures.fixGraph).count - 1)
  }

  @Test func aHundredMegabyteLineIsSkippedWithAWarningNotACrash() throws {
    var bytes = Array(Fixtures.lines(Fixtures.fixGraph).prefix(400).joined(separator: "\n").utf8) + [0x0A]
    bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 100 << 20) + [0x0A]
    bytes += Array(Fixtures.lines(Fixtures.fixGraph).dropFirst(400).joined(separator: "\n").utf8)
    let (_, records, result) = try readAll(Fixtures.temporary(bytes))
    let d = result.diagnostics.first { $0.kind == .oversizedLine }
    #expect(d?.line == 401)
    #expect(d?.message.contains("104857600 bytes") == true)
    let (_, all, _) = try readAll(Fixtures.fixGraph)
    #expect(records.count == all.count)
  }

  @Test func foreignLinesAreCountedAndSummarisedWithLineNumbers() throws {
    var lines = Fixtures.lines(Fixtures.fixGraph)
    for i in stride(from: 600, to: 700, by: 10) { lines[i] = "Some unrelated text pasted here" }
    let (_, _, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    #expect(result.unrecognisedLines == 10)
    let kept = result.diagnostics.filter { $0.kind == .unparsedLine }
    #expect(kept.count == DiagnosticLog.keptPerKind + 1)  // three with lines, one summary
    #expect(kept[0].line == 601)
    #expect(kept.last!.message.contains("10 in all"))
  }

  @Test func absurdTimestampsAreFlaggedWithTheirLine() throws {
    var lines = Fixtures.lines(Fixtures.fixGraph)
    lines[500] = lines[500].replacingOccurrences(of: "    4.", with: "    0.")  // jumps back ~4 s
    #expect(lines[500].hasPrefix("    0.698166"))
    let (_, _, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    let d = result.diagnostics.first { $0.kind == .timestampBackwards }
    #expect(d?.line == 501)
  }

  @Test func anEmptyInputIsNotATrace() throws {
    #expect(throws: TraceInputError.self) { _ = try readAll(Fixtures.temporary([])) }
  }

  @Test func forcingAFormatSkipsSniffing() throws {
    let (_, r, result) = try readAll(Fixtures.doc("default.txt"), format: .ftrace)
    #expect(result.format == .ftrace)
    #expect(!r.isEmpty)
  }
}

@Suite struct FormatSnifferTests {
  @Test func realCapturesAreSniffedAsFtrace() throws {
    for p in [Fixtures.vanillaGraph, Fixtures.fixGraph, Fixtures.kill9Graph, Fixtures.traceCmdReport] {
      let (_, _, result) = try readAll(p)
      #expect(result.format == .ftrace)
    }
  }
}
