import Foundation
import Testing
import TraceDat
import TraceFold
import TraceParse

/// Folding real captures through ``Collapse``.
@Suite struct CollapseFileTests {
  func folded(_ path: String, _ options: FoldOptions = FoldOptions()) throws -> (text: String, times: Bool) {
    let r = try Collapse.file(path, options: options, traceDat: TraceDatDecoder())
    var bytes: [UInt8] = []
    r.collapser.write { bytes.append(contentsOf: $0) }
    return (String(decoding: bytes, as: UTF8.self), r.collapser.weightsAreTimes)
  }

  /// The same capture as trace.dat and as its `trace-cmd report` text folds to the same stacks.
  @Test func traceDatFoldsLikeItsReportText() throws {
    let dat = try folded(Fixtures.path(Fixtures.fix + "trace.dat"))
    let text = try folded(Fixtures.path(Fixtures.fix + "trace-cmd-report.txt"))
    #expect(dat.times && text.times)
    #expect(!dat.text.isEmpty)
    func stacks(_ s: String) -> [String: Int] {
      var out: [String: Int] = [:]
      for l in s.split(separator: "\n") {
        let sp = l.lastIndex(of: " ")!
        out[String(l[..<sp]), default: 0] += Int(l[l.index(after: sp)...])!
      }
      return out
    }
    let a = stacks(dat.text)
    let b = stacks(text.text)
    #expect(Set(a.keys) == Set(b.keys))
    // Weights agree to the microsecond rounding of the printed timestamps.
    for (k, v) in a { #expect(abs(v - b[k]!) <= 1, "\(k): \(v) vs \(b[k]!)") }
    #expect(a.keys.contains { $0.contains("handle_userfault") })
  }

  @Test func traceDatWithoutAPathIsAClearError() throws {
    // What stdin gives the collapser: the bytes but no path to hand to libtracecmd.
    let p = Fixtures.path(Fixtures.fix + "trace.dat")
    var c = TraceDatCollapser(options: FoldOptions(), decoder: TraceDatDecoder())
    #expect {
      _ = try c.collapse(try InputOpener.open(p), displayName: "<stdin>", path: nil)
    } throws: { e in "\(e)" == "<stdin>: error: trace.dat cannot be read from stdin: give its path" }
  }

  @Test func perfWarningsCarryLineNumbers() throws {
    var lines = try String(contentsOfFile: Fixtures.path(Fixtures.vanilla + "perf.txt"), encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[9] = "this line was replaced by the test"
    let p = Fixtures.temporary(Array(lines.joined(separator: "\n").utf8))
    let r = try Collapse.file(p, options: FoldOptions(), traceDat: nil)
    #expect(r.collapser.format == .perfScript)
    #expect(r.diagnostics.map(\.formatted).contains { $0.hasPrefix("\(p):10: warning: not a perf script line") })
  }
}
