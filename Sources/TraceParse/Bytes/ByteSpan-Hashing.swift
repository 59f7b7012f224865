/// The hash of interned names: cheap on the short names traces are made of (a few multiply-xorshift
/// rounds over 8-byte words, the tail read as one overlapping word, or two for names shorter than a
/// word), not the standard library's
/// SipHash `Hasher`, which costs several times more per name on the hot path.
extension ByteSpan {
  /// A 64-bit hash of the bytes (seeded, so that tables built on it can be salted).
  @inlinable @inline(__always) public func symbolHash(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> UInt64 {
    var h = seed ^ UInt64(truncatingIfNeeded: count)
    guard let p = base, count > 0 else { return h }
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i + 8 <= count {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
      i += 8
    }
    if i < count {
      var tail: UInt64 = 0
      if count >= 8 {
        // The last eight bytes, overlapping what was hashed already.
        tail = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
      } else if count >= 4 {
        // Four to seven bytes: the first four and the last four (overlapping).
        tail =
          UInt64(raw.loadUnaligned(as: UInt32.self)) | UInt64(
            raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
      } else {
        // One to three bytes: the first, the middle and the last.
        tail = UInt64(p[0]) | UInt64(p[count >> 1]) << 8 | UInt64(p[count - 1]) << 16
      }
      h = (h ^ tail) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
    }
    h ^= h >> 29
    return h &* 0xC4CE_B9FE_1A85_EC53
  }
}
