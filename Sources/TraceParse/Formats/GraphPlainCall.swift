/// The call text of nearly every function_graph line, read with word scans: `func() {`,
/// `func();` or a bare `}`, with nothing after them.
extension GraphBody {
  /// The call and function name (empty for `}`) when `body` is one of the plain forms, with no `|`
  /// in it; nil for anything else, which ``parse(_:)`` reads. Where it answers, it answers as
  /// ``parse(_:)`` does.
  @inline(__always) static func plainCall(_ body: ByteSpan) -> (call: GraphLine.Call, name: ByteSpan)? {
    guard let p = body.base else { return nil }
    let n = body.count
    let s = body.skipSpaces(from: 0)
    guard s < n else { return nil }
    if p[s] == UInt8(ascii: "}") {
      // `}` and blanks: no `/* name */` after it.
      return s + 1 == n || body.skipSpaces(from: s + 1) == n ? (.exit, .empty) : nil
    }
    // The name runs to the first `(`; a `|` before it is left to parse. Word by word; the bytes
    // left before the end (where the `(` of `name();` and `name() {` lies) in the line's last
    // word, shifted past the bytes already scanned (zeros, neither byte).
    let raw = UnsafeRawPointer(p)
    var i = s
    var stop = -1
    while i + 8 <= n {
      let k = ByteWords.firstIndex(
        of: UInt8(ascii: "("), or: UInt8(ascii: "|"),
        in: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
      if k < 8 {
        stop = i + k
        break
      }
      i += 8
    }
    if stop < 0, i < n, n >= 8 {
      let k = ByteWords.firstIndex(
        of: UInt8(ascii: "("), or: UInt8(ascii: "|"),
        in: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self).littleEndian &>> UInt64(8 * (i - (n - 8))))
      stop = i + k < n ? i + k : n
    }
    if stop < 0 {
      while i < n, p[i] != UInt8(ascii: "("), p[i] != UInt8(ascii: "|") { i += 1 }
      stop = i
    }
    // `()` (no arguments), then `{` or `;` ending the line; a name opening with `/` may be a comment.
    guard stop > s, stop + 2 < n, p[stop] == UInt8(ascii: "("), p[stop + 1] == UInt8(ascii: ")"),
      p[s] != UInt8(ascii: "/")
    else { return nil }
    // As printed: `() {` or `();` at the end of the line; other blanks are looked for only then.
    let after =
      stop + 4 == n && p[stop + 2] == 0x20 || stop + 3 == n ? n - 1 : body.skipSpaces(from: stop + 2)
    guard after + 1 == n else { return nil }
    switch p[after] {
    case UInt8(ascii: "{"): return (.entry, ByteSpan(base: p + s, count: stop - s))
    case UInt8(ascii: ";"): return (.leaf, ByteSpan(base: p + s, count: stop - s))
    default: return nil
    }
  }
}
