extension String {
  /// The string with each character found in `table` replaced by its entry (markup escaping).
  func escaping(_ table: [Character: String]) -> String {
    var out = ""
    out.reserveCapacity(utf8.count)
    for ch in self {
      if let r = table[ch] { out += r } else { out.append(ch) }
    }
    return out
  }
}
