/// Stack frame text shared by the stack-bearing formats (perf script, /proc stack, kernel log,
/// pasted reports, ftrace stack traces): symbol normalisation. The byte fields themselves are read
/// through the `ByteSpan` extensions in Bytes/. No `String` work.
enum StackFrameText {
  /// `sym+0x1f/0x90` or `sym+0x1f` → `sym` (the offset suffix is cut at the last `+0x`
  /// followed only by hex digits and an optional `/0x…` size).
  static func stripOffset(_ s: ByteSpan) -> ByteSpan {
    guard let plus = s.lastIndex(of: UInt8(ascii: "+")), plus > 0, s.matches("0x", at: plus + 1) else { return s }
    var i = plus + 3
    var digits = 0
    while i < s.count, s[i].isHexDigit {
      i += 1
      digits += 1
    }
    guard digits > 0 else { return s }
    if i < s.count, s[i] == UInt8(ascii: "/") {
      guard s.matches("0x", at: i + 1) else { return s }
      i += 3
      while i < s.count, s[i].isHexDigit { i += 1 }
    }
    return i == s.count ? s.slice(0, plus) : s
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
    guard t.hasSuffix(" [inline]"), let fn = t.nextToken(from: 0), fn.end < t.count - 9 else { return nil }
    for i in fn.start..<fn.end {
      let b = t[i]
      let ok =
        b.isDecimalDigit || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
      if !ok { return nil }
    }
    return t.slice(fn.start, fn.end)
  }
}
