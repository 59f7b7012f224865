/// Small byte-level helpers shared by the stack-bearing formats (perf script, /proc stack,
/// kernel log, pasted reports): symbol normalisation and token tests. No `String` work.
enum StackFrameText {
  /// `sym+0x1f/0x90` or `sym+0x1f` → `sym` (the offset suffix is cut at the last `+0x`
  /// followed only by hex digits and an optional `/0x…` size).
  static func stripOffset(_ s: ByteSpan) -> ByteSpan {
    guard let plus = s.lastIndex(of: UInt8(ascii: "+")), plus > 0, s.matches("0x", at: plus + 1) else { return s }
    var i = plus + 3
    var digits = 0
    while i < s.count, isHex(s[i]) {
      i += 1
      digits += 1
    }
    guard digits > 0 else { return s }
    if i < s.count, s[i] == UInt8(ascii: "/") {
      guard s.matches("0x", at: i + 1) else { return s }
      i += 3
      while i < s.count, isHex(s[i]) { i += 1 }
    }
    return i == s.count ? s.slice(0, plus) : s
  }

  @inline(__always) static func isHex(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
  }

  @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

  /// True when every byte of `s` (at least one) is a hex digit.
  static func isHexToken(_ s: ByteSpan) -> Bool {
    guard s.count > 0 else { return false }
    for i in 0..<s.count where !isHex(s[i]) { return false }
    return true
  }

  /// True when every byte of `s` (at least one) is a decimal digit.
  static func isDigits(_ s: ByteSpan) -> Bool {
    guard s.count > 0 else { return false }
    for i in 0..<s.count where !isDigit(s[i]) { return false }
    return true
  }

  /// A kernel stack frame token `fn+0x1f/0x90` (symbol, `+0x` offset, `/0x` size): the function,
  /// or nil when the token is not of that shape.
  static func kernelFrame(_ token: ByteSpan) -> ByteSpan? {
    guard let plus = token.lastIndex(of: UInt8(ascii: "+")), plus > 0, token.matches("0x", at: plus + 1),
      token.firstIndex(of: UInt8(ascii: "/"), from: plus) != nil
    else { return nil }
    let fn = stripOffset(token)
    return fn.count == plus ? fn : nil
  }

  /// A frame that a symbolizer (syzbot's, `decode_stacktrace.sh`) printed for an inlined call:
  /// `io_wq_exit_workers io_uring/io-wq.c:1362 [inline]`. The function, or nil for other text.
  static func inlinedFrame(_ t: ByteSpan) -> ByteSpan? {
    guard t.hasSuffix(" [inline]"), let fn = nextToken(t, from: 0), fn.end < t.count - 9 else { return nil }
    for i in fn.start..<fn.end {
      let b = t[i]
      let ok = isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
      if !ok { return nil }
    }
    return t.slice(fn.start, fn.end)
  }

  /// The next whitespace-delimited token of `s` at or after `from`: its range, or nil at the end.
  static func nextToken(_ s: ByteSpan, from: Int) -> (start: Int, end: Int)? {
    let a = s.skipSpaces(from: from)
    guard a < s.count else { return nil }
    var b = a
    while b < s.count, s[b] != 0x20, s[b] != 0x09 { b += 1 }
    return (a, b)
  }

}
