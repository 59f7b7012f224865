import TraceParse

/// `perf script` text, folded byte for byte as stackcollapse-perf.pl folds it (``PerfScriptFolder``).
public struct PerfScriptCollapser: StackCollapser {
  public let format = TraceFormat.perfScript
  public let weightsAreTimes = false
  private let options: FoldOptions
  private var folder: PerfScriptFolder
  private var votes = FormatVotes(.perfScript)

  /// A collapser with stackcollapse-perf.pl's `options`.
  public init(options: FoldOptions) {
    self.options = options
    folder = PerfScriptFolder(options: options)
  }

  public mutating func isApplicable(_ line: ByteSpan) -> FormatMatch { votes.observe(line) }

  public mutating func isApplicableAtEndOfSample() -> FormatMatch { votes.atEnd() }

  public mutating func collapse(_ source: ByteSource, displayName: String, path: String?) throws -> [Diagnostic] {
    let summary: LineReaderSummary
    do {
      summary = try folder.consume(source)
    } catch let e as ByteSourceError {
      throw TraceInputError(file: displayName, line: folder.lineCount, kind: .brokenStream, e.message)
    }
    var out: [Diagnostic] = []
    func warn(_ line: Int, _ kind: DiagnosticKind, _ message: String) {
      out.append(Diagnostic(severity: .warning, kind: kind, file: displayName, line: line, message: message))
    }
    if let e = folder.skippedEvent {
      let kept = options.eventFilter.isEmpty ? "the first event" : options.eventFilter
      warn(0, .skippedEvent, "folding only '\(kept)' samples; '\(e)' and other events skipped (use --event-filter)")
    }
    for x in folder.unrecognisedExamples {
      warn(x.line, .unparsedLine, "not a perf script line, skipped: \(x.text)")
    }
    if folder.unrecognisedLines > folder.unrecognisedExamples.count {
      warn(0, .unparsedLine, "\(folder.unrecognisedLines) lines skipped in all")
    }
    for o in summary.oversizedLines {
      warn(o.line, .oversizedLine, "line of \(o.length) bytes is longer than the line limit; skipped")
    }
    return out
  }

  public func write(to out: (UnsafeRawBufferPointer) -> Void) { folder.write(to: out) }
}
