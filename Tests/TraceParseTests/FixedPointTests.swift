import Testing

@testable import TraceParse

/// The function_graph fast path reads timestamps and durations with `parseFixedPoint` (eight
/// fraction bytes at a time); it must agree with `parseDecimal` (the byte loop) on every input.
@Suite struct FixedPointTests {
  static func both(_ text: String, scale: Int) -> Bool {
    var s = text
    return s.withUTF8 { b in
      let span = ByteSpan(base: b.baseAddress, count: b.count)
      let a = span.parseFixedPoint(from: 0, scaleDigits: scale)
      let d = span.parseDecimal(from: 0, scaleDigits: scale)
      return a?.value == d?.value && a?.end == d?.end
    }
  }

  @Test func printedFormsAgreeWithTheByteLoop() {
    let cases = [
      "194.275320 |", "  8.163 us    ", "19.316857: funcgraph", "0.214 us", "1170.686 us |", "5. us      ",
      "12345.678901:  ", "7", "7.", "7.1234567890123", "99999.999999 |xx", "3.14159265 xx", ".5 us     ",
      "9223372036.854775807 |", "9223372037.000000 |   ", "123456789012345678.5 us   ", "0.000000000 |",
      "42.12345678|abcd", "1.2.3 us    ", "", "x", "8.163", "8.16",
    ]
    for c in cases {
      for scale in [0, 3, 6, 9] { #expect(Self.both(c, scale: scale), "\(c) at scale \(scale)") }
    }
  }

  @Test func generatedNumbersAgreeWithTheByteLoop() {
    var rng = SystemRandomNumberGenerator()
    let alphabet = Array("0123456789.: |us-+x")
    for _ in 0..<20000 {
      let n = Int.random(in: 1...16, using: &rng)
      let text = String((0..<n).map { _ in alphabet.randomElement(using: &rng)! })
      let scale = [0, 3, 9, 18].randomElement(using: &rng)!
      #expect(Self.both(text, scale: scale), "\(text) at scale \(scale)")
    }
  }
}
