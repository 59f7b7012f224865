import TraceParse

/// Folded stacks merged into a tree, the model a flame graph draws: every node is a frame under
/// its parent with the summed weight of the stacks through it. A differential tree also holds the
/// weight each frame had *before* (FlameGraph's difffolded.pl two-count lines: width is the
/// second count, colour the change).
public struct FlameTree {
  /// One frame in the tree.
  public struct Node: Sendable {
    /// Index of the frame's name (``name(of:)``); the root has none.
    public let nameID: UInt32
    /// Depth: 0 for the root, 1 for the process names or outermost frames.
    public let depth: Int
    /// Summed weight of the stacks through this frame (the "after" weight in a differential tree).
    public internal(set) var value: Int64 = 0
    /// Summed weight before (differential trees; 0 otherwise).
    public internal(set) var before: Int64 = 0
    /// Weight of stacks that end in this frame (its self weight).
    public internal(set) var selfValue: Int64 = 0
    /// Self weight before (differential trees).
    public internal(set) var selfBefore: Int64 = 0
    /// Children in first-seen order (sorted by name by ``sortChildren()``).
    public internal(set) var children: [Int] = []
  }

  /// All nodes; index 0 is the root, whose value is the total.
  public private(set) var nodes: [Node] = [Node(nameID: 0, depth: 0)]
  /// True when the weights came with before counts (two-count lines or ``differential(before:after:)``).
  public internal(set) var isDifferential = false
  var names = ByteInterner()
  private var childIndex: [ChildKey: Int] = [:]
  private var nameBytes: [[UInt8]] = [[]]

  private struct ChildKey: Hashable {
    var parent: Int
    var name: UInt32
  }

  /// An empty tree.
  public init() { _ = names.intern(.empty) }

  /// The total weight (after, in a differential tree).
  public var total: Int64 { nodes[0].value }

  /// The deepest frame's depth.
  public var maxDepth: Int { nodes.map(\.depth).max() ?? 0 }

  /// The name of node `i`.
  public func name(of i: Int) -> String { String(decoding: nameBytes[Int(nodes[i].nameID)], as: UTF8.self) }

  /// Adds the stack `frames` (`;`-separated, root first) with `weight`, and `before` in a
  /// differential tree. Empty frames (`a;;b`) are kept as they are named.
  public mutating func add(_ frames: ByteSpan, weight: Int64, before: Int64 = 0) {
    var node = 0
    nodes[0].value = nodes[0].value.addingSaturated(weight)
    nodes[0].before = nodes[0].before.addingSaturated(before)
    var start = 0
    while start <= frames.count {
      let end = frames.firstIndex(of: UInt8(ascii: ";"), from: start) ?? frames.count
      let (id, isNew) = names.internReportingNew(frames.slice(start, end))
      if isNew { nameBytes.append(Array(UnsafeBufferPointer(start: frames.base! + start, count: end - start))) }
      let key = ChildKey(parent: node, name: id)
      let child: Int
      if let c = childIndex[key] {
        child = c
      } else {
        child = nodes.count
        nodes.append(Node(nameID: id, depth: nodes[node].depth + 1))
        nodes[node].children.append(child)
        childIndex[key] = child
      }
      nodes[child].value = nodes[child].value.addingSaturated(weight)
      nodes[child].before = nodes[child].before.addingSaturated(before)
      node = child
      start = end + 1
    }
    nodes[node].selfValue = nodes[node].selfValue.addingSaturated(weight)
    nodes[node].selfBefore = nodes[node].selfBefore.addingSaturated(before)
  }

  /// Orders every node's children by name (bytewise), as flamegraph.pl draws them.
  public mutating func sortChildren() {
    let ids = nodes.map { Int($0.nameID) }
    let bytes = nameBytes
    for i in nodes.indices {
      nodes[i].children.sort { bytes[ids[$0]].lexicographicallyPrecedes(bytes[ids[$1]]) }
    }
  }

  /// Reads folded lines (`a;b;c 12`, or `a;b;c 10 12` for before and after) from `source`.
  /// Lines that do not end in a count are skipped and reported with their line number; a file
  /// mixing one- and two-count lines is read as differential, one-count lines counting 0 before.
  public static func read(_ source: ByteSource, displayName: String) throws -> (FlameTree, [Diagnostic]) {
    var tree = FlameTree()
    var log = DiagnosticLog(file: displayName)
    do {
      _ = try LineReader(source: source).forEachLine { line, number in
        if !tree.addFoldedLine(line) {
          log.add(
            .warning, .unparsedLine, line: number,
            "not a folded stack line ('frames count'), skipped: \(line.trimmed().quotedPreview())")
        }
        return true
      }
    } catch let e as ByteSourceError {
      throw TraceInputError(file: displayName, line: 0, kind: .brokenStream, e.message)
    }
    return (tree, log.summarized)
  }

  /// Adds one folded line; blank lines and `#` comments are skipped. False when the line does not
  /// end in a count.
  @discardableResult public mutating func addFoldedLine(_ line: ByteSpan) -> Bool {
    let t = line.trimmed()
    if t.isEmpty || t[0] == UInt8(ascii: "#") { return true }
    guard let (stack, first, second) = Self.split(t) else { return false }
    if let second {
      isDifferential = true
      add(stack, weight: second, before: first)
    } else {
      add(stack, weight: first)
    }
    return true
  }

  /// `frames count [count]` → the frames and one or two counts (decimal, fractions cut).
  static func split(_ t: ByteSpan) -> (ByteSpan, Int64, Int64?)? {
    guard let lastSpace = t.lastIndex(of: 0x20), let last = count(t.suffix(from: lastSpace + 1)) else { return nil }
    let head = t.slice(0, lastSpace).trimmed()
    if let s = head.lastIndex(of: 0x20), let first = count(head.suffix(from: s + 1)) {
      let frames = head.slice(0, s).trimmed()
      if !frames.isEmpty { return (frames, first, last) }
    }
    return head.isEmpty ? nil : (head, last, nil)
  }

  private static func count(_ s: ByteSpan) -> Int64? {
    guard !s.isEmpty else { return nil }
    var v: Int64 = 0
    var i = 0
    while i < s.count, s[i] >= 0x30, s[i] <= 0x39 {
      v = v > (Int64.max - 9) / 10 ? Int64.max : v * 10 + Int64(s[i] - 0x30)
      i += 1
    }
    if i == 0 { return nil }
    if i < s.count, s[i] == UInt8(ascii: ".") {
      i += 1
      while i < s.count, s[i] >= 0x30, s[i] <= 0x39 { i += 1 }
    }
    return i == s.count ? v : nil
  }

  /// The differential tree of two profiles, as difffolded.pl pairs them: each stack's weight in
  /// `after` is its width, its weight in `before` the comparison. With `normalize`, before's weights
  /// are scaled so both totals match (difffolded.pl's `-n`).
  public static func differential(before: FlameTree, after: FlameTree, normalize: Bool = false) -> FlameTree {
    var out = FlameTree()
    out.isDifferential = true
    let scale = normalize && before.total > 0 ? Double(after.total) / Double(before.total) : 1
    var stacks: [[UInt8]: (before: Int64, after: Int64)] = [:]
    before.forEachStack { s, w in stacks[s, default: (0, 0)].before += Int64((Double(w) * scale).rounded()) }
    after.forEachStack { s, w in stacks[s, default: (0, 0)].after += w }
    for key in stacks.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
      let w = stacks[key]!
      key.withUnsafeBufferPointer {
        out.add(ByteSpan(base: $0.baseAddress, count: $0.count), weight: w.after, before: w.before)
      }
    }
    return out
  }

  /// Calls `body` with every stack that ends in a frame (`a;b;c` bytes) and its self weight.
  public func forEachStack(_ body: ([UInt8], Int64) -> Void) {
    forEachStack { s, w, _ in body(s, w) }
  }

  /// Calls `body` with every stack that ends in a frame, its self weight and its self weight before.
  public func forEachStack(_ body: ([UInt8], Int64, Int64) -> Void) {
    var path: [Int] = []
    func visit(_ i: Int) {
      if i != 0 { path.append(i) }
      if nodes[i].selfValue != 0 || nodes[i].selfBefore != 0 || (i != 0 && nodes[i].children.isEmpty) {
        var s: [UInt8] = []
        for (k, n) in path.enumerated() {
          if k > 0 { s.append(UInt8(ascii: ";")) }
          s += nameBytes[Int(nodes[n].nameID)]
        }
        body(s, nodes[i].selfValue, nodes[i].selfBefore)
      }
      for c in nodes[i].children { visit(c) }
      if i != 0 { path.removeLast() }
    }
    visit(0)
  }
}
