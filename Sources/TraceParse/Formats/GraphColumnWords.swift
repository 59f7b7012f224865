/// The timestamp and duration columns in the exact forms the kernel prints them
/// (print_graph_abs_time's `%5lu.%06lu `, trace_print_graph_duration's `[mark] N.NNN us`), read
/// with a few word loads. Each answers as the general column readers of ``GraphLineDecoder`` do,
/// or nil when the column is in another form, which those readers then decide.
extension GraphLineDecoder {
  /// `  194.275320 `: blanks, up to seven digits, a dot, six digits, one space. `head` holds the
  /// first word of the last such column and its seconds: a column of that length opening with that
  /// word has those seconds, and only its last word (the fraction) is read.
  @inline(__always) static func printedTime(_ c: ByteSpan, _ head: inout TimeHeadCache) -> Int64? {
    let n = c.count
    guard n >= 9 else { return nil }
    // The last eight bytes: `.dddddd `.
    let tail = c.word(at: n - 8)
    let fraction = ByteWords.digitValues(tail &>> 8)
    guard tail & 0xFF == 0x2E, tail &>> 56 == 0x20, ByteWords.leadingDigits(fraction) == 6 else { return nil }
    let ns = Int64(ByteWords.decimalValue(fraction, digits: 6)) &* 1_000
    let first = c.word(at: 0)
    if first == head.word, n == head.count { return head.seconds &+ ns }
    let blanks = (first ^ 0x2020_2020_2020_2020).trailingZeroBitCount >> 3
    guard blanks < 8 else { return nil }
    // The digits from the first byte that is not a space (the shifted-in zero bytes are no digits).
    let x = ByteWords.digitValues(first &>> UInt64(8 * blanks))
    let digits = ByteWords.leadingDigits(x)
    guard digits > 0, blanks + digits == n - 8 else { return nil }
    let seconds = Int64(ByteWords.decimalValue(x, digits: digits)) &* 1_000_000_000
    head = TimeHeadCache(word: first, count: n, seconds: seconds)
    return seconds &+ ns
  }

  /// `               ` (-1), `  8.163 us    `, ` + 52.822 us   `: blanks, an optional mark and one
  /// space, up to seven digits, a dot, one to three digits, ` us`, blanks. `room` is the line from
  /// the column on, which the number's words may reach into.
  @inline(__always) static func printedDuration(_ c: ByteSpan, room: ByteSpan) -> Int64? {
    let n = c.count
    guard n >= 8 else { return nil }
    let blanks = (c.word(at: 0) ^ 0x2020_2020_2020_2020).trailingZeroBitCount >> 3
    if blanks == 8 { return n <= 16 && c.lastBytesAreSpaces(from: 8) ? -1 : nil }
    var i = blanks
    switch c[i] {
    case UInt8(ascii: "+"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "*"), UInt8(ascii: "@"),
      UInt8(ascii: "$"):
      guard i + 2 < n, c[i + 1] == 0x20 else { return nil }
      i += 2
    default: break
    }
    guard i + 8 <= room.count else { return nil }
    let x = ByteWords.digitValues(room.word(at: i))
    let digits = ByteWords.leadingDigits(x)
    let dot = i + digits
    guard digits > 0, digits < 8, dot + 9 <= room.count, room[dot] == 0x2E else { return nil }
    let f = ByteWords.digitValues(room.word(at: dot + 1))
    let fractionDigits = ByteWords.leadingDigits(f)
    let unit = dot + 1 + fractionDigits
    guard fractionDigits > 0, fractionDigits <= 3, unit + 3 <= n, n - 8 <= unit + 3, c[unit] == 0x20,
      c[unit + 1] == UInt8(ascii: "u"), c[unit + 2] == UInt8(ascii: "s"), c.lastBytesAreSpaces(from: unit + 3)
    else { return nil }
    let scale: Int64 = fractionDigits == 3 ? 1 : fractionDigits == 2 ? 10 : 100
    return Int64(ByteWords.decimalValue(x, digits: digits)) &* 1_000
      &+ Int64(ByteWords.decimalValue(f, digits: fractionDigits)) &* scale
  }
}

/// The first word of the last timestamp column that ``GraphLineDecoder/printedTime(_:_:)`` read,
/// the column's length and its seconds (in ns).
struct TimeHeadCache {
  var word: UInt64 = 0
  /// -1: nothing read yet.
  var count = -1
  var seconds: Int64 = 0
}
