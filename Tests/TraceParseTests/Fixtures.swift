import Foundation
import TraceParse

/// Paths of the real captures under fixtures/.
enum Fixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures")

  static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

  static let vanillaGraph = path("shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt")
  static let fixGraph = path("shared-traces/fix-fail-fault/threadexit/fgraph_proc.txt")
  static let kill9Graph = path("shared-traces/vanilla-6.12.117/kill9/fgraph_proc.txt")
  static let traceCmdReport = path("shared-traces/fix-fail-fault/threadexit/trace-cmd-report.txt")
  static let traceDat = path("shared-traces/fix-fail-fault/threadexit/trace.dat")
  static func doc(_ name: String) -> String { path("formats/ftrace-doc/\(name)") }

  static func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path)!) }

  /// Writes `bytes` to a new temporary file and returns its path.
  static func temporary(_ bytes: [UInt8], suffix: String = ".txt") -> String {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString)\(suffix)").path
    precondition(FileManager.default.createFile(atPath: p, contents: Data(bytes)))
    return p
  }

  static func lines(_ path: String) -> [String] {
    String(decoding: bytes(path), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
  }
}

/// Collects every record for inspection.
struct RecordCollector: TraceRecordSink {
  var records: [TraceRecord] = []
  mutating func receive(_ record: TraceRecord) { records.append(record) }
}

/// Reads a file with the real reader and returns its records and result.
func readAll(_ path: String, format: TraceFormat? = nil) throws -> (SymbolTable, [TraceRecord], TraceReadResult) {
  let symbols = SymbolTable()
  var sink = RecordCollector()
  let result = try TraceFileReader(symbols: symbols, forcedFormat: format).read(path: path, into: &sink)
  return (symbols, sink.records, result)
}
