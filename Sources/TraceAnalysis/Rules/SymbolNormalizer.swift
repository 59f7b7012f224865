/// Normalises kernel symbol names so that rules match whatever the compiler and the printer
/// added: `+0x1f/0x90` offsets, `.isra.0`, `.constprop.0`, `.part.0`, `.cold`, `.llvm.123`.
public enum SymbolNormalizer {
  /// The base name of `symbol`.
  public static func normalize(_ symbol: String) -> Substring {
    var s = Substring(symbol)
    if let plus = s.firstIndex(of: "+") { s = s[..<plus] }
    if let dot = s.firstIndex(of: ".") { s = s[..<dot] }
    return s
  }
}
