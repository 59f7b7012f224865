import TraceParse

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Folds `perf script` text into `stack count` lines exactly as stackcollapse-perf.pl (FlameGraph
/// commit 41fee1f) does, so that flame-graph tools see the same bytes. Our own implementation of
/// its documented behaviour, written from running it on real captures:
///
/// - a sample starts at a line that begins with a non-blank and reads `comm [pid/]tid …` (the comm
///   is the shortest leading text followed by blanks, a number, an optional `/number`, blanks);
///   `pid` is `?` when only a tid is printed (or the tid is `0`);
/// - its event and period come from a line ending in `[period] event:` (tracepoint samples with a
///   payload have none and count 1, as do samples without a period or with period `0`); only the
///   first event seen (or `--event-filter`'s) is kept, other headers are ignored;
/// - frame lines `ip sym[+0xoff] (dso)` add frames in front of the stack (they are innermost
///   first): offsets are cut, `[unknown]` becomes `[dso basename]` (or `[unknown]`), `;` becomes
///   `:`, text from the first `(` (except `(anonymous namespace)`) and quotes are dropped,
///   `a->b` inline chains become `a;b_[i]`; symbols beginning with `(` are skipped;
/// - a blank line ends the sample: `comm;root;…;leaf` gains the sample's period. A sample that is
///   not followed by a blank line (the last one of a file without a final blank line) is NOT
///   counted, like the Perl script;
/// - lines starting with `#` are comments; other lines are reported on stderr and ignored;
/// - the output is sorted bytewise (Perl's `sort` with `cmp`).
///
/// Parsing is on bytes: frame lines are looked up by their bytes in a cache, stacks are
/// sequences of interned frame ids summed in a hash table; strings are built only for the output.
public struct PerfScriptFolder {
  private let options: FoldOptions
  private let kernelTag: [UInt8] = Array("_[k]".utf8)

  // Interned output names (process names and frames): bytes in one arena.
  private var names = ByteInterner()
  // Frame-line cache: line bytes (from the first non-blank) → frame ids in output order.
  private var lines = ByteInterner()
  private var lineResults: [LineResult] = []
  private var lineResultIds: [UInt32] = []
  // Stacks: sequences of name ids → summed weight.
  private var stacks = StackTable()

  // Sample state, as the Perl script keeps it.
  private var pname: UInt32?
  private var pnameIsJava = false
  private var period: Int64 = 1
  private var stack: [UInt32] = []  // innermost first
  private var scratch: [UInt8] = []
  private var filter: [UInt8]
  private var filterDefaulted = false
  private var warnedFilter = false

  /// Lines that were neither comments, blanks, sample headers nor frames (stderr warnings).
  public private(set) var unrecognisedLines = 0
  /// The first few unrecognised lines (line number, preview).
  public private(set) var unrecognisedExamples: [(line: Int, text: String)] = []
  /// Set when the first event was taken as the filter and other events were skipped.
  public private(set) var skippedEvent: String?
  /// The number of the last line read.
  public private(set) var lineCount = 0

  private struct LineResult {
    var start: Int32  // into lineResultIds
    var count: Int32  // -1: not a frame line
  }

  /// A folder with `options`.
  public init(options: FoldOptions) {
    self.options = options
    filter = Array(options.eventFilter.utf8)
    stack.reserveCapacity(256)
  }

  // MARK: - reading

  /// Reads every line of `source` through the shared line reader (Perl's `<>`: a final line
  /// without newline counts too).
  @discardableResult public mutating func consume(_ source: ByteSource) throws -> LineReaderSummary {
    try LineReader(source: source).forEachLine { l, number in
      line(l, number: number)
      return true
    }
  }

  @inline(__always) private static func isSpace(_ b: UInt8) -> Bool {
    b == 0x20 || (b >= 0x09 && b <= 0x0D)
  }

  @inline(__always) private static func isWord(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
  }

  /// One line without its newline; `number` is its 1-based line number.
  @inline(__always) public mutating func line(_ l: ByteSpan, number: Int) {
    lineCount = number
    if l.count == 0 {
      endOfSample()
      return
    }
    let c0 = l[0]
    if c0 == UInt8(ascii: "#") { return }
    if !Self.isSpace(c0), header(l) { return }
    frame(l)
  }

  private mutating func endOfSample() {
    guard let p = pname else { return }
    stack.append(p)
    stacks.add(stack, reversed: true, weight: period)
    stack.removeAll(keepingCapacity: true)
    pname = nil
  }

  // MARK: - sample headers

  /// `^(\S.+?)\s+(\d+)\/*(\d+)*\s+` with the event/period rule; returns false when the line is
  /// not a header (it may still be a frame line).
  private mutating func header(_ l: ByteSpan) -> Bool {
    let n = l.count
    var e = 2
    var commEnd = -1
    var pidStart = 0
    var pidEnd = 0
    var tidStart = 0
    var tidEnd = 0
    while e < n {
      if Self.isSpace(l[e]) {
        var j = e + 1
        while j < n, Self.isSpace(l[j]) { j += 1 }
        var k = j
        while k < n, StackFrameTextBytes.isDigit(l[k]) { k += 1 }
        if k > j {
          var m = k
          while m < n, l[m] == UInt8(ascii: "/") { m += 1 }
          var q = m
          while q < n, StackFrameTextBytes.isDigit(l[q]) { q += 1 }
          if q < n, Self.isSpace(l[q]) {
            commEnd = e
            pidStart = j
            pidEnd = k
            tidStart = m
            tidEnd = q
            break
          }
        }
        e = j  // the rest of this blank run gives the same continuation
        continue
      }
      e += 1
    }
    guard commEnd >= 0 else { return false }

    // `:\s*(\d+)*\s+(\S+):\s*$`
    var periodValue: Int64 = 1
    var last = n
    while last > 0, Self.isSpace(l[last - 1]) { last -= 1 }
    var tokStart = last
    while tokStart > 0, !Self.isSpace(l[tokStart - 1]) { tokStart -= 1 }
    if last - tokStart >= 2, l[last - 1] == UInt8(ascii: ":"), tokStart > 0 {
      var p = tokStart - 1
      while p >= 0, l[p] != UInt8(ascii: ":") { p -= 1 }
      if p >= 0 {
        // between p+1 and tokStart: blanks, digits, at least one blank
        var i = p + 1
        while i < tokStart, Self.isSpace(l[i]) { i += 1 }
        let dStart = i
        while i < tokStart, StackFrameTextBytes.isDigit(l[i]) { i += 1 }
        let dEnd = i
        var blanks = 0
        while i < tokStart, Self.isSpace(l[i]) {
          i += 1
          blanks += 1
        }
        // `\s*` may give back blanks to `\s+` when there are no digits.
        let ok = i == tokStart && (blanks > 0 || (dStart == dEnd && dStart > p + 1))
        if ok {
          let event = l.slice(tokStart, last - 1)
          if filter.isEmpty {
            filter = Array(UnsafeBufferPointer(start: event.base, count: event.count))
            filterDefaulted = true
          } else if !Self.equal(event, filter) {
            if filterDefaulted, !warnedFilter {
              warnedFilter = true
              skippedEvent = event.string
            }
            return true  // a header of another event: ignored, the previous state stays
          }
          let digits = l.slice(dStart, dEnd)
          if digits.count > 0, !(digits.count == 1 && digits[0] == UInt8(ascii: "0")) {
            var v: Int64 = 0
            for x in 0..<digits.count { v = v &* 10 &+ Int64(digits[x] &- 0x30) }
            periodValue = v
          }
        }
      }
    }
    period = periodValue

    // Process name: comm with blanks turned into `_`, then `-PID[/TID]`.
    var tidS = l.slice(tidStart, tidEnd)
    var pidS = l.slice(pidStart, pidEnd)
    var pidUnknown = false
    if tidS.count == 0 || (tidS.count == 1 && tidS[0] == UInt8(ascii: "0")) {
      tidS = pidS
      pidS = .empty
      pidUnknown = true
    }
    scratch.removeAll(keepingCapacity: true)
    for i in 0..<commEnd { scratch.append(l[i] == 0x20 ? UInt8(ascii: "_") : l[i]) }
    if options.includeTid || options.includePid {
      scratch.append(UInt8(ascii: "-"))
      if pidUnknown { scratch.append(UInt8(ascii: "?")) } else { Self.append(&scratch, pidS) }
      if options.includeTid {
        scratch.append(UInt8(ascii: "/"))
        Self.append(&scratch, tidS)
      }
    }
    pname = scratch.withUnsafeBufferPointer { names.intern(ByteSpan(base: $0.baseAddress, count: $0.count)) }
    pnameIsJava =
      scratch.count >= 4 && scratch[0] == 0x6A && scratch[1] == 0x61 && scratch[2] == 0x76 && scratch[3] == 0x61
    return true
  }

  private static func append(_ a: inout [UInt8], _ s: ByteSpan) {
    if s.count > 0 { a.append(contentsOf: UnsafeBufferPointer(start: s.base, count: s.count)) }
  }

  private static func equal(_ s: ByteSpan, _ b: [UInt8]) -> Bool {
    s.count == b.count && b.withUnsafeBufferPointer { memcmp(s.base!, $0.baseAddress!, s.count) == 0 }
  }

  // MARK: - frame lines

  private mutating func frame(_ l: ByteSpan) {
    var a = 0
    while a < l.count, Self.isSpace(l[a]) { a += 1 }
    let key = l.suffix(from: a)
    let (id, isNew) = lines.internReportingNew(key, seed: pnameIsJava ? 0x5bd1_e995 : 0)
    if isNew {
      let r = resolveFrameLine(key)
      lineResults.append(r)
    }
    let r = lineResults[Int(id)]
    if r.count < 0 {
      unrecognisedLines += 1
      if unrecognisedExamples.count < 5 { unrecognisedExamples.append((lineCount, l.quotedPreview(limit: 100))) }
      return
    }
    guard pname != nil else { return }
    var i = Int(r.start) + Int(r.count) - 1
    while i >= Int(r.start) {
      stack.append(lineResultIds[i])
      i -= 1
    }
  }

  /// Applies the frame-line rule to `t` (the line from its first non-blank).
  private mutating func resolveFrameLine(_ t: ByteSpan) -> LineResult {
    // `^\s*(\w+)\s*(.+) \((.*)\)`
    let n = t.count
    var w = 0
    while w < n, Self.isWord(t[w]) { w += 1 }
    guard w > 0 else { return LineResult(start: 0, count: -1) }
    guard let lastParen = t.lastIndex(of: UInt8(ascii: ")")) else { return LineResult(start: 0, count: -1) }
    var q = lastParen - 2
    var qmax = -1
    while q >= 0 {
      if t[q] == 0x20, t[q + 1] == UInt8(ascii: "(") {
        qmax = q
        break
      }
      q -= 1
    }
    guard qmax >= 0 else { return LineResult(start: 0, count: -1) }
    var s = w
    while s < n, Self.isSpace(t[s]) { s += 1 }
    var pcEnd = w
    var funcStart: Int
    if qmax >= s + 1 {
      funcStart = s
    } else if qmax >= w + 1 {
      funcStart = qmax - 1
    } else {
      let k = qmax - 1
      guard k >= 1 else { return LineResult(start: 0, count: -1) }
      pcEnd = k
      funcStart = k
    }
    let pc = t.slice(0, pcEnd)
    var raw = t.slice(funcStart, qmax)
    let mod = t.slice(qmax + 2, lastParen)

    let start = Int32(lineResultIds.count)
    // `\+0x[\da-f]+$`
    raw = Self.stripLowerHexOffset(raw)
    if raw.count > 0, raw[0] == UInt8(ascii: "(") { return LineResult(start: start, count: 0) }
    let parts = Self.splitArrows(raw)
    for (index, part) in parts.enumerated() {
      var f: [UInt8] = Array(UnsafeBufferPointer(start: part.base, count: part.count))
      if part.count == 9, part.equals("[unknown]") {
        var inner: [UInt8]
        if !mod.equals("[unknown]") {
          let slash = mod.lastIndex(of: UInt8(ascii: "/"))
          let base = slash.map { mod.suffix(from: $0 + 1) } ?? mod
          inner = Array(UnsafeBufferPointer(start: base.base, count: base.count))
        } else {
          inner = Array("unknown".utf8)
        }
        f = [UInt8(ascii: "[")] + inner
        if options.includeAddrs {
          f += Array(" <".utf8)
          f += Array(UnsafeBufferPointer(start: pc.base, count: pc.count))
          f.append(UInt8(ascii: ">"))
        }
        f.append(UInt8(ascii: "]"))
      }
      // tidy: `;` → `:`; cut at the first `(` (unless a Go `.(…).` name or `(anonymous namespace)`); drop quotes.
      for i in f.indices where f[i] == UInt8(ascii: ";") { f[i] = UInt8(ascii: ":") }
      if !Self.looksLikeGoMethod(f), let cut = Self.firstCuttingParen(f) { f.removeSubrange(cut...) }
      f.removeAll { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
      if pnameIsJava, f.first == UInt8(ascii: "L"), f.contains(UInt8(ascii: "/")) { f.removeFirst() }
      if index > 0 {
        if !Self.contains(f, "_[i]") { f += Array("_[i]".utf8) }
      } else if options.annotateKernel, mod.count > 0, mod[0] == UInt8(ascii: "[") || mod.hasSuffix("vmlinux"),
        mod.firstIndex(of: "unknown") == nil
      {
        f += kernelTag
      } else if options.annotateJit, Self.isPerfMap(mod) {
        if !Self.contains(f, "_[j]") { f += Array("_[j]".utf8) }
      }
      let id = f.withUnsafeBufferPointer { names.intern(ByteSpan(base: $0.baseAddress, count: $0.count)) }
      lineResultIds.append(id)
    }
    return LineResult(start: start, count: Int32(parts.count))
  }

  private static func stripLowerHexOffset(_ s: ByteSpan) -> ByteSpan {
    var i = s.count - 1
    while i >= 0, (s[i] >= 0x30 && s[i] <= 0x39) || (s[i] >= 0x61 && s[i] <= 0x66) { i -= 1 }
    // s[i+1..] is the hex run; need `+0x` right before it and at least one digit.
    guard i < s.count - 1, i >= 2, s[i] == UInt8(ascii: "x"), s[i - 1] == UInt8(ascii: "0"),
      s[i - 2] == UInt8(ascii: "+")
    else {
      // The run may have swallowed the `0` of `0x`… only when `x` is not there: no offset.
      return s
    }
    return s.slice(0, i - 2)
  }

  /// Perl's `split /->/`: fields between arrows; trailing empty fields dropped.
  private static func splitArrows(_ s: ByteSpan) -> [ByteSpan] {
    var out: [ByteSpan] = []
    var from = 0
    while let at = s.firstIndex(of: "->", from: from) {
      out.append(s.slice(from, at))
      from = at + 2
    }
    out.append(s.suffix(from: from))
    while let l = out.last, l.count == 0 { out.removeLast() }
    return out
  }

  private static func contains(_ f: [UInt8], _ needle: StaticString) -> Bool {
    let n = needle.utf8CodeUnitCount
    guard f.count >= n else { return false }
    return f.withUnsafeBufferPointer { b in
      for i in 0...(f.count - n) where memcmp(b.baseAddress! + i, needle.utf8Start, n) == 0 { return true }
      return false
    }
  }

  /// `.(` … `).` somewhere (a Go method such as `net/http.(*Client).Do`).
  private static func looksLikeGoMethod(_ f: [UInt8]) -> Bool {
    guard f.count >= 4 else { return false }
    var open = -1
    for i in 0..<(f.count - 1) where f[i] == UInt8(ascii: ".") && f[i + 1] == UInt8(ascii: "(") {
      open = i
      break
    }
    guard open >= 0 else { return false }
    var i = f.count - 2
    while i >= open + 2 {
      if f[i] == UInt8(ascii: ")"), f[i + 1] == UInt8(ascii: ".") { return true }
      i -= 1
    }
    return false
  }

  private static let anonymous = Array("anonymous namespace)".utf8)

  /// The first `(` that does not open `(anonymous namespace)`.
  private static func firstCuttingParen(_ f: [UInt8]) -> Int? {
    var i = 0
    while i < f.count {
      if f[i] == UInt8(ascii: "(") {
        let rest = f.count - i - 1
        if rest >= anonymous.count, Array(f[(i + 1)..<(i + 1 + anonymous.count)]) == anonymous {
          i += 1
          continue
        }
        return i
      }
      i += 1
    }
    return nil
  }

  /// `/tmp/perf-<digits>.map` anywhere in the dso.
  private static func isPerfMap(_ mod: ByteSpan) -> Bool {
    var from = 0
    while let at = mod.firstIndex(of: "/tmp/perf-", from: from) {
      var i = at + 10
      let d = i
      while i < mod.count, mod[i] >= 0x30, mod[i] <= 0x39 { i += 1 }
      if i > d, mod.matches(".map", at: i) { return true }
      from = at + 1
    }
    return false
  }

  // MARK: - output

  /// The folded lines, sorted bytewise: `name;frame;… weight\n`.
  public func write(to out: (UnsafeRawBufferPointer) -> Void) {
    stacks.writeSorted(names: names, to: out)
  }

  /// Number of distinct stacks.
  public var stackCount: Int { stacks.count }
}

/// Byte tests used by the folders (kept here so the hot loops inline them).
enum StackFrameTextBytes {
  @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
