import Testing

@testable import TraceParse

/// A plain call is kept by the last 16 bytes of its line (`GraphCallTails`): a later line ending
/// the same way names the kept function only when its indentation ends where that name started
/// and the name matches. Line 137 of the lab's `resolved` function_graph, and that line edited as
/// each case says.
@Suite struct GraphCallTailTests {
  static let line = "    3.433424 |   0)   iou-wrk-81   | + 56.505 us   |      __vma_private_lock();"

  /// The function and call the decoder reads from `text`.
  static func read(_ text: String, _ decoder: inout GraphLineDecoder) -> (name: String, call: GraphLine.Call)? {
    var s = text
    return s.withUTF8 { b in
      decoder.decode(ByteSpan(base: b.baseAddress, count: b.count)).map { (decoder.symbols.name($0.function), $0.call) }
    }
  }

  @Test func aLineEndingAsAKeptCallNamesItsOwnFunction() throws {
    var decoder = GraphLineDecoder(symbols: SymbolTable())
    let first = try #require(Self.read(Self.line, &decoder))
    #expect(first.name == "__vma_private_lock" && first.call == .leaf)
    // Four levels deeper: the same function, from the kept call.
    let deeper = Self.line.replacingOccurrences(of: "|      __", with: "|              __")
    #expect(Self.read(deeper, &decoder)?.name == "__vma_private_lock")
    // Another name with the same last 16 bytes (the first two letters changed).
    let other = Self.line.replacingOccurrences(of: "__vma_private", with: "xxvma_private")
    #expect(Self.read(other, &decoder)?.name == "xxvma_private_lock")
    // A longer name with the same end.
    let longer = Self.line.replacingOccurrences(of: "      __vma", with: "    ab__vma")
    #expect(Self.read(longer, &decoder)?.name == "ab__vma_private_lock")
    // Text before the name in its indentation: the whole of it is the name, as the full path reads it.
    let prefixed = Self.line.replacingOccurrences(of: "|      __", with: "| x    __")
    #expect(Self.read(prefixed, &decoder)?.name == "x    __vma_private_lock")
    // The kept call read again after all these.
    #expect(Self.read(Self.line, &decoder)?.name == "__vma_private_lock")
  }
}
