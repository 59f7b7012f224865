/// Byte classes every text format tests.
extension UInt8 {
  /// `0`–`9`.
  @inlinable public var isDecimalDigit: Bool { self &- 0x30 < 10 }

  /// `0`–`9`, `a`–`f`, `A`–`F`.
  @inlinable public var isHexDigit: Bool { self &- 0x30 < 10 || (self | 0x20) &- 0x61 < 6 }

  /// A space or a tab.
  @inlinable public var isBlank: Bool { self == 0x20 || self == 0x09 }
}

/// The fields the trace formats share, read in place: tokens, task ids (`comm-pid`, `comm:pid`,
/// `comm/pid`), `[<address>]` brackets. Every parser reads these through here instead of scanning
/// the bytes again.
extension ByteSpan {
  /// The next blank-delimited token at or after `from`: its range, or nil at the end.
  @inlinable public func nextToken(from: Int) -> (start: Int, end: Int)? {
    let a = skipSpaces(from: from)
    guard a < count else { return nil }
    var b = a
    while b < count, !base![b].isBlank { b += 1 }
    return (a, b)
  }

  /// True when every byte (at least one) is a hex digit.
  @inlinable public var isHexDigits: Bool {
    guard count > 0 else { return false }
    for i in 0..<count where !base![i].isHexDigit { return false }
    return true
  }

  /// True when every byte (at least one) is a decimal digit.
  @inlinable public var isDecimalDigits: Bool {
    guard count > 0 else { return false }
    for i in 0..<count where !base![i].isDecimalDigit { return false }
    return true
  }

  /// A task named with its id, `name<separator>id`, split at the LAST `separator` (names may hold
  /// it: `kworker/0:1-13`, `kworker/0:1:13`): everything after it must be a decimal number. The name
  /// may be empty. Used for ftrace's `comm-pid`, trace-cmd's `comm:pid`, lockdep's `comm/pid`.
  @inlinable public func splitTaskID(at separator: UInt8) -> (name: ByteSpan, id: Int32)? {
    var i = count - 1
    while i >= 0, base![i] != separator { i -= 1 }
    guard i >= 0, let id = suffix(from: i + 1).asUnsigned() else { return nil }
    return (slice(0, i), Int32(truncatingIfNeeded: id))
  }

  /// When the bytes at `at` open a `[<address>]` bracket (`[<0>]`, `[<ffffffff81234567>]`, as
  /// /proc/PID/stack and old kernel call traces print frames): the index after its `>]`.
  @inlinable public func addressBracketEnd(at: Int = 0) -> Int? {
    guard matches("[<", at: at), let close = firstIndex(of: ">]", from: at + 2) else { return nil }
    return close + 2
  }

  /// True when the whole span is one `[<…>]` token (a frame address inside pasted text).
  @inlinable public var isAddressBracketToken: Bool {
    count >= 4 && matches("[<") && hasSuffix(">]")
  }
}
