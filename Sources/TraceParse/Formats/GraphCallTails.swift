/// The plain calls (`name();`, `name() {`) that ``GraphBody/plainCall(_:)`` read lately, kept by
/// the last 16 bytes of their line with the function they named: a whole-kernel graph calls a
/// thousand-odd functions over and over, and a line ending as a kept one did, whose indentation
/// ends where that name started (and whose name matches, when it reaches back past those 16
/// bytes), names that function again. Neither scanned for its name nor hashed.
struct GraphCallTails {
  /// A kept call.
  private struct Entry {
    /// The last 16 bytes of the line.
    var last: (UInt64, UInt64) = (0, 0)
    /// Bytes from the name's start to the line's end (0: nothing kept).
    var back = 0
    /// Bytes of the name.
    var nameLength = 0
    var call = GraphLine.Call.entry
    var function = Symbol.none
  }

  /// Number of entries (a power of two).
  private static let size = 4096
  private var entries = [Entry](repeating: Entry(), count: GraphCallTails.size)

  /// The entry for a line ending in `last`.
  @inline(__always) private static func slot(_ last: (UInt64, UInt64)) -> Int {
    Int(truncatingIfNeeded: (last.0 ^ last.1 &* 0x9E37_79B9_7F4A_7C15) >> 52) & (size - 1)
  }

  /// The call and function of `body` (a line's call text) when it ends as a kept call did, with
  /// that call's name (in `symbols`) after nothing but blanks; nil otherwise.
  @inline(__always) func call(of body: ByteSpan, in symbols: SymbolTable) -> (call: GraphLine.Call, function: Symbol)? {
    let n = body.count
    guard n >= 16 else { return nil }
    let last = (body.word(at: n - 16), body.word(at: n - 8))
    let e = entries[Self.slot(last)]
    guard e.back > 0, e.last == last, e.back <= n else { return nil }
    let start = n - e.back
    guard body.skipSpaces(from: 0) == start else { return nil }
    // A name reaching back past the 16 bytes compared: the rest of it is compared too.
    if e.back > 16, !symbols.names(e.function, ByteSpan(base: body.base! + start, count: e.nameLength)) {
      return nil
    }
    return (e.call, e.function)
  }

  /// Keeps the plain call of `body` that ``GraphBody/plainCall(_:)`` read: `call`, the name `name`
  /// (inside `body`) and the function it was interned as.
  @inline(__always) mutating func remember(
    _ body: ByteSpan, _ call: GraphLine.Call, name: ByteSpan, _ function: Symbol
  ) {
    let n = body.count
    guard n >= 16, let b = body.base, let p = name.base else { return }
    let back = n - (p - b)
    // Only the printed forms (`();`, `() {` right after the name): what follows the name then
    // lies in the 16 bytes compared.
    guard back - name.count <= 4 else { return }
    let last = (body.word(at: n - 16), body.word(at: n - 8))
    entries[Self.slot(last)] = Entry(last: last, back: back, nameLength: name.count, call: call, function: function)
  }
}
