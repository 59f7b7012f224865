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
    retimed(lines, from: from) { $0 + ns }
  }

  /// Stopped clock: every timestamp from line index `from` on is that of line `from`, but the last
  /// line's, which is `lastAfter` ns later (µs precision, as printed).
  static func frozen(_ lines: [String], from: Int, lastAfter: Int64 = 0) -> [String] {
    let t0 = timestamp(lines[from])!
    let last = lines.lastIndex { timestamp($0) != nil }!
    var out = retimed(lines, from: from) { _ in t0 }
    out[last] = retimed([lines[last]], from: 0) { _ in t0 + lastAfter }[0]
    return out
  }

  /// Every timestamp from line index `from` on replaced by `new` of it.
  static func retimed(_ lines: [String], from: Int, _ new: (Int64) -> Int64) -> [String] {
    var out = lines
    for i in from..<lines.count {
      guard let ts = timestamp(lines[i]) else { continue }
      let head = lines[i].prefix { $0 == " " }.count
      let old = String(lines[i].dropFirst(head).prefix { $0 != " " })
      let t = new(ts)
      let new = String(format: "%lld.%06lld", t / 1_000_000_000, (t % 1_000_000_000) / 1_000)
      let pad = max(0, head + old.count - new.count)
      out[i] = String(repeating: " ", count: pad) + new + lines[i].dropFirst(head + old.count)
    }
    return out
  }
  /// funcgraph-duration off: every line with a duration column as the kernel prints it without one
  /// (print_graph_duration prints nothing, not even its `|  `, so the body follows the proc column's
  /// ` | `). Other lines are kept as they are.
  static func withoutDurations(_ lines: [String]) -> [String] {
    lines.map { l in
      let cols = l.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
      guard cols.count == 4, cols[3].hasPrefix("  ") else { return l }
      return "\(cols[0])|\(cols[1])| \(cols[3].dropFirst(2))"
    }
  }

  /// Depth limit: `comm`'s lines as the kernel prints them with `max_graph_depth` set to `depth`
  /// (the capture's graph function at depth 1). Calls deeper are dropped; a call at the deepest
  /// level with nothing printed inside becomes a leaf `name();` with its duration, one with an event
  /// inside (a `/* sched_switch */`) keeps its braces. Other tasks' lines are kept as they are.
  static func depthLimited(_ lines: [String], comm: String, depth: Int) -> [String] {
    // The function column after the third `|`: two spaces, then two more per level.
    func split(_ l: String) -> (head: [Substring], level: Int, text: Substring)? {
      let cols = l.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
      guard cols.count == 4, l.contains(" \(comm) ") else { return nil }
      let spaces = cols[3].prefix { $0 == " " }.count
      return (Array(cols[..<3]), (spaces - 2) / 2 + 1, cols[3].dropFirst(spaces))
    }
    var out: [String] = []
    var i = 0
    while i < lines.count {
      guard let l = split(lines[i]), l.level >= depth, !l.text.hasPrefix("/*") else {
        out.append(lines[i])
        i += 1
        continue
      }
      if l.level > depth {
        i += 1
        continue
      }
      guard l.text.hasSuffix("() {") else {
        out.append(lines[i])
        i += 1
        continue
      }
      // The matching `}` of this call (lines of other tasks and banners may come in between), and
      // whether an event of this task was printed inside it.
      var j = i + 1
      var event = false
      while j < lines.count {
        guard let m = split(lines[j]) else {
          j += 1
          continue
        }
        guard m.level > depth || m.text.hasPrefix("/*") else { break }
        event = event || m.text.hasPrefix("/*")
        j += 1
      }
      guard j < lines.count, let close = split(lines[j]), close.text == "}" else {
        out.append(lines[i])
        i += 1
        continue
      }
      let inside = lines[(i + 1)..<j].filter { split($0).map { $0.text.hasPrefix("/*") } ?? true }
      if event {
        out.append(lines[i])
        out += inside
        out.append(lines[j])
      } else {
        let indent = String(repeating: " ", count: 2 * depth)
        out.append("\(l.head[0])|\(l.head[1])|\(close.head[2])|\(indent)\(l.text.dropLast(2));")
        out += inside
      }
      i = j + 1
    }
    return out
  }
}
