import TraceParse

/// Folded stacks themselves (`a;b;c 12`, or difffolded.pl's `a;b;c 10 12`): merged per stack and
/// printed sorted, so `flamegraph` and `collapse` take what `collapse` (or FlameGraph) printed.
public struct FoldedStacksCollapser: StackCollapser {
  public let format = TraceFormat.folded
  public let weightsAreTimes = false
  /// The stacks read.
  public private(set) var tree = FlameTree()
  private var lines = 0
  private var rejected = false

  /// A collapser of folded lines.
  public init() {}

  /// Yes after three lines that end in a count and that no other format's rules claim; no at the
  /// first line that is neither that, blank nor a `#` comment.
  public mutating func isApplicable(_ line: ByteSpan) -> FormatMatch {
    if rejected { return .no }
    let t = line.trimmed()
    if t.isEmpty || t[0] == UInt8(ascii: "#") { return .undecided }
    guard FlameTree.split(t) != nil, FormatSniffer.formats(of: line).isEmpty else {
      rejected = true
      return .no
    }
    lines += 1
    return lines >= 3 ? .yes : .undecided
  }

  public mutating func isApplicableAtEndOfSample() -> FormatMatch { !rejected && lines > 0 ? .yes : .no }

  public mutating func collapse(_ source: ByteSource, displayName: String, path: String?) throws -> [Diagnostic] {
    let (read, diagnostics) = try FlameTree.read(source, displayName: displayName)
    tree = read
    return diagnostics
  }

  /// The stacks, sorted bytewise: `stack after` lines, or `stack before after` in a differential tree.
  public func write(to out: (UnsafeRawBufferPointer) -> Void) {
    var lines: [([UInt8], Int64, Int64)] = []
    tree.forEachStack { lines.append(($0, $1, $2)) }
    lines.sort { $0.0.lexicographicallyPrecedes($1.0) }
    var buffer: [UInt8] = []
    for (stack, weight, before) in lines {
      buffer += stack
      if tree.isDifferential { buffer += Array(" \(before)".utf8) }
      buffer += Array(" \(weight)\n".utf8)
    }
    buffer.withUnsafeBytes { out($0) }
  }
}
