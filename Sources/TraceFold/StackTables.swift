import TraceParse

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Open-addressing slots (linear probing) from hashes to entry indices, shared by the tables below.
/// The tables keep each entry's hash, so growing rehashes without touching the entries.
struct HashSlots {
  private var slots: [Int32] = Array(repeating: -1, count: 1 << 12)
  private var mask = (1 << 12) - 1

  /// The first slot to probe for `hash`.
  @inline(__always) func first(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & mask }
  /// The slot after `slot`.
  @inline(__always) func next(_ slot: Int) -> Int { (slot + 1) & mask }
  /// The entry in `slot`, or -1.
  @inline(__always) subscript(slot: Int) -> Int32 { slots[slot] }

  /// Puts entry `id` into the empty `slot`; grows when more than half of the slots are used.
  @inline(__always) mutating func store(_ id: Int32, at slot: Int, entries hashes: [UInt64]) {
    slots[slot] = id
    if hashes.count * 2 > slots.count { grow(hashes) }
  }

  private mutating func grow(_ hashes: [UInt64]) {
    let size = slots.count * 2
    slots = Array(repeating: -1, count: size)
    mask = size - 1
    for (i, h) in hashes.enumerated() {
      var slot = first(h)
      while slots[slot] >= 0 { slot = next(slot) }
      slots[slot] = Int32(i)
    }
  }
}

/// Interns byte strings (process names, frames, whole frame lines) into dense ids; lookups hash
/// eight bytes at a time and allocate nothing for bytes already seen.
struct ByteInterner {
  private var arena: [UInt8] = []
  private var starts: [Int] = []
  private var lengths: [Int32] = []
  private var hashes: [UInt64] = []
  private var index = HashSlots()

  init() { arena.reserveCapacity(1 << 16) }

  var count: Int { starts.count }

  @inline(__always) static func hash(_ s: ByteSpan, seed: UInt64) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ seed ^ UInt64(truncatingIfNeeded: s.count)
    guard let base = s.base else { return h }
    let raw = UnsafeRawPointer(base)
    var i = 0
    let n = s.count
    while i + 8 <= n {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
      i += 8
    }
    if i < n {
      var tail: UInt64 = 0
      var shift: UInt64 = 0
      while i < n {
        tail |= UInt64(base[i]) << shift
        shift += 8
        i += 1
      }
      h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
    }
    h ^= h >> 29
    return h &* 0x9FB2_1C65_1E98_DF25
  }

  /// The id of `s` (seeded: the same bytes under another seed are another entry).
  @inline(__always) mutating func internReportingNew(_ s: ByteSpan, seed: UInt64 = 0) -> (UInt32, Bool) {
    let h = Self.hash(s, seed: seed)
    var slot = index.first(h)
    while true {
      let id = index[slot]
      if id < 0 { break }
      let i = Int(id)
      if hashes[i] == h, Int(lengths[i]) == s.count {
        let same =
          s.count == 0 || arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + starts[i], s.base!, s.count) == 0 }
        if same { return (UInt32(id), false) }
      }
      slot = index.next(slot)
    }
    let id = Int32(starts.count)
    starts.append(arena.count)
    lengths.append(Int32(s.count))
    hashes.append(h)
    if s.count > 0 { arena.append(contentsOf: UnsafeBufferPointer(start: s.base, count: s.count)) }
    index.store(id, at: slot, entries: hashes)
    return (UInt32(id), true)
  }

  @inline(__always) mutating func intern(_ s: ByteSpan) -> UInt32 { internReportingNew(s).0 }

  /// True when `a` followed by `;` (`aThen`) or by nothing sorts bytewise before `b` followed by
  /// `;` (`bThen`) or by nothing (nothing sorts first).
  func orders(_ a: UInt32, _ aThen: Bool, before b: UInt32, _ bThen: Bool) -> Bool {
    if a == b { return !aThen && bThen }
    let (sa, na) = (starts[Int(a)], Int(lengths[Int(a)]))
    let (sb, nb) = (starts[Int(b)], Int(lengths[Int(b)]))
    return arena.withUnsafeBufferPointer { p in
      let n = min(na, nb)
      let c = n == 0 ? 0 : memcmp(p.baseAddress! + sa, p.baseAddress! + sb, n)
      if c != 0 { return c < 0 }
      // One name is the other's start: compare what follows it (-1 for nothing).
      let nextA = na > n ? Int(p[sa + n]) : aThen ? Int(UInt8(ascii: ";")) : -1
      let nextB = nb > n ? Int(p[sb + n]) : bThen ? Int(UInt8(ascii: ";")) : -1
      return nextA != nextB ? nextA < nextB : na < nb
    }
  }

  /// Appends the bytes of `id` to `out`.
  func append(_ id: UInt32, to out: inout [UInt8]) {
    let i = Int(id)
    let n = Int(lengths[i])
    if n > 0 { out.append(contentsOf: arena[starts[i]..<(starts[i] + n)]) }
  }
}

/// Sums weights per stack (a sequence of interned name ids, process name first).
struct StackTable {
  private var arena: [UInt32] = []
  private var starts: [Int] = []
  private var lengths: [Int32] = []
  private var hashes: [UInt64] = []
  private(set) var weights: [Int64] = []
  private var index = HashSlots()

  var count: Int { starts.count }

  /// Adds `weight` to the stack `ids` (read back to front when `reversed`).
  @inline(__always) mutating func add(_ ids: [UInt32], reversed: Bool, weight: Int64) {
    let n = ids.count
    var h: UInt64 = 0x2545_F491_4F6C_DD1D ^ UInt64(n)
    ids.withUnsafeBufferPointer { b in
      if reversed {
        var i = n - 1
        while i >= 0 {
          h = (h ^ UInt64(b[i])) &* 0xFF51_AFD7_ED55_8CCD
          h ^= h >> 31
          i -= 1
        }
      } else {
        for x in b {
          h = (h ^ UInt64(x)) &* 0xFF51_AFD7_ED55_8CCD
          h ^= h >> 31
        }
      }
    }
    var slot = index.first(h)
    while true {
      let id = index[slot]
      if id < 0 { break }
      let e = Int(id)
      if hashes[e] == h, Int(lengths[e]) == n, same(e, ids, reversed) {
        weights[e] = weights[e].addingSaturated(weight)
        return
      }
      slot = index.next(slot)
    }
    let e = Int32(starts.count)
    starts.append(arena.count)
    lengths.append(Int32(n))
    hashes.append(h)
    weights.append(weight)
    if reversed { arena.append(contentsOf: ids.reversed()) } else { arena.append(contentsOf: ids) }
    index.store(e, at: slot, entries: hashes)
  }

  @inline(__always) private func same(_ e: Int, _ ids: [UInt32], _ reversed: Bool) -> Bool {
    let s = starts[e]
    let n = ids.count
    return arena.withUnsafeBufferPointer { a in
      ids.withUnsafeBufferPointer { b in
        if !reversed { return memcmp(a.baseAddress! + s, b.baseAddress!, n * 4) == 0 }
        for i in 0..<n where a[s + i] != b[n - 1 - i] { return false }
        return true
      }
    }
  }

  /// Writes `a;b;c weight\n` lines sorted bytewise by their stack text; stacks whose weight is
  /// below `minimum` are left out.
  func writeSorted(
    names: ByteInterner, minimum: Int64 = Int64.min, transform: (Int64) -> Int64 = { $0 },
    to out: (UnsafeRawBufferPointer) -> Void
  ) {
    writeSorted(appendName: { names.append($0, to: &$1) }, minimum: minimum, transform: transform, to: out)
  }

  /// As above, with names resolved by `appendName` at output time; stacks whose text comes out the
  /// same (e.g. two threads of one name) are summed into one line.
  func writeSorted(
    appendName: (UInt32, inout [UInt8]) -> Void, minimum: Int64 = Int64.min, transform: (Int64) -> Int64 = { $0 },
    to out: (UnsafeRawBufferPointer) -> Void
  ) {
    var keys: [[UInt8]] = []
    var order: [Int] = []
    keys.reserveCapacity(count)
    for e in 0..<count {
      var k: [UInt8] = []
      for i in 0..<Int(lengths[e]) {
        if i > 0 { k.append(UInt8(ascii: ";")) }
        appendName(arena[starts[e] + i], &k)
      }
      keys.append(k)
      order.append(e)
    }
    order.sort { a, b in
      keys[a].withUnsafeBufferPointer { x in
        keys[b].withUnsafeBufferPointer { y in
          let n = min(x.count, y.count)
          let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
          return c != 0 ? c < 0 : x.count < y.count
        }
      }
    }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 16)
    var i = 0
    while i < order.count {
      let e = order[i]
      var raw = weights[e]
      i += 1
      while i < order.count, keys[order[i]] == keys[e] {
        raw = raw.addingSaturated(weights[order[i]])
        i += 1
      }
      let w = transform(raw)
      if w < minimum { continue }
      buffer.append(contentsOf: keys[e])
      buffer.append(0x20)
      buffer.append(contentsOf: String(w).utf8)
      buffer.append(0x0A)
      if buffer.count >= 1 << 16 {
        buffer.withUnsafeBytes { out($0) }
        buffer.removeAll(keepingCapacity: true)
      }
    }
    if !buffer.isEmpty { buffer.withUnsafeBytes { out($0) } }
  }
}
