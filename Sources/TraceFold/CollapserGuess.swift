import TraceParse

/// Picks the collapser for an input as inferno's `guess` collapser does: the input's first lines go,
/// one at a time, to every collapser not yet ruled out, in a fixed order; the first to say
/// ``FormatMatch/yes`` folds the whole input. When the sample ends undecided, each is asked for its
/// final answer in the same order.
public struct CollapserGuess {
  /// The collapsers in the order they are asked.
  public var candidates: [any StackCollapser]

  /// Every format `collapse` reads: trace.dat (when a decoder is given), folded stacks, pasted
  /// reports, perf script, ftrace text, kernel logs, /proc stacks.
  public init(options: FoldOptions, traceDat: (any TraceDatDecoding)?) {
    var all: [any StackCollapser] = []
    if let traceDat { all.append(TraceDatCollapser(options: options, decoder: traceDat)) }
    all += [
      FoldedStacksCollapser(), PastedReportCollapser(options: options), PerfScriptCollapser(options: options),
      FtraceCollapser(options: options),
      KernelLogCollapser(options: options), ProcStackCollapser(options: options),
    ]
    candidates = all
  }

  /// The collapser for `format`, when one reads it.
  public func collapser(for format: TraceFormat) -> (any StackCollapser)? {
    candidates.first { $0.format == format }
  }

  /// The collapser whose check accepts the first lines of `input`.
  /// Throws ``TraceInputError`` for an empty input or one that no collapser accepts.
  public func pick(_ input: SampledSource, displayName: String) throws -> any StackCollapser {
    var asked = candidates
    var ruledOut = [Bool](repeating: false, count: asked.count)
    var chosen: Int?
    var sawText = false
    var lines = 0
    do {
      try input.forEachSampledLine(lines: FormatSniffer.sampleLines) { line in
        lines += 1
        if !line.trimmed().isEmpty { sawText = true }
        for i in asked.indices where !ruledOut[i] {
          switch asked[i].isApplicable(line) {
          case .yes:
            chosen = i
            return false
          case .no: ruledOut[i] = true
          case .undecided: break
          }
        }
        return !ruledOut.allSatisfy { $0 }
      }
    } catch let e as ByteSourceError {
      throw TraceInputError(file: displayName, line: 0, kind: .brokenStream, e.message)
    }
    if let chosen { return asked[chosen] }
    if !sawText {
      throw TraceInputError(file: displayName, line: 0, kind: .empty, "the file is empty (nothing but white space)")
    }
    for i in asked.indices where !ruledOut[i] && asked[i].isApplicableAtEndOfSample() == .yes { return asked[i] }
    throw TraceInputError(
      file: displayName, line: 1, kind: .notATrace,
      "not a trace: none of the first \(lines) lines looks like a format collapse reads (use --format to force one of: \(candidates.map(\.format.rawValue).joined(separator: ", ")))"
    )
  }
}
