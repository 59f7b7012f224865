import Foundation
import Synchronization
import Testing

@testable import TraceParse

/// A source over bytes in memory, delivering at most `step` bytes per read to exercise chunk edges.
final class MemorySource: ByteSource {
  let bytes: [UInt8]
  var offset = 0
  let step: Int
  init(_ bytes: [UInt8], step: Int = 1 << 20) {
    self.bytes = bytes
    self.step = step
  }
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let n = min(buffer.count, step, bytes.count - offset)
    if n <= 0 { return 0 }
    bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
    offset += n
    return n
  }
}

func collectLines(_ bytes: [UInt8], chunk: Int = 64, max: Int = 1 << 20, step: Int = 7) throws -> (
  [String], LineReaderSummary
) {
  var out: [String] = []
  let s = try LineReader(source: MemorySource(bytes, step: step), chunkSize: chunk, maxLineLength: max).forEachLine {
    l, _ in
    out.append(l.string)
    return true
  }
  return (out, s)
}

@Suite struct LineReaderTests {
  @Test func yieldsTheSameLinesAsSplittingTheRealTraceWhateverTheChunkSize() throws {
    let bytes = Fixtures.bytes(Fixtures.fixGraph)
    let expected = Fixtures.lines(Fixtures.fixGraph).dropLast()  // the file ends with a newline
    for chunk in [16, 100, 4096] {
      let (lines, summary) = try collectLines(bytes, chunk: chunk, step: 333)
      #expect(Array(expected) == lines)
      #expect(summary.lastLineUnterminated == false)
      #expect(summary.bytes == Int64(bytes.count))
    }
  }

  @Test func stripsCRLF() throws {
    let crlf = Array(Fixtures.lines(Fixtures.fixGraph).prefix(20).joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
    let (lines, _) = try collectLines(crlf)
    #expect(lines == Array(Fixtures.lines(Fixtures.fixGraph).prefix(20)))
  }

  @Test func deliversAnUnterminatedLastLineAndSaysSo() throws {
    var bytes = Fixtures.bytes(Fixtures.fixGraph)
    bytes.removeLast(10)
    let (lines, summary) = try collectLines(bytes, chunk: 256)
    #expect(summary.lastLineUnterminated)
    #expect(lines.count == Fixtures.lines(Fixtures.fixGraph).count - 1)
  }

  @Test func skipsLinesLongerThanTheLimitAndReportsTheirNumbers() throws {
    var bytes = Array(Fixtures.lines(Fixtures.fixGraph).prefix(5).joined(separator: "\n").utf8) + [0x0A]
    bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 10_000) + [0x0A]
    bytes += Array("after\n".utf8)
    let (lines, summary) = try collectLines(bytes, chunk: 64, max: 1024)
    #expect(lines.count == 6)
    #expect(lines.last == "after")
    #expect(summary.oversizedLines.count == 1)
    #expect(summary.oversizedLines[0].line == 6)
    #expect(summary.oversizedLines[0].length == 10_000)
  }

  @Test func passesNULBytesAndInvalidUTF8Through() throws {
    let bytes: [UInt8] = [0x61, 0x00, 0xFF, 0xFE, 0x0A, 0x62, 0x0A]
    var seen: [[UInt8]] = []
    _ = try LineReader(source: MemorySource(bytes)).forEachLine { l, _ in
      seen.append(Array(UnsafeBufferPointer(start: l.base, count: l.count)))
      return true
    }
    #expect(seen == [[0x61, 0x00, 0xFF, 0xFE], [0x62]])
  }
}

@Suite struct ProgressTests {
  @Test func longFilesReportProgressEveryIntervalOfLines() throws {
    let counts = Mutex<[Int]>([])
    var reader = TraceFileReader(symbols: SymbolTable())
    reader.progressInterval = 256
    reader.progress = { n in counts.withLock { $0.append(n) } }
    var sink = RecordCollector()
    let result = try reader.read(path: Fixtures.fixGraph, into: &sink)
    let seen = counts.withLock { $0 }
    #expect(seen == Array(stride(from: 256, through: result.lines, by: 256)))
  }
}
