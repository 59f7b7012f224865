/// Integer and decimal parsing straight from bytes.
extension ByteSpan {
  /// Parses an unsigned decimal integer starting at `from`.
  /// Returns the value and the index after the last digit, or nil when no digit is there
  /// or the value overflows.
  @inlinable public func parseUnsigned(from: Int) -> (value: Int64, end: Int)? {
    guard from >= 0, let p = base else { return nil }
    var i = from
    var v: Int64 = 0
    // Up to 18 digits cannot overflow: no checks in the common case.
    let fast = Swift.min(count, from + 18)
    while i < fast {
      let d = p[i] &- 0x30
      if d > 9 { return i == from ? nil : (v, i) }
      v = v &* 10 &+ Int64(d)
      i += 1
    }
    while i < count {
      let d = p[i] &- 0x30
      if d > 9 { break }
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(Int64(d))
      if o1 || o2 { return nil }
      v = a
      i += 1
    }
    return i == from ? nil : (v, i)
  }

  /// Parses a signed decimal integer (optional leading `-`) starting at `from`.
  @inlinable public func parseSigned(from: Int) -> (value: Int64, end: Int)? {
    if from < count, base![from] == 0x2D {
      guard let r = parseUnsigned(from: from + 1) else { return nil }
      return (-r.value, r.end)
    }
    return parseUnsigned(from: from)
  }

  /// Parses the whole span as an unsigned integer, or nil.
  @inlinable public func asUnsigned() -> Int64? {
    guard let r = parseUnsigned(from: 0), r.end == count else { return nil }
    return r.value
  }

  /// Parses `digits[.digits]` at `from` as a fixed-point number scaled by 10^`scaleDigits`
  /// (0...18; e.g. seconds with scale 9 → nanoseconds, microseconds with scale 3 → nanoseconds).
  /// Extra fraction digits are truncated. Returns nil when no digit is there or on overflow.
  /// Timestamps such as `12345.678901` take one integer pass: no division, no per-digit checks.
  @inlinable public func parseDecimal(from: Int, scaleDigits: Int) -> (value: Int64, end: Int)? {
    guard let p = base, from >= 0 else { return nil }
    let n = count
    var i = from
    var whole: Int64 = 0
    let fastEnd = Swift.min(n, from + 18)
    while i < fastEnd {
      let d = p[i] &- 0x30
      if d > 9 { break }
      whole = whole &* 10 &+ Int64(d)
      i += 1
    }
    if i == from { return nil }
    if i == fastEnd, i < n, p[i] &- 0x30 <= 9 {
      // More than 18 digits: the checked parse decides about overflow.
      guard let w = parseUnsigned(from: from) else { return nil }
      whole = w.value
      i = w.end
    }
    let scale = Swift.min(Swift.max(scaleDigits, 0), 18)
    let (scaled, o) = whole.multipliedReportingOverflow(by: ByteNumbers.powerOfTen(scale))
    if o { return nil }
    guard i < n, p[i] == 0x2E else { return (scaled, i) }
    i += 1
    var frac: Int64 = 0
    var taken = 0
    while i < n {
      let d = p[i] &- 0x30
      if d > 9 { break }
      if taken < scale {
        frac = frac &* 10 &+ Int64(d)
        taken += 1
      }
      i += 1
    }
    let (sum, o2) = scaled.addingReportingOverflow(frac &* ByteNumbers.powerOfTen(scale - taken))
    if o2 { return nil }
    return (sum, i)
  }

  /// ``parseDecimal(from:scaleDigits:)`` with the digits before the dot (up to seven) and the
  /// fraction each read eight bytes at a time (SWAR):
  /// the same results, for the timestamps and durations of every function_graph line. Falls back to
  /// the byte loop near the end of the span, for long fractions and for fractions longer than the
  /// scale.
  @inlinable @inline(__always) public func parseFixedPoint(from: Int, scaleDigits: Int) -> (value: Int64, end: Int)? {
    guard let p = base, from >= 0, scaleDigits >= 0, scaleDigits <= 18 else {
      return parseDecimal(from: from, scaleDigits: scaleDigits)
    }
    var i = from
    var whole: Int64 = 0
    let fastEnd = Swift.min(count, from + 18)
    if from + 8 <= count {
      // Up to seven digits before the dot (every timestamp and duration): one word.
      let head = ByteWords.digitValues(UnsafeRawPointer(p + from).loadUnaligned(as: UInt64.self).littleEndian)
      let digits = ByteWords.leadingDigits(head)
      if digits < 8 {
        whole = digits > 0 ? Int64(ByteWords.decimalValue(head, digits: digits)) : 0
        i += digits
      }
    }
    if i == from {
      while i < fastEnd {
        let d = p[i] &- 0x30
        if d > 9 { break }
        whole = whole &* 10 &+ Int64(d)
        i += 1
      }
    }
    guard i > from, i < fastEnd, p[i] == 0x2E, i + 9 <= count else {
      return parseDecimal(from: from, scaleDigits: scaleDigits)
    }
    // Eight bytes after the dot: how many lead with digits, and their value.
    let w = ByteWords.digitValues(UnsafeRawPointer(p + i + 1).loadUnaligned(as: UInt64.self).littleEndian)
    let digits = ByteWords.leadingDigits(w)
    guard digits < 8, digits <= scaleDigits else { return parseDecimal(from: from, scaleDigits: scaleDigits) }
    let frac = digits > 0 ? ByteWords.decimalValue(w, digits: digits) : 0
    let (scaled, o) = whole.multipliedReportingOverflow(by: ByteNumbers.powerOfTen(scaleDigits))
    if o { return nil }
    let (sum, o2) = scaled.addingReportingOverflow(Int64(frac) &* ByteNumbers.powerOfTen(scaleDigits - digits))
    if o2 { return nil }
    return (sum, i + 1 + digits)
  }

  /// Parses a hexadecimal number (with or without `0x`) at `from`.
  @inlinable public func parseHex(from: Int) -> (value: UInt64, end: Int)? {
    var i = from
    if matches("0x", at: i) { i += 2 }
    let start = i
    var v: UInt64 = 0
    while i < count, i - start < 16 {
      let c = base![i]
      let d: UInt8
      switch c {
      case 0x30...0x39: d = c - 0x30
      case 0x61...0x66: d = c - 0x61 + 10
      case 0x41...0x46: d = c - 0x41 + 10
      default: return i == start ? nil : (v, i)
      }
      v = v << 4 | UInt64(d)
      i += 1
    }
    return i == start ? nil : (v, i)
  }
}

/// Constants of the number parsers.
public enum ByteNumbers {
  /// 10^`n` for `n` in 0...18 (a jump table, no global array on the hot path).
  @inlinable @inline(__always) public static func powerOfTen(_ n: Int) -> Int64 {
    switch n {
    case 0: 1
    case 1: 10
    case 2: 100
    case 3: 1_000
    case 4: 10_000
    case 5: 100_000
    case 6: 1_000_000
    case 7: 10_000_000
    case 8: 100_000_000
    case 9: 1_000_000_000
    case 10: 10_000_000_000
    case 11: 100_000_000_000
    case 12: 1_000_000_000_000
    case 13: 10_000_000_000_000
    case 14: 100_000_000_000_000
    case 15: 1_000_000_000_000_000
    case 16: 10_000_000_000_000_000
    case 17: 100_000_000_000_000_000
    default: 1_000_000_000_000_000_000
    }
  }
}
