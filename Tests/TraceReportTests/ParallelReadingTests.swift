import Foundation
import Testing
import TraceAnalysis
import TraceParse

@testable import TraceReport

/// Large files are decoded on several cores (ParallelReading); the reports must not show it. Every
/// real capture under fixtures/ is analysed on one core and with decoding threads forced on with
/// small chunks (so that chunk boundaries fall inside every capture, many times), and the JSON and
/// text reports compared byte for byte. Compressed captures are read on one core by design: the
/// test decompresses them to a temporary file (the edit it makes) so that they are tested too.
@Suite struct ParallelReadingTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures")

  /// Every capture file of fixtures/ (documentation and JSON metadata left out).
  static func captures() -> [String] {
    let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
    var out: [String] = []
    for case let url as URL in e {
      let name = url.lastPathComponent
      guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
        !name.lowercased().hasPrefix("readme"), !name.hasSuffix(".md"), !name.hasSuffix(".json")
      else { continue }
      out.append(String(url.path.dropFirst(root.path.count + 1)))
    }
    return out.sorted()
  }

  /// The JSON and text reports of `path`, or the error it gives.
  static func reports(_ path: String, _ reading: ParallelReading) -> String {
    var o = AnalysisOptions()
    o.reading = reading
    do {
      let run = try RunAnalyzer.analyze(path, options: o)
      return try JSONReport.render([run]) + "\n" + TextReport().render(run)
    } catch {
      return "error: \(error)"
    }
  }

  /// A plain copy of a gzip capture.
  static func decompressed(_ path: String) throws -> String {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("iou-parallel-\(UUID().uuidString).txt")
    #expect(FileManager.default.createFile(atPath: out.path, contents: nil))
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-dc", path]
    p.standardOutput = try FileHandle(forWritingTo: out)
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    return out.path
  }

  @Test(arguments: captures())
  func reportsAreTheSameOnOneCoreAndWithDecodingThreads(_ relative: String) throws {
    var path = Self.root.appendingPathComponent(relative).path
    var copy: String?
    if relative.hasSuffix(".gz") {
      copy = try Self.decompressed(path)
      path = copy!
    }
    defer { copy.map { try? FileManager.default.removeItem(atPath: $0) } }
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    // Chunks of a few KiB: dozens to thousands of boundaries per capture, at least two chunks.
    let chunk = max(256, min(size / 2, 8 << 10))
    let single = Self.reports(path, .off)
    let parallel = Self.reports(
      path, ParallelReading(minimumFileBytes: 0, chunkBytes: chunk, workers: 2, chunksAhead: 3))
    #expect(single == parallel, "\(relative): reports differ between one core and \(chunk)-byte chunks")
  }

  @Test func chunkBoundariesInsideLinesAndAnUnterminatedLastLineKeepTheRecords() throws {
    // The vanilla capture cut in the middle of its last line, read in chunks of 97 bytes (a prime,
    // so boundaries fall at every position within lines).
    let source = Self.root.appendingPathComponent("shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt").path
    var bytes = try Data(contentsOf: URL(fileURLWithPath: source))
    bytes.removeLast(20)
    let cut = FileManager.default.temporaryDirectory.appendingPathComponent("iou-parallel-\(UUID().uuidString).txt")
    try bytes.write(to: cut)
    defer { try? FileManager.default.removeItem(at: cut) }
    let single = Self.reports(cut.path, .off)
    let parallel = Self.reports(
      cut.path, ParallelReading(minimumFileBytes: 0, chunkBytes: 97, workers: 2, chunksAhead: 2))
    #expect(single == parallel)
    #expect(single.contains("last line has no newline"))
  }
}

/// The decoding threads are really used (else the comparison above proves nothing), and only for
/// what they may read: regular uncompressed files.
@Suite struct ParallelReadingUseTests {
  static let graph = ParallelReadingTests.root.appendingPathComponent(
    "shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt"
  ).path

  struct Discard: TraceRecordSink {
    mutating func receive(_ record: TraceRecord) {}
  }

  static func read(_ path: String, _ reading: ParallelReading) throws -> TraceReadResult {
    var reader = TraceFileReader(symbols: SymbolTable())
    reader.parallel = reading
    var sink = Discard()
    return try reader.read(path: path, into: &sink)
  }

  @Test func aLargeFileIsDecodedAheadOnOtherThreads() throws {
    let r = try Self.read(Self.graph, ParallelReading(minimumFileBytes: 0, chunkBytes: 4096, workers: 2))
    #expect(r.linesDecodedAhead > r.lines * 9 / 10)
  }

  @Test func smallFilesAndOneCoreSettingsAreReadOnOneCore() throws {
    #expect(try Self.read(Self.graph, ParallelReading()).linesDecodedAhead == 0)  // below 32 MiB
    #expect(try Self.read(Self.graph, .off).linesDecodedAhead == 0)
  }

  @Test func compressedFilesAreReadOnOneCore() throws {
    let gz = ParallelReadingTests.root.appendingPathComponent("lab/vanilla/many-workers/fgraph_proc.txt.gz").path
    let r = try Self.read(gz, ParallelReading(minimumFileBytes: 0, chunkBytes: 4096, workers: 2))
    #expect(r.lines > 1000)
    #expect(r.linesDecodedAhead == 0)
  }
}
