/// Integer and decimal parsing straight from bytes.
extension ByteSpan {
  /// Parses an unsigned decimal integer starting at `from`.
  /// Returns the value and the index after the last digit, or nil when no digit is there
  /// or the value overflows.
  @inlinable public func parseUnsigned(from: Int) -> (value: Int64, end: Int)? {
    var i = from
    var v: Int64 = 0
    while i < count {
      let d = base![i] &- 0x30
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
  /// (e.g. seconds with scale 9 → nanoseconds, microseconds with scale 3 → nanoseconds).
  /// Extra fraction digits are truncated. Returns nil when no digit is there or on overflow.
  @inlinable public func parseDecimal(from: Int, scaleDigits: Int) -> (value: Int64, end: Int)? {
    guard let whole = parseUnsigned(from: from) else { return nil }
    var value = whole.value
    for _ in 0..<scaleDigits {
      let (m, o) = value.multipliedReportingOverflow(by: 10)
      if o { return nil }
      value = m
    }
    var i = whole.end
    if i < count, base![i] == 0x2E {
      i += 1
      var scale = scaleDigits
      var frac: Int64 = 0
      var place: Int64 = 1
      for _ in 0..<min(scaleDigits, 18) { place *= 10 }
      while i < count {
        let d = base![i] &- 0x30
        if d > 9 { break }
        if scale > 0 {
          place /= 10
          frac += Int64(d) * place
          scale -= 1
        }
        i += 1
      }
      let (sum, o) = value.addingReportingOverflow(frac)
      if o { return nil }
      value = sum
    }
    return (value, i)
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
