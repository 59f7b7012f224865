/// The part of a function_graph line after the duration column: `func() {`, `func();`, `}`,
/// `} /* func */`, `} /* func = -22 */`, `} /* func ret=-22 */`, `/* event text */`.
/// Shared by tracefs text and `trace-cmd report`'s funcgraph_entry/funcgraph_exit lines.
enum GraphBody {
  /// A function entered (`func() {`, also with `-args` parameters or a `-retaddr` tail).
  case entry(name: ByteSpan)
  /// A leaf call (`func();`, optionally with a retval comment).
  case leaf(name: ByteSpan)
  /// A return (`}`), with the function name when printed (tail, retval, or unmatched entry).
  case exit(name: ByteSpan?)
  /// A `/* ... */` comment holding an event or a trace_printk text.
  case comment(text: ByteSpan)
  /// Nothing (e.g. an irq arrow line).
  case empty
  /// Something else.
  case unrecognised

  /// Parses `body` (leading indentation allowed).
  static func parse(_ line: ByteSpan) -> GraphBody {
    let start = line.skipSpaces(from: 0)
    if start >= line.count { return .empty }
    let body = line.suffix(from: start)
    let c = body[0]
    if c == UInt8(ascii: "}") {
      // `}`, `} /* name */`, `} /* name = 0x0 */`, `} /* name ret=0 */`, `} (Overruns: n)`.
      guard let open = body.firstIndex(of: "/* ", from: 1) else { return .exit(name: nil) }
      let nameStart = open + 3
      var i = nameStart
      while i < body.count, body[i] != 0x20, body[i] != UInt8(ascii: "*"), body[i] != UInt8(ascii: "(") { i += 1 }
      return .exit(name: i > nameStart ? body.slice(nameStart, i) : nil)
    }
    if body.matches("/*") {
      var end = body.count
      if body.hasSuffix("*/") { end -= 2 }
      return .comment(text: body.slice(2, end).trimmed())
    }
    // `name(...) {` or `name(...);`
    guard let paren = body.firstIndex(of: UInt8(ascii: "(")), paren > 0 else { return .unrecognised }
    let name = body.slice(0, paren)
    // Find the end of the argument list (arguments may nest parentheses).
    var depth = 0
    var i = paren
    while i < body.count {
      let b = body[i]
      if b == UInt8(ascii: "(") {
        depth += 1
      } else if b == UInt8(ascii: ")") {
        depth -= 1
        if depth == 0 { break }
      }
      i += 1
    }
    let after = body.skipSpaces(from: i + 1)
    guard after < body.count else { return .unrecognised }
    switch body[after] {
    case UInt8(ascii: "{"): return .entry(name: name)
    case UInt8(ascii: ";"): return .leaf(name: name)
    default: return .unrecognised
    }
  }
}

/// A duration column's content: `  0.214 us`, `+ 10.312 us`, `@ 315547.1 us`, `! 1234567 us`,
/// blank, or an irq arrow.
enum GraphDuration {
  case none
  case nanoseconds(Int64)
  case irqEnter
  case irqExit
  case invalid

  static func parse(_ field: ByteSpan) -> GraphDuration {
    let t = field.trimmed()
    if t.isEmpty { return .none }
    if t.matches("==========>") { return .irqEnter }
    if t.matches("<==========") { return .irqExit }
    var i = 0
    // Overhead mark: one of + ! # * @ $ followed by a space.
    switch t[0] {
    case UInt8(ascii: "+"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "*"), UInt8(ascii: "@"),
      UInt8(ascii: "$"):
      i = t.skipSpaces(from: 1)
    default: break
    }
    guard let v = t.parseDecimal(from: i, scaleDigits: 3) else { return .invalid }
    let unit = t.skipSpaces(from: v.end)
    guard t.matches("us", at: unit) else { return .invalid }
    return .nanoseconds(v.value)
  }
}
