import Foundation
import Testing

@testable import TraceParse

/// The ftrace parser reads plain call lines through a fast path (GraphLineDecoder: learnt column
/// layout, remembered task columns) and everything else through its full path. The fast path must
/// give exactly what the full path gives: every real ftrace capture under fixtures/ (tracefs
/// function_graph in each option set the lab used, trace-cmd report, gzip ones included) is read
/// both ways and the records (with their symbol ids, so the interning order too), the diagnostics
/// and the line counts compared.
@Suite struct GraphFastPathTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures")

  /// Keeps a fingerprint of every record: its fields for the call records (nearly all, and cheap),
  /// its description for the others.
  struct Recorder: TraceRecordSink {
    var records: [UInt64] = []
    mutating func receive(_ record: TraceRecord) {
      var h = Hasher()
      switch record {
      case .functionEntry(let c, let f): Self.context(c, &h, 1, f.id, nil)
      case .functionLeaf(let c, let f, let d): Self.context(c, &h, 2, f.id, d)
      case .functionExit(let c, let f, let d): Self.context(c, &h, 3, f?.id ?? UInt32.max, d)
      default: h.combine(String(describing: record))
      }
      records.append(UInt64(bitPattern: Int64(h.finalize())))
    }

    static func context(_ c: RecordContext, _ h: inout Hasher, _ kind: Int, _ function: UInt32, _ d: Int64?) {
      h.combine(kind)
      h.combine(function)
      h.combine(d)
      h.combine(c.line)
      h.combine(c.cpu)
      h.combine(c.tid)
      h.combine(c.tgid)
      h.combine(c.comm.id)
      h.combine(c.timestamp)
    }
  }

  /// The first `limit` bytes of a source (the edit: captures over 4 MiB are read up to there, in
  /// the middle of a line, to keep the test short; both paths see the same cut).
  final class FirstBytes: ByteSource {
    let inner: ByteSource
    var left: Int
    init(_ inner: ByteSource, limit: Int) {
      self.inner = inner
      left = limit
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
      guard left > 0 else { return 0 }
      let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, left)]))
      left -= n
      return n
    }
  }

  /// Each record, the result's figures and diagnostics; or the error.
  static func read(_ path: String, fastPath: Bool) -> (records: [UInt64], summary: String) {
    var reader = TraceFileReader(symbols: SymbolTable())
    reader.graphFastPath = fastPath
    var sink = Recorder()
    do {
      let r = try reader.read(
        source: FirstBytes(try InputOpener.open(path), limit: 4 << 20), displayName: path, into: &sink)
      return (sink.records, "\(r.format) \(r.lines) \(r.recognisedLines) \(r.unrecognisedLines) \(r.diagnostics)")
    } catch {
      return (sink.records, "error: \(error)")
    }
  }

  /// The captures that sniff as ftrace text.
  static func ftraceCaptures() -> [String] {
    let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
    var out: [String] = []
    for case let url as URL in e {
      let name = url.lastPathComponent
      guard
        name.hasPrefix("fgraph") || name.hasPrefix("trace-cmd") || name.hasPrefix("ftrace")
          || name.hasPrefix("trace")
      else { continue }
      out.append(String(url.path.dropFirst(root.path.count + 1)))
    }
    return out.sorted()
  }

  @Test func thereAreCapturesOfBothPrintedForms() {
    let all = Self.ftraceCaptures()
    #expect(all.contains { $0.contains("fgraph") })
    #expect(all.contains { $0.contains("trace-cmd-report") })
  }

  @Test(arguments: ftraceCaptures())
  func theFastPathReadsEveryCallLineAsTheFullPathDoes(_ relative: String) {
    let path = Self.root.appendingPathComponent(relative).path
    let fast = Self.read(path, fastPath: true)
    let full = Self.read(path, fastPath: false)
    #expect(fast.summary == full.summary, "\(relative)")
    #expect(fast.records.count == full.records.count, "\(relative)")
    if let i = zip(fast.records, full.records).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
      Issue.record("\(relative): record \(i) differs between the fast path and the full path")
    }
  }
}
