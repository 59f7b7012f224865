import Foundation
import Testing

@testable import TraceParse

/// On several cores the reader takes the lines that worker threads cut and decoded in chunks
/// (ParallelReading), and reads by itself only what a chunk could not cut: a line running past the
/// 64 KiB read after the chunk, a line over the reader's limit, a last line without a newline. Each
/// named edit of a real capture below is read on one core and from small chunks; the records
/// (fingerprints with their symbol ids, so the interning order too), the diagnostics and the counts
/// of lines and bytes must be the same, and most lines must have come decoded from the chunks.
@Suite struct ChunkedReadingTests {
  static let capture = GraphFastPathTests.root.appendingPathComponent(
    "shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt")

  /// The capture's lines (without their newlines).
  static func lines() throws -> [[UInt8]] {
    let data = try Data(contentsOf: capture)
    return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Array($0) }
  }

  /// Writes `lines` to a temporary file, each with `newline` after it but the last, which has one
  /// only when `terminated`.
  static func write(_ lines: [[UInt8]], newline: [UInt8] = [0x0A], terminated: Bool = true) throws -> URL {
    var bytes: [UInt8] = []
    for (i, l) in lines.enumerated() {
      bytes += l
      if terminated || i < lines.count - 1 { bytes += newline }
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("iou-chunked-\(UUID().uuidString).txt")
    try Data(bytes).write(to: url)
    return url
  }

  /// Records, result and decoded-ahead count of `url` read as `reading` says.
  static func read(_ url: URL, _ reading: ParallelReading, maxLineLength: Int) throws -> (
    records: [UInt64], summary: String, ahead: Int
  ) {
    var reader = TraceFileReader(symbols: SymbolTable())
    reader.parallel = reading
    reader.maxLineLength = maxLineLength
    var sink = GraphFastPathTests.Recorder()
    let r = try reader.read(path: url.path, into: &sink)
    let summary = "\(r.lines) \(r.bytes) \(r.recognisedLines) \(r.unrecognisedLines) \(r.diagnostics)"
    return (sink.records, summary, r.linesDecodedAhead)
  }

  /// Reads `url` both ways with `chunk`-byte chunks and compares; gives the one-core summary.
  @discardableResult
  static func expectSame(_ url: URL, chunk: Int, maxLineLength: Int = 1 << 22) throws -> String {
    defer { try? FileManager.default.removeItem(at: url) }
    let one = try read(url, .off, maxLineLength: maxLineLength)
    let many = try read(
      url, ParallelReading(minimumFileBytes: 0, chunkBytes: chunk, workers: 2, chunksAhead: 3),
      maxLineLength: maxLineLength)
    #expect(one.records == many.records)
    #expect(one.summary == many.summary)
    #expect(one.ahead == 0)
    #expect(many.ahead > 5000, "\(many.ahead) lines decoded ahead")
    return one.summary
  }

  @Test func linesLongerThanTheTailReadAfterAChunk() throws {
    // Edit: three lines of 100 000 `x` inserted (before lines 50, 2000 and 5990).
    var lines = try Self.lines()
    for at in [5990, 2000, 50] { lines.insert([UInt8](repeating: 0x78, count: 100_000), at: at) }
    let summary = try Self.expectSame(try Self.write(lines), chunk: 8 << 10)
    #expect(summary.contains("unparsedLine"))
  }

  @Test func linesOverTheLimitAreSkippedAlike() throws {
    // Edit: two lines of 1.5 MiB of `y` inserted (before lines 1000 and 3000), over the limit of
    // 1 MiB set here; one of 1 MiB less a byte (the longest the reader keeps) before line 4000.
    var lines = try Self.lines()
    lines.insert([UInt8](repeating: 0x79, count: (1 << 20) - 1), at: 4000)
    for at in [3000, 1000] { lines.insert([UInt8](repeating: 0x79, count: 3 << 19), at: at) }
    let summary = try Self.expectSame(try Self.write(lines), chunk: 64 << 10, maxLineLength: 1 << 20)
    #expect(summary.contains("oversizedLine"))
    #expect(summary.contains("unparsedLine"))
  }

  @Test func crlfLineEndings() throws {
    // Edit: every line ends with CR LF.
    try Self.expectSame(try Self.write(try Self.lines(), newline: [0x0D, 0x0A]), chunk: 4099)
  }

  @Test func aLongLastLineWithoutNewline() throws {
    // Edit: a last line of 200 000 `z` without a newline appended.
    var lines = try Self.lines()
    lines.append([UInt8](repeating: 0x7A, count: 200_000))
    let summary = try Self.expectSame(try Self.write(lines, terminated: false), chunk: 16 << 10)
    #expect(summary.contains("truncated"))
  }
}
