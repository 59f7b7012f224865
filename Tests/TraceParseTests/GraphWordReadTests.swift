import Foundation
import Testing

@testable import TraceParse

/// The fast path reads the timestamp, the duration and the call text of a function_graph line with
/// word loads when they are in the kernel's printed forms (`GraphColumnWords`, `GraphPlainCall`),
/// and leaves every other form to the general readers. A real capture (the lab's `resolved`
/// function_graph) is edited into forms the kernel does not print — each edit named below, applied
/// to every call line — and read with the fast path and with the full path: the records must be
/// the same.
@Suite struct GraphWordReadTests {
  static let capture = GraphFastPathTests.root.appendingPathComponent("lab/vanilla/resolved/fgraph_proc.txt")

  /// Named edits of one call line's columns: time, CPU and task, duration, call text.
  static let edits: [(name: String, edit: @Sendable (inout [String]) -> Void)] = [
    ("a tab in the time column's padding", { $0[0] = "\t" + $0[0].dropFirst() }),
    ("eight digits of seconds", { $0[0] = $0[0].replacingOccurrences(of: "    3.", with: "12345678.") }),
    ("a seven-digit fraction of seconds", { $0[0] = $0[0].replacingOccurrences(of: " ", with: "") + "1 " }),
    ("a five-digit fraction of seconds", { $0[0] = String($0[0].dropLast(2)) + " " }),
    ("two spaces after the time", { $0[0] = " " + $0[0].dropFirst(2) + "  " }),
    ("a four-digit fraction of the duration", { $0[2] = $0[2].replacingOccurrences(of: " us", with: "1 us") }),
    ("a duration without a fraction", { $0[2] = $0[2].replacingOccurrences(of: ".", with: "") }),
    ("a duration fraction of one digit", { $0[2] = $0[2].replacingOccurrences(of: "1 us", with: " us ") }),
    ("two spaces after the mark", { $0[2] = $0[2].replacingOccurrences(of: "+ ", with: "+  ") }),
    ("a tab after the unit", { $0[2] = $0[2].replacingOccurrences(of: "us ", with: "us\t") }),
    ("no unit", { $0[2] = $0[2].replacingOccurrences(of: "us", with: "  ") }),
    ("a mark without a number", { $0[2] = $0[2].replacingOccurrences(of: "               ", with: "  +            ") }),
    (
      "a wide blank duration",
      { $0[2] = $0[2].replacingOccurrences(of: "               ", with: String(repeating: " ", count: 20)) }
    ),
    ("an exit naming its function", { $0[3] = $0[3].replacingOccurrences(of: "}", with: "} /* f */") }),
    ("an exit with text after it", { $0[3] = $0[3].replacingOccurrences(of: "}", with: "} x") }),
    ("blanks after the call", { $0[3] += "  " }),
    ("a tab after the call", { $0[3] += "\t" }),
    ("arguments", { $0[3] = $0[3].replacingOccurrences(of: "()", with: "(a, (b))") }),
    ("a space before the parentheses", { $0[3] = $0[3].replacingOccurrences(of: "()", with: " ()") }),
    ("a pipe in the name", { $0[3] = $0[3].replacingOccurrences(of: "_", with: "|") }),
    ("a comment opening the call", { $0[3] = $0[3].replacingOccurrences(of: "  h", with: "  /*h") }),
    ("text after the brace", { $0[3] = $0[3].replacingOccurrences(of: "{", with: "{ x") }),
    ("a call without a brace", { $0[3] = $0[3].replacingOccurrences(of: " {", with: "") }),
  ]

  /// The capture with `edit` applied to every line of four columns.
  static func edited(_ edit: @Sendable (inout [String]) -> Void) throws -> String {
    let text = try String(contentsOf: capture, encoding: .utf8)
    var out: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var columns = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      if columns.count == 4 { edit(&columns) }
      out.append(columns.joined(separator: "|"))
    }
    return out.joined(separator: "\n")
  }

  @Test(arguments: edits.indices)
  func everyEditedFormReadsAsTheFullPathReadsIt(_ index: Int) throws {
    let (name, edit) = Self.edits[index]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graph-word-read-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("fgraph.txt")
    try Self.edited(edit).write(to: file, atomically: true, encoding: .utf8)
    let fast = GraphFastPathTests.read(file.path, fastPath: true)
    let full = GraphFastPathTests.read(file.path, fastPath: false)
    #expect(fast.summary == full.summary, "\(name)")
    #expect(fast.records.count == full.records.count, "\(name)")
    if let i = zip(fast.records, full.records).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
      Issue.record("\(name): record \(i) differs between the fast path and the full path")
    }
    #expect(fast.records.count > 100, "\(name): the edited capture still has records")
  }

  /// Lines 136 and 137 of the capture share the first word of their timestamps: the second is read
  /// with the seconds kept from the first; the whole-kernel capture's first line (as long, another
  /// first word) reads its own.
  @Test func aTimestampSharingTheFirstWordKeepsItsSeconds() {
    var head = TimeHeadCache()
    let columns: [(String, Int64)] = [
      ("    3.433423 ", 3_433_423_000), ("    3.433424 ", 3_433_424_000), ("  194.275320 ", 194_275_320_000),
    ]
    for (column, ns) in columns {
      var s = column
      s.withUTF8 { b in
        #expect(GraphLineDecoder.printedTime(ByteSpan(base: b.baseAddress, count: b.count), &head) == ns, "\(column)")
      }
    }
  }

  @Test func theCapturesFormsTakeTheWordReads() {
    // Line 137 of the capture.
    var s = "    3.433424 |   0)   iou-wrk-81   | + 56.505 us   |      __vma_private_lock();"
    s.withUTF8 { b in
      let line = ByteSpan(base: b.baseAddress, count: b.count)
      let first = line.firstIndex(of: UInt8(ascii: "|"))!
      let second = line.firstIndex(of: UInt8(ascii: "|"), from: first + 1)!
      let third = line.firstIndex(of: UInt8(ascii: "|"), from: second + 1)!
      var head = TimeHeadCache()
      #expect(GraphLineDecoder.printedTime(line.slice(0, first), &head) == 3_433_424_000)
      // Read again, the seconds from the first word kept.
      #expect(head.count == first)
      #expect(GraphLineDecoder.printedTime(line.slice(0, first), &head) == 3_433_424_000)
      let duration = line.slice(second + 1, third)
      #expect(GraphLineDecoder.printedDuration(duration, room: line.suffix(from: second + 1)) == 56_505)
      let call = GraphBody.plainCall(line.suffix(from: third + 1))
      #expect(call?.call == .leaf)
      #expect(call?.name.string == "__vma_private_lock")
    }
  }
}
