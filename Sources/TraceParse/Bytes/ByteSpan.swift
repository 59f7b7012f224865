/// A borrowed view of bytes, valid only while the buffer it points into is alive
/// (for a line: during the callback that received it). No copies, no `String`.
public struct ByteSpan {
  /// Start of the bytes.
  public let base: UnsafePointer<UInt8>?
  /// Number of bytes.
  public let count: Int

  /// Wraps `count` bytes starting at `base`.
  @inlinable public init(base: UnsafePointer<UInt8>?, count: Int) {
    self.base = base
    self.count = count
  }

  /// The empty span.
  @inlinable public static var empty: ByteSpan { ByteSpan(base: nil, count: 0) }

  /// True when the span holds no bytes.
  @inlinable public var isEmpty: Bool { count == 0 }

  /// The byte at `i` (0 ≤ i < count).
  @inlinable public subscript(i: Int) -> UInt8 { base![i] }

  /// Bytes `from ..< to` (clamped).
  @inlinable public func slice(_ from: Int, _ to: Int) -> ByteSpan {
    let lo = max(0, min(from, count))
    let hi = max(lo, min(to, count))
    guard let base else { return .empty }
    return ByteSpan(base: base + lo, count: hi - lo)
  }

  /// Bytes from `from` to the end.
  @inlinable public func suffix(from: Int) -> ByteSpan { slice(from, count) }

  /// First index of `byte` at or after `from`, or nil.
  @inlinable public func firstIndex(of byte: UInt8, from: Int = 0) -> Int? {
    guard from < count, let base else { return nil }
    guard let hit = memchr(base + from, Int32(byte), count - from) else { return nil }
    return UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base
  }

  /// Last index of `byte` before `before`, or nil.
  @inlinable public func lastIndex(of byte: UInt8, before: Int? = nil) -> Int? {
    var i = min(before ?? count, count) - 1
    while i >= 0 {
      if base![i] == byte { return i }
      i -= 1
    }
    return nil
  }

  /// First index where `needle` starts, at or after `from`, or nil.
  @inlinable public func firstIndex(of needle: StaticString, from: Int = 0) -> Int? {
    let n = needle.utf8CodeUnitCount
    guard n > 0, let base else { return nil }
    let first = needle.utf8Start[0]
    var i = from
    while i + n <= count {
      guard let at = firstIndex(of: first, from: i) else { return nil }
      if at + n > count { return nil }
      if memcmp(base + at, needle.utf8Start, n) == 0 { return at }
      i = at + 1
    }
    return nil
  }

  /// True when the bytes at `at` equal `literal`.
  @inlinable public func matches(_ literal: StaticString, at: Int = 0) -> Bool {
    let n = literal.utf8CodeUnitCount
    guard at >= 0, at + n <= count, let base else { return n == 0 }
    return memcmp(base + at, literal.utf8Start, n) == 0
  }

  /// True when the span ends with `literal`.
  @inlinable public func hasSuffix(_ literal: StaticString) -> Bool {
    matches(literal, at: count - literal.utf8CodeUnitCount)
  }

  /// True when both spans hold the same bytes.
  @inlinable public func equals(_ other: ByteSpan) -> Bool {
    guard count == other.count else { return false }
    guard count > 0, let a = base, let b = other.base else { return true }
    return memcmp(a, b, count) == 0
  }

  /// True when the span equals `literal`.
  @inlinable public func equals(_ literal: StaticString) -> Bool {
    count == literal.utf8CodeUnitCount && matches(literal)
  }

  /// Index of the first byte at or after `from` that is not a space or tab.
  /// Runs of spaces (function_graph indentation, padded columns) are skipped eight bytes at a time:
  /// the first non-space byte of a word is found from its trailing zero bits.
  @inlinable @inline(__always) public func skipSpaces(from: Int) -> Int {
    var i = from
    guard let p = base, i >= 0 else { return i }
    let raw = UnsafeRawPointer(p)
    while i + 8 <= count {
      let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x2020_2020_2020_2020
      if w == 0 {
        i += 8
        continue
      }
      i += w.littleEndian.trailingZeroBitCount >> 3
      if p[i] != 0x09 { return i }
      i += 1
    }
    if i < count, count >= 8 {
      // Fewer than eight bytes left: the span's last word, shifted past the bytes before `i`.
      let w =
        (raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self).littleEndian ^ 0x2020_2020_2020_2020)
        &>> UInt64(8 * (i - (count - 8)))
      if w == 0 { return count }
      i += w.trailingZeroBitCount >> 3
      if p[i] != 0x09 { return i }
      i += 1
    }
    while i < count, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
    return i
  }

  /// The span without leading and trailing spaces and tabs.
  @inlinable public func trimmed() -> ByteSpan {
    let lo = skipSpaces(from: 0)
    var hi = count
    if let p = base {
      let raw = UnsafeRawPointer(p)
      while hi - 8 >= lo {
        let w = raw.loadUnaligned(fromByteOffset: hi - 8, as: UInt64.self) ^ 0x2020_2020_2020_2020
        if w == 0 {
          hi -= 8
          continue
        }
        hi -= w.littleEndian.leadingZeroBitCount >> 3
        if p[hi - 1] != 0x09 { return slice(lo, hi) }
        hi -= 1
      }
    }
    while hi > lo, base![hi - 1] == 0x20 || base![hi - 1] == 0x09 { hi -= 1 }
    return slice(lo, hi)
  }

  /// The first `limit` bytes with non-printable ones shown as `?`, quoted, `…` when cut: how a
  /// line is quoted in diagnostics.
  public func quotedPreview(limit: Int = 80) -> String {
    let cut = slice(0, limit)
    var s = ""
    for i in 0..<cut.count {
      let b = cut[i]
      s.append(b >= 0x20 && b < 0x7F ? Character(UnicodeScalar(b)) : "?")
    }
    return "'\(s)\(count > limit ? "…" : "")'"
  }

  /// The bytes decoded as UTF-8 (invalid sequences repaired). Not for hot paths.
  public var string: String {
    guard let base else { return "" }
    return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
