/// Text from the input (comms, symbols, file names, excerpts) can hold any byte: ESC sequences
/// would drive the user's terminal, NUL and other controls corrupt a mail or a CI log, bidi
/// overrides reorder what is shown. Every report passes what it embeds through these helpers.
public enum TextEscaping {
  /// The colour codes ``TextReport`` writes itself; with `allowingColour` only these survive.
  static let ownColourCodes: Set<String> = ["1;31", "1;33", "1;34", "1;32", "0"]

  /// `s` with control characters (C0 but tab and newline, DEL, C1), bidi controls and, unless
  /// `allowingColour`, every ESC shown as visible escapes (`\x1b`, `\x00`, `\u{202E}`).
  /// With `allowingColour`, exactly the report's own colour codes are kept. Idempotent.
  public static func terminal(_ s: String, allowingColour: Bool = false) -> String {
    guard s.unicodeScalars.contains(where: needsEscape) else { return s }
    var out = ""
    out.reserveCapacity(s.utf8.count + 16)
    let scalars = Array(s.unicodeScalars)
    var i = 0
    while i < scalars.count {
      let c = scalars[i]
      if c == "\u{1B}", allowingColour, let end = ownColourCode(scalars, at: i) {
        out.unicodeScalars.append(contentsOf: scalars[i..<end])
        i = end
        continue
      }
      if needsEscape(c) { out += visible(c) } else { out.unicodeScalars.append(c) }
      i += 1
    }
    return out
  }

  /// `s` escaped for HTML text and attribute values: markup characters as entities, controls as
  /// visible escapes (raw controls are not allowed in HTML).
  public static func html(_ s: String) -> String {
    terminal(s).escaping(["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"])
  }

  /// `s` as text in a GitHub-flavoured Markdown table cell or list item: markup characters
  /// backslash-escaped, `<`/`>`/`&` as entities, line ends as spaces, controls as visible escapes.
  /// An underscore between two letters or digits (`uffd_iou`) cannot start emphasis and stays.
  public static func markdown(_ s: String) -> String {
    var table: [Character: String] = ["<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "]
    for ch in "\\`*[]|~" { table[ch] = "\\\(ch)" }
    let chars = Array(terminal(s).escaping(table))
    var out = ""
    for (i, ch) in chars.enumerated() {
      let inWord =
        i > 0 && i + 1 < chars.count && (chars[i - 1].isLetter || chars[i - 1].isNumber)
        && (chars[i + 1].isLetter || chars[i + 1].isNumber)
      if ch == "_" && !inWord { out += "\\_" } else { out.append(ch) }
    }
    return out
  }

  /// `s` as a Markdown code span that is safe in a table cell: a fence longer than any run of
  /// backticks inside, `|` escaped (GFM splits cells on it even in code), line ends as spaces.
  public static func markdownCode(_ s: String) -> String {
    let text = terminal(s).escaping(["|": "\\|", "\n": " ", "\r": " "])
    var longest = 0
    var run = 0
    for ch in text {
      run = ch == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let pad = text.hasPrefix("`") || text.hasSuffix("`") || longest > 0 ? " " : ""
    return fence + pad + text + pad + fence
  }

  static func needsEscape(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09, 0x0A: return false
    case 0x00..<0x20, 0x7F..<0xA0: return true
    case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
    default: return false
    }
  }

  static func visible(_ c: Unicode.Scalar) -> String {
    if c.value < 0x100 {
      let hex = String(c.value, radix: 16)
      return "\\x" + (hex.count == 1 ? "0" + hex : hex)
    }
    return "\\u{\(String(c.value, radix: 16, uppercase: true))}"
  }

  /// The end of `ESC [ code m` at `i` when code is one of the report's own colours.
  private static func ownColourCode(_ s: [Unicode.Scalar], at i: Int) -> Int? {
    guard i + 2 < s.count, s[i + 1] == "[" else { return nil }
    var j = i + 2
    var code = ""
    while j < s.count, j - i < 8, s[j] != "m" {
      code.unicodeScalars.append(s[j])
      j += 1
    }
    guard j < s.count, s[j] == "m", ownColourCodes.contains(code) else { return nil }
    return j + 1
  }
}

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
