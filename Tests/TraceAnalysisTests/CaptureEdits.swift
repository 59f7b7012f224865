import Foundation

/// Named edits of real function_graph captures (`funcgraph-abstime` text: each line starts with its
/// timestamp in seconds with six decimals). Each test says which edit it makes.
enum CaptureEdits {
  /// Indices of the lines where `comm` (as the proc column prints it) enters `function`.
  static func entries(_ lines: [String], comm: String, function: String = "handle_userfault") -> [Int] {
    lines.indices.filter { lines[$0].contains(" \(comm) ") && lines[$0].hasSuffix(" \(function)() {") }
  }

  /// The timestamp of a line, in ns, when it begins with one.
  static func timestamp(_ line: String) -> Int64? {
    let head = line.drop { $0 == " " }.prefix { $0 != " " }
    guard let dot = head.firstIndex(of: "."), let s = Int64(head[..<dot]),
      let us = Int64(head[head.index(after: dot)...])
    else { return nil }
    return s * 1_000_000_000 + us * 1_000
  }

  /// Stretch: every timestamp from line index `from` on is moved `ns` later (µs precision, as printed).
  static func shift(_ lines: [String], from: Int, by ns: Int64) -> [String] {
    var out = lines
    for i in from..<lines.count {
      guard let ts = timestamp(lines[i]) else { continue }
      let head = lines[i].prefix { $0 == " " }.count
      let old = String(lines[i].dropFirst(head).prefix { $0 != " " })
      let t = ts + ns
      let new = String(format: "%lld.%06lld", t / 1_000_000_000, (t % 1_000_000_000) / 1_000)
      let pad = max(0, head + old.count - new.count)
      out[i] = String(repeating: " ", count: pad) + new + lines[i].dropFirst(head + old.count)
    }
    return out
  }
}
