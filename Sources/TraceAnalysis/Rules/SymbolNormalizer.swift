/// Normalises kernel symbol names so that rules match whatever the compiler and the printer
/// added: `+0x1f/0x90` offsets, `.isra.0`, `.constprop.0`, `.part.0`, `.cold`, `.llvm.123`.
public enum SymbolNormalizer {
  /// The base name of `symbol`: what comes before its first `+` or `.`.
  public static func normalize(_ symbol: String) -> Substring {
    let s = Substring(symbol)
    // Kernel names are ASCII, where every byte is a Character of its own (the only cluster of two
    // ASCII bytes, CR LF, holds neither `+` nor `.`): a pass over the bytes finds the cut that the
    // Character search finds, without breaking the name into graphemes.
    if symbol.utf8.allSatisfy({ $0 < 0x80 }) {
      let cut = symbol.utf8.firstIndex { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".") }
      return cut.map { s[..<$0] } ?? s
    }
    var base = s
    if let plus = base.firstIndex(of: "+") { base = base[..<plus] }
    if let dot = base.firstIndex(of: ".") { base = base[..<dot] }
    return base
  }
}
