/// An interned name (function, comm, event): a 32-bit id into a ``SymbolTable``.
public struct Symbol: Hashable, Sendable, Comparable {
  /// Index into the table; 0 is the empty name.
  public let id: UInt32

  /// Wraps a raw id.
  @inlinable public init(id: UInt32) { self.id = id }

  /// The empty name, used for "unknown".
  @inlinable public static var none: Symbol { Symbol(id: 0) }

  public static func < (a: Symbol, b: Symbol) -> Bool { a.id < b.id }
}

/// Interns byte strings so that records carry 32-bit ids instead of `String`s.
/// Lookups hash the bytes in place and allocate nothing for names already seen. The storage is
/// raw memory the table owns (no array's bounds checks, uniqueness checks or reference counts on
/// the hot path): the names' bytes one after the other, each name's place, and an open-addressing
/// table whose slots keep the high half of the name's hash beside its id, so that a slot of
/// another name is passed over without looking at its bytes.
public final class SymbolTable {
  /// Where a name's bytes are in the arena.
  private struct Entry {
    var start: Int
    var length: Int
  }

  /// A slot that holds no name.
  private static let emptySlot = UInt64.max

  private var arena: UnsafeMutablePointer<UInt8>
  private var arenaCount = 0
  private var arenaCapacity = 1 << 16
  private var entries = RawList<Entry>(capacity: 512)
  /// `id` in the low half, the high half of the name's hash in the high half; or ``emptySlot``.
  private var slots: UnsafeMutablePointer<UInt64>
  private var mask = 1023
  private var cache: [String?] = [""]

  /// An empty table (holding only ``Symbol/none``).
  public init() {
    arena = .allocate(capacity: arenaCapacity)
    entries.append(Entry(start: 0, length: 0))
    slots = .allocate(capacity: mask + 1)
    slots.initialize(repeating: Self.emptySlot, count: mask + 1)
  }

  deinit {
    arena.deallocate()
    entries.free()
    slots.deallocate()
  }

  /// Number of distinct names, including the empty one.
  public var count: Int { entries.count }

  /// Returns the symbol for `bytes`, adding it when new.
  public func intern(_ bytes: ByteSpan) -> Symbol {
    if bytes.count == 0 { return .none }
    let h = bytes.symbolHash()
    let tag = h >> 32
    var slot = Int(truncatingIfNeeded: h) & mask
    while true {
      let s = slots[slot]
      if s == Self.emptySlot { break }
      if s >> 32 == tag, holds(Int(s & 0xFFFF_FFFF), bytes) { return Symbol(id: UInt32(truncatingIfNeeded: s)) }
      slot = (slot + 1) & mask
    }
    return add(bytes, hash: h, slot: slot)
  }

  /// Returns `hint` when it names `bytes`, else interns them: the comm of consecutive lines of one
  /// task is compared once instead of hashed again.
  @inline(__always)
  public func intern(_ bytes: ByteSpan, hint: Symbol) -> Symbol {
    if hint.id != 0, Int(hint.id) < entries.count, bytes.count > 0, holds(Int(hint.id), bytes) { return hint }
    return intern(bytes)
  }

  /// Adds `bytes` (hashed to `hash`) as a new name in the empty `slot`.
  private func add(_ bytes: ByteSpan, hash: UInt64, slot: Int) -> Symbol {
    let n = bytes.count
    if arenaCount + n > arenaCapacity {
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: max(arenaCapacity * 2, arenaCount + n))
      bigger.update(from: arena, count: arenaCount)
      arena.deallocate()
      arena = bigger
      arenaCapacity = max(arenaCapacity * 2, arenaCount + n)
    }
    let id = entries.count
    (arena + arenaCount).update(from: bytes.base!, count: n)
    entries.append(Entry(start: arenaCount, length: n))
    arenaCount += n
    cache.append(nil)
    slots[slot] = UInt64(id) | (hash & 0xFFFF_FFFF_0000_0000)
    if entries.count * 2 > mask + 1 { grow() }
    return Symbol(id: UInt32(id))
  }

  /// True when `symbol` (of this table) names exactly `bytes` (non-empty).
  @inline(__always)
  func names(_ symbol: Symbol, _ bytes: ByteSpan) -> Bool {
    Int(symbol.id) < entries.count && bytes.count > 0 && holds(Int(symbol.id), bytes)
  }

  /// True when entry `i` holds exactly `bytes` (non-empty): compared eight bytes at a time in
  /// place (names are short; a libc call costs more than the comparison).
  @inline(__always)
  private func holds(_ i: Int, _ bytes: ByteSpan) -> Bool {
    let n = bytes.count
    let e = entries[i]
    guard e.length == n else { return false }
    let x = UnsafeRawPointer(arena + e.start)
    let y = UnsafeRawPointer(bytes.base!)
    if n < 8 {
      for k in 0..<n where x.load(fromByteOffset: k, as: UInt8.self) != y.load(fromByteOffset: k, as: UInt8.self) {
        return false
      }
      return true
    }
    var k = 0
    while k + 8 <= n {
      if x.loadUnaligned(fromByteOffset: k, as: UInt64.self) != y.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
        return false
      }
      k += 8
    }
    return k == n
      || x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
  }

  /// Returns the symbol for a Swift string, adding it when new.
  public func intern(_ string: String) -> Symbol {
    var s = string
    return s.withUTF8 { intern(ByteSpan(base: $0.baseAddress, count: $0.count)) }
  }

  /// Returns the symbol for `string` if it was interned, without adding it.
  public func lookup(_ string: String) -> Symbol? {
    var s = string
    return s.withUTF8 { buf -> Symbol? in
      let bytes = ByteSpan(base: buf.baseAddress, count: buf.count)
      if bytes.count == 0 { return Symbol.none }
      let h = bytes.symbolHash()
      var slot = Int(truncatingIfNeeded: h) & mask
      while true {
        let s = slots[slot]
        if s == Self.emptySlot { return nil }
        if s >> 32 == h >> 32, holds(Int(s & 0xFFFF_FFFF), bytes) { return Symbol(id: UInt32(truncatingIfNeeded: s)) }
        slot = (slot + 1) & mask
      }
    }
  }

  /// The name of `symbol` as a `String` (cached after the first call).
  public func name(_ symbol: Symbol) -> String {
    let i = Int(symbol.id)
    if let s = cache[i] { return s }
    let e = entries[i]  // `cache` has a place for every entry: `i` was checked there
    let s = String(decoding: UnsafeBufferPointer(start: arena + e.start, count: e.length), as: UTF8.self)
    cache[i] = s
    return s
  }

  /// Calls `body` with the bytes of `symbol`.
  public func withBytes<R>(_ symbol: Symbol, _ body: (ByteSpan) -> R) -> R {
    precondition(Int(symbol.id) < entries.count, "symbol \(symbol.id) of another table")
    let e = entries[Int(symbol.id)]
    return body(ByteSpan(base: arena + e.start, count: e.length))
  }

  private func grow() {
    let size = (mask + 1) * 2
    slots.deallocate()
    slots = .allocate(capacity: size)
    slots.initialize(repeating: Self.emptySlot, count: size)
    mask = size - 1
    for id in 1..<entries.count {
      let e = entries[id]
      let h = ByteSpan(base: arena + e.start, count: e.length).symbolHash()
      var slot = Int(truncatingIfNeeded: h) & mask
      while slots[slot] != Self.emptySlot { slot = (slot + 1) & mask }
      slots[slot] = UInt64(id) | (h & 0xFFFF_FFFF_0000_0000)
    }
  }
}
