import Foundation
import Testing
import TraceParse

@testable import TraceFold

/// Folding function_graph text in bounded memory: the depth limit on unbalanced calls, the cap on
/// distinct stacks, and the bytewise order of the output (found level by level in the trie).
@Suite struct FunctionGraphFoldTests {
  private struct Folded {
    var lines: [Substring]
    var diagnostics: [Diagnostic]
  }

  private func fold(_ path: String, capacity: Int = StackTrie.defaultCapacity) throws -> Folded {
    let symbols = SymbolTable()
    var folder = RecordFolder(symbols: symbols, options: FoldOptions(), stackCapacity: capacity)
    let read = try TraceFileReader(symbols: symbols).read(path: path, into: &folder)
    var out: [UInt8] = []
    folder.write { out.append(contentsOf: $0) }
    let text = String(decoding: out, as: UTF8.self)
    return Folded(lines: text.split(separator: "\n"), diagnostics: read.diagnostics + folder.diagnostics(file: path))
  }

  private func lines(_ relative: String) throws -> [String] {
    try String(contentsOfFile: Fixtures.path(relative), encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  private func stackDepth(_ line: Substring) -> Int { line.split(separator: ";").count - 1 }

  private func totalWeight(_ f: Folded) -> Int {
    f.lines.reduce(0) { $0 + Int($1[$1.index(after: $1.lastIndex(of: " ")!)...])! }
  }

  @Test func callsWhoseExitsWereLostAreCutAtTheDepthLimitWithTheLine() throws {
    // Edit: every exit line (`}` in the call column) of the real capture removed, as if lost.
    let all = try lines(Fixtures.vanilla + "fgraph_proc.txt")
    let kept = all.filter { !$0.hasSuffix("}") && !$0.contains("} /*") }
    #expect(all.count - kept.count > 1000)
    let p = Fixtures.temporary(Array(kept.joined(separator: "\n").utf8))
    let f = try fold(p)
    let warnings = f.diagnostics.filter { $0.kind == .unbalancedCalls }
    #expect(!warnings.isEmpty)
    let first = try #require(warnings.first)
    #expect(first.file == p && first.line > 0)
    #expect(first.formatted.hasPrefix("\(p):\(first.line): warning: 256 calls of thread "))
    // Line `first.line` is the entry that would have been the 257th open call of its thread.
    #expect(kept[first.line - 1].hasSuffix("{"))
    #expect(!f.lines.isEmpty)
    // At most 256 open calls, and a leaf called from the deepest.
    #expect(f.lines.allSatisfy { stackDepth($0) <= RecordFolder.maximumDepth + 1 })
    #expect(f.lines.contains { stackDepth($0) > 200 })
  }

  @Test func aBalancedCaptureHasNoUnbalancedCallWarning() throws {
    let f = try fold(Fixtures.path(Fixtures.vanilla + "fgraph_proc.txt"))
    #expect(!f.lines.isEmpty)
    #expect(!f.diagnostics.contains { $0.kind == .unbalancedCalls || $0.kind == .tooManyStacks })
  }

  @Test func pastTheStackCapNewCallsAreFoldedIntoTheirCallers() throws {
    let p = Fixtures.path(Fixtures.vanilla + "fgraph_proc.txt")
    let full = try fold(p)
    let capped = try fold(p, capacity: 24)
    #expect(full.lines.count > 24)
    let warning = try #require(capped.diagnostics.first { $0.kind == .tooManyStacks })
    #expect(warning.line > 0 && warning.message.hasPrefix("more than 24 distinct stacks"))
    // At most 24 frames below the threads' own top-level frames.
    #expect(capped.lines.count <= 24 + Set(capped.lines.map { $0.prefix { $0 != ";" } }).count)
    // No time is lost: the folded-in calls count for their callers (each line rounds to 1 µs).
    #expect(abs(totalWeight(capped) - totalWeight(full)) <= full.lines.count)
  }

  @Test func linesAreSortedBytewiseByStack() throws {
    for relative in [
      Fixtures.vanilla + "fgraph_proc.txt", Fixtures.fix + "fgraph_proc.txt", Fixtures.fix + "trace-cmd-report.txt",
      Fixtures.vanilla + "stacks.txt", Fixtures.vanilla + "perf.txt", Fixtures.vanilla + "sysrq.txt",
    ] {
      let f = try fold(Fixtures.path(relative))
      #expect(f.lines.count > 1, "\(relative)")
      let keys = f.lines.map { Array($0[..<$0.lastIndex(of: " ")!].utf8) }
      for (a, b) in zip(keys, keys.dropFirst()) {
        #expect(a.lexicographicallyPrecedes(b), "\(relative): \(String(decoding: a, as: UTF8.self))")
      }
    }
  }

  @Test func aFileFoldedOnSeveralCoresGivesTheBytesOfOneCore() throws {
    for relative in [Fixtures.vanilla + "fgraph_proc.txt", Fixtures.fix + "trace-cmd-report.txt"] {
      let p = Fixtures.path(relative)
      func folded(_ parallel: ParallelReading) throws -> (bytes: [UInt8], ahead: Int) {
        var c = FtraceCollapser(options: FoldOptions(), parallel: parallel)
        _ = try c.collapse(try InputOpener.open(p), displayName: p, path: p)
        var out: [UInt8] = []
        c.write { out.append(contentsOf: $0) }
        return (out, c.linesDecodedAhead)
      }
      // Chunks of 4 KiB: many boundaries fall inside the calls of the capture.
      let several = try folded(ParallelReading(minimumFileBytes: 0, chunkBytes: 4096, workers: 2, chunksAhead: 2))
      let one = try folded(.off)
      #expect(several.ahead > 100 && one.ahead == 0, "\(relative): \(several.ahead), \(one.ahead)")
      #expect(!one.bytes.isEmpty)
      #expect(several.bytes == one.bytes, "\(relative)")
    }
  }
}
