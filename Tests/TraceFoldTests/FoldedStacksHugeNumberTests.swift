import Foundation
import Testing
import TraceParse

@testable import TraceFold

/// The function_graph folder sums children's durations into their parent's: two huge ones
/// overflowed Int64 and trapped (issue 10). They saturate now.
@Suite struct FoldedStacksHugeNumberTests {
  private func fold(_ lines: [String]) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).txt").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(lines.joined(separator: "\n").utf8)))
    let symbols = SymbolTable()
    var folder = RecordFolder(symbols: symbols, options: FoldOptions())
    _ = try TraceFileReader(symbols: symbols).read(path: path, into: &folder)
    var out: [UInt8] = []
    folder.write { out.append(contentsOf: $0) }
    return String(decoding: out, as: UTF8.self)
  }

  @Test func twoHugeLeafDurationsUnderOneParentSaturate() throws {
    var lines = String(
      decoding: FileManager.default.contents(
        atPath: Fixtures.path(Fixtures.fix + "fgraph_proc.txt"))!, as: UTF8.self
    ).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[104].hasSuffix("| + 67.110 us   |      __vma_private_lock();"))
    #expect(lines[105].hasSuffix("|   1.823 us    |      vma_resv_map();"))
    // Edit: both children of hugetlb_vma_lock_read last 5000000000000000 us; their sum passed Int64.max.
    lines[104] = lines[104].replacingOccurrences(of: "+ 67.110 us  ", with: "! 5000000000000000 us")
    lines[105] = lines[105].replacingOccurrences(of: "  1.823 us   ", with: "! 5000000000000000 us")
    let folded = try fold(lines)
    let out = folded.split(separator: "\n")
    #expect(out.contains("iou-wrk-66;handle_userfault;hugetlb_vma_lock_read;__vma_private_lock 5000000000000000"))
    #expect(out.contains("iou-wrk-66;handle_userfault;hugetlb_vma_lock_read;vma_resv_map 5000000000000000"))
    // The parent's self time (its 223 us minus the saturated children) is 0: left out, not negative.
    #expect(!out.contains { $0.contains(";hugetlb_vma_lock_read ") || $0.contains(" -") })
  }
}
