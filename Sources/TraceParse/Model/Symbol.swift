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
/// Lookups hash the bytes in place and allocate nothing for names already seen.
public final class SymbolTable {
  private var arena: [UInt8] = []
  private var starts: [Int] = [0]
  private var lengths: [Int] = [0]
  private var slots: [UInt32]
  private var mask: Int
  private var cache: [String?] = [""]

  /// An empty table (holding only ``Symbol/none``).
  public init() {
    slots = Array(repeating: UInt32.max, count: 1024)
    mask = 1023
    arena.reserveCapacity(1 << 16)
  }

  /// Number of distinct names, including the empty one.
  public var count: Int { starts.count }

  @inline(__always)
  private static func hash(_ bytes: ByteSpan) -> Int { Int(truncatingIfNeeded: bytes.symbolHash()) }

  /// Returns the symbol for `bytes`, adding it when new.
  public func intern(_ bytes: ByteSpan) -> Symbol {
    if bytes.count == 0 { return .none }
    var slot = Self.hash(bytes) & mask
    while true {
      let id = slots[slot]
      if id == UInt32.max { break }
      if holds(Int(id), bytes) { return Symbol(id: id) }
      slot = (slot + 1) & mask
    }
    let id = UInt32(starts.count)
    starts.append(arena.count)
    lengths.append(bytes.count)
    arena.append(contentsOf: UnsafeBufferPointer(start: bytes.base!, count: bytes.count))
    cache.append(nil)
    slots[slot] = id
    if starts.count * 2 > slots.count { grow() }
    return Symbol(id: id)
  }

  /// Returns `hint` when it names `bytes`, else interns them: the comm of consecutive lines of one
  /// task is compared once instead of hashed again.
  @inline(__always)
  public func intern(_ bytes: ByteSpan, hint: Symbol) -> Symbol {
    if hint.id != 0, holds(Int(hint.id), bytes) { return hint }
    return intern(bytes)
  }

  /// True when entry `i` holds exactly `bytes` (non-empty): compared eight bytes at a time in
  /// place (names are short; a libc call costs more than the comparison).
  @inline(__always)
  private func holds(_ i: Int, _ bytes: ByteSpan) -> Bool {
    let n = bytes.count
    guard lengths[i] == n else { return false }
    let start = starts[i]
    return arena.withUnsafeBufferPointer { a in
      let x = UnsafeRawPointer(a.baseAddress! + start)
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
      var slot = Self.hash(bytes) & mask
      while true {
        let id = slots[slot]
        if id == UInt32.max { return nil }
        let i = Int(id)
        if lengths[i] == bytes.count,
          arena.withUnsafeBufferPointer({ memcmp($0.baseAddress! + starts[i], bytes.base!, bytes.count) == 0 })
        {
          return Symbol(id: id)
        }
        slot = (slot + 1) & mask
      }
    }
  }

  /// The name of `symbol` as a `String` (cached after the first call).
  public func name(_ symbol: Symbol) -> String {
    let i = Int(symbol.id)
    if let s = cache[i] { return s }
    let s = arena.withUnsafeBufferPointer {
      String(decoding: UnsafeBufferPointer(start: $0.baseAddress! + starts[i], count: lengths[i]), as: UTF8.self)
    }
    cache[i] = s
    return s
  }

  /// Calls `body` with the bytes of `symbol`.
  public func withBytes<R>(_ symbol: Symbol, _ body: (ByteSpan) -> R) -> R {
    let i = Int(symbol.id)
    return arena.withUnsafeBufferPointer {
      body(ByteSpan(base: $0.baseAddress.map { $0 + starts[i] }, count: lengths[i]))
    }
  }

  private func grow() {
    let newSize = slots.count * 2
    slots = Array(repeating: UInt32.max, count: newSize)
    mask = newSize - 1
    for id in 1..<starts.count {
      let h = arena.withUnsafeBufferPointer {
        Self.hash(ByteSpan(base: $0.baseAddress! + starts[id], count: lengths[id]))
      }
      var slot = h & mask
      while slots[slot] != UInt32.max { slot = (slot + 1) & mask }
      slots[slot] = UInt32(id)
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
