/// Eight bytes at a time (SWAR): tests on a little-endian word loaded from a line, where byte 0 is
/// the first byte of the text. The hot readers of function_graph columns use these instead of a
/// loop per byte.
public enum ByteWords {
  /// The high bit of every byte.
  @usableFromInline static let high: UInt64 = 0x8080_8080_8080_8080
  /// Every byte 0x01.
  @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101

  /// `w` with the digit value in each byte: ASCII `0`–`9` become 0–9, every other byte 10 or more.
  @inlinable @inline(__always) public static func digitValues(_ w: UInt64) -> UInt64 { w ^ 0x3030_3030_3030_3030 }

  /// Number of leading bytes of `x` (from ``digitValues(_:)``) that were decimal digits (0–8).
  @inlinable @inline(__always) public static func leadingDigits(_ x: UInt64) -> Int {
    let nonDigit = (x & high) | (((x & ~high) &+ 0x7676_7676_7676_7676) & high)
    return nonDigit == 0 ? 8 : nonDigit.trailingZeroBitCount >> 3
  }

  /// The decimal value of the first `digits` bytes (1–8) of `x` (from ``digitValues(_:)``), which
  /// must all be digits.
  @inlinable @inline(__always) public static func decimalValue(_ x: UInt64, digits: Int) -> UInt64 {
    var v = x &<< UInt64(64 - 8 * digits)
    v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
    v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
    return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
  }

  /// True when a byte of `w` is below `n` (1–128).
  @inlinable @inline(__always) public static func hasByte(below n: UInt8, in w: UInt64) -> Bool {
    (w &- ones &* UInt64(n)) & ~w & high != 0
  }

  /// Index (0–7) of the first byte of `w` equal to `a` or to `b`, or 8 when there is none.
  @inlinable @inline(__always) public static func firstIndex(of a: UInt8, or b: UInt8, in w: UInt64) -> Int {
    let x = w ^ (ones &* UInt64(a))
    let y = w ^ (ones &* UInt64(b))
    // A zero byte of x or y marks a hit; borrows only reach bytes above the first hit, so the
    // lowest marked byte is exact.
    let hits = ((x &- ones) & ~x | (y &- ones) & ~y) & high
    return hits == 0 ? 8 : hits.trailingZeroBitCount >> 3
  }
}

extension ByteSpan {
  /// The eight bytes at `at` as a little-endian word (0 ≤ at, at + 8 ≤ count).
  @inlinable @inline(__always) public func word(at: Int) -> UInt64 {
    UnsafeRawPointer(base!).loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian
  }

  /// True when bytes `from ..< count` are all spaces, for `count - 8 ≤ from ≤ count` and
  /// `count ≥ 8`: one word load.
  @inlinable @inline(__always) public func lastBytesAreSpaces(from: Int) -> Bool {
    (word(at: count - 8) ^ 0x2020_2020_2020_2020) &>> UInt64(8 * (from - (count - 8))) == 0
  }
}
