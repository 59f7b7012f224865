import TraceParse

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Call stacks as a tree of frames: a node is one name under its parent node, so a stack is the
/// id of its last frame, and pushing a frame or adding a weight to a stack costs one hash lookup,
/// however deep the stack is. Memory grows with the number of distinct stacks, not with the input,
/// and is capped: past `capacity` nodes, ``child(_:_:)`` answers nil for a new frame under a
/// node (never for a top-level one) and the caller folds the call into its caller's stack
/// (16 bytes a node, plus 4 to 8 in the hash index).
struct StackTrie {
  /// The parent of the top-level nodes.
  static let top = UInt32.max
  /// The most nodes kept by default (8 MiB of nodes; a whole-kernel graph of 300 MB has ~100,000).
  static let defaultCapacity = 1 << 19
  /// The most nodes kept.
  let capacity: Int

  /// parent << 32 | name, per node.
  private var keys: [UInt64] = []
  private var weights: [Int64] = []
  /// Open addressing (linear probing) from key hashes to node ids, -1 for empty; at most half full.
  private var slots = [Int32](repeating: -1, count: 1 << 12)

  /// An empty trie keeping at most `capacity` nodes under other nodes.
  init(capacity: Int = defaultCapacity) {
    self.capacity = capacity
    // Reserved, not touched: pages become resident only as nodes are added, and the arrays are
    // never copied to grow.
    keys.reserveCapacity(capacity)
    weights.reserveCapacity(capacity)
  }

  var count: Int { keys.count }

  @inline(__always) private static func hash(_ key: UInt64) -> Int {
    var h = key &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 29
    h = h &* 0xBF58_476D_1CE4_E5B9
    return Int(truncatingIfNeeded: h ^ (h >> 32))
  }

  /// The node for frame `name` under `parent` (``top`` for a top-level frame), added when new;
  /// nil when it is new, under another node, and the trie is full.
  @inline(__always) mutating func child(_ parent: UInt32, _ name: UInt32) -> UInt32? {
    let key = UInt64(parent) << 32 | UInt64(name)
    let mask = slots.count - 1
    var slot = Self.hash(key) & mask
    while true {
      let id = slots[slot]
      if id < 0 { break }
      if keys[Int(id)] == key { return UInt32(id) }
      slot = (slot + 1) & mask
    }
    guard parent == Self.top || keys.count < capacity else { return nil }
    let id = Int32(keys.count)
    keys.append(key)
    weights.append(0)
    slots[slot] = id
    if keys.count * 2 > slots.count { grow() }
    return UInt32(id)
  }

  private mutating func grow() {
    slots = [Int32](repeating: -1, count: slots.count * 2)
    let mask = slots.count - 1
    for (i, key) in keys.enumerated() {
      var slot = Self.hash(key) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(i)
    }
  }

  /// Adds `weight` to the stack ending in `node`.
  @inline(__always) mutating func add(_ node: UInt32, _ weight: Int64) {
    weights[Int(node)] = weights[Int(node)].addingSaturated(weight)
  }

  /// The lines are given to the writer in blocks of about this many bytes.
  static let outputBlock = 1 << 20

  private func parent(_ i: Int) -> UInt32 { UInt32(truncatingIfNeeded: keys[i] >> 32) }
  private func name(_ i: Int) -> UInt32 { UInt32(truncatingIfNeeded: keys[i]) }

  /// Writes `a;b;c weight\n` lines sorted bytewise by their stack text, for the stacks whose
  /// weight (summed over stacks of the same text, then `transform`ed) is at least `minimum` (at
  /// least 1: stacks never given a weight are not lines). `topName` renames the top-level frames
  /// (the names of threads, known only at the end); top-level frames of the same name are merged.
  /// The order is that of sorting the whole lines, found level by level without building them:
  /// a frame's own line (`…;f`) comes before its callees' (`…;f;…`), and these sort against a
  /// sibling `g` as `f;` does against `g` (frame names hold no `;`).
  func writeSorted(
    names interner: ByteInterner, topName: (UInt32) -> UInt32, minimum: Int64, transform: (Int64) -> Int64,
    to out: (UnsafeRawBufferPointer) -> Void
  ) {
    // Children of each node, as ranges of one array (counting sort by parent).
    let n = count
    var firstChild = [Int32](repeating: 0, count: n + 1)
    var tops: [UInt32] = []
    for i in 0..<n where parent(i) != Self.top { firstChild[Int(parent(i)) + 1] += 1 }
    for i in 0..<n { firstChild[i + 1] += firstChild[i] }
    var children = [UInt32](repeating: 0, count: Int(firstChild[n]))
    // Filled from the back, each node's end moves down to its first child (in node order), which
    // is then at `firstChild[p + 1]`: one shift makes it `firstChild[p]` again.
    for i in stride(from: n - 1, through: 0, by: -1) where parent(i) != Self.top {
      let p = Int(parent(i)) + 1
      firstChild[p] -= 1
      children[Int(firstChild[p])] = UInt32(i)
    }
    firstChild.removeFirst()
    firstChild.append(Int32(children.count))
    for i in 0..<n where parent(i) == Self.top { tops.append(UInt32(i)) }
    let minimum = max(minimum, 1)
    var prefix: [UInt8] = []
    var buffer: [UInt8] = []
    buffer.reserveCapacity(Self.outputBlock + 4096)
    func flush() {
      if !buffer.isEmpty { buffer.withUnsafeBytes { out($0) } }
      buffer.removeAll(keepingCapacity: true)
    }
    func line(_ raw: Int64) {
      let w = transform(raw)
      if w < minimum { return }
      buffer.append(contentsOf: prefix)
      buffer.append(0x20)
      buffer.append(contentsOf: String(w).utf8)
      buffer.append(0x0A)
      if buffer.count >= Self.outputBlock { flush() }
    }
    // The lines of the frames `nodes` (name, node) under the current prefix: nodes of the same
    // name are one frame (their weights summed, their callees merged).
    func level(_ nodes: [(name: UInt32, node: UInt32)]) {
      if nodes.count == 1 {
        frame(nodes[0].name, nodes[0].node)
        return
      }
      let sorted = nodes.sorted { $0.name < $1.name }
      // One frame per name: its nodes are sorted[start..<end].
      var frames: [(name: UInt32, start: Int, end: Int)] = []
      var i = 0
      while i < sorted.count {
        var j = i + 1
        while j < sorted.count, sorted[j].name == sorted[i].name { j += 1 }
        frames.append((sorted[i].name, i, j))
        i = j
      }
      // Each frame is two items: its own line (false) and its callees' lines (true).
      var items: [(frame: Int, callees: Bool)] = []
      items.reserveCapacity(frames.count * 2)
      for f in frames.indices {
        items.append((f, false))
        items.append((f, true))
      }
      items.sort { a, b in
        interner.orders(frames[a.frame].name, a.callees, before: frames[b.frame].name, b.callees)
      }
      for item in items {
        let f = frames[item.frame]
        let mark = prefix.count
        interner.append(f.name, to: &prefix)
        if item.callees {
          var next: [(name: UInt32, node: UInt32)] = []
          for k in f.start..<f.end {
            let p = Int(sorted[k].node)
            for c in Int(firstChild[p])..<Int(firstChild[p + 1]) {
              next.append((name(Int(children[c])), children[c]))
            }
          }
          if !next.isEmpty {
            prefix.append(UInt8(ascii: ";"))
            level(next)
          }
        } else {
          var w: Int64 = 0
          for k in f.start..<f.end { w = w.addingSaturated(weights[Int(sorted[k].node)]) }
          line(w)
        }
        prefix.removeSubrange(mark...)
      }
    }
    // The lines of the frame `name` that is the one node `node` (most frames of a deep trie): its
    // own line sorts before its callees' (`f ` before `f;`), and nothing needs sorting or merging.
    func frame(_ frameName: UInt32, _ node: UInt32) {
      let mark = prefix.count
      interner.append(frameName, to: &prefix)
      line(weights[Int(node)])
      let callees = Int(firstChild[Int(node)])..<Int(firstChild[Int(node) + 1])
      if !callees.isEmpty {
        prefix.append(UInt8(ascii: ";"))
        if callees.count == 1 {
          frame(name(Int(children[callees.lowerBound])), children[callees.lowerBound])
        } else {
          level(callees.map { (name(Int(children[$0])), children[$0]) })
        }
      }
      prefix.removeSubrange(mark...)
    }
    level(tops.map { (topName(name(Int($0))), $0) })
    flush()
  }
}
