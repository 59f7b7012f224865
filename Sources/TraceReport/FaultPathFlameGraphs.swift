import Foundation
import TraceAnalysis
import TraceFold
import TraceParse

/// The flame graph of the fault-path stacks of each SPINNING thread: its file is folded again
/// (TraceFold, per thread), and only the stacks through a fault-path or retry frame of the rule
/// are kept. Files that cannot be read again (stdin, a file gone since) give no graph.
enum FaultPathFlameGraphs {
  /// Key of a thread's graph.
  static func key(_ file: String, _ tid: Int32) -> String { "\(file)\u{0}\(tid)" }

  /// The fault-path stacks of every SPINNING thread of `files`, by ``key(_:_:)``.
  static func trees(
    _ files: [FileAnalysis], rule: FaultLoopRule = .userfaultfdRetry, traceDat: (any TraceDatDecoding)?
  ) -> [String: FlameTree] {
    var out: [String: FlameTree] = [:]
    let frames = Set(rule.faultPathFrames + rule.retryFunctions)
    for f in files where f.skipped == nil && f.threads.contains(where: { $0.verdict == .spinning }) {
      guard f.file != "-", f.file != "<stdin>", FileManager.default.isReadableFile(atPath: f.file) else { continue }
      var options = FoldOptions()
      options.includeTid = true
      guard let input = try? FlameGraphInput.load(f.file, options: options, traceDat: traceDat) else { continue }
      for t in f.threads where t.verdict == .spinning {
        var tree = FlameTree()
        input.tree.forEachStack { stack, weight in
          let parts = stack.split(separator: UInt8(ascii: ";"))
          guard let process = parts.first, String(decoding: process, as: UTF8.self).hasSuffix("/\(t.tid)") else {
            return
          }
          let inFaultPath = parts.dropFirst().contains { p in
            let name = String(decoding: p, as: UTF8.self)
            return frames.contains(name) || frames.contains(where: { name.hasPrefix($0 + ".") })
          }
          guard inFaultPath, weight > 0 else { return }
          stack.withUnsafeBufferPointer { tree.add(ByteSpan(base: $0.baseAddress, count: $0.count), weight: weight) }
        }
        if tree.total > 0 { out[key(f.file, t.tid)] = tree }
      }
    }
    return out
  }
}
