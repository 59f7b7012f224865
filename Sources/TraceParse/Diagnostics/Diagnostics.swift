/// What kind of problem a diagnostic reports; the raw value is the stable key users see in
/// summaries and JSON (e.g. `unparsed-line`).
public enum DiagnosticKind: String, Sendable, Codable, CaseIterable, Comparable {
  /// The path cannot be opened or listed.
  case open
  /// The reader does not support the (forced) format.
  case format
  /// Nothing but white space.
  case empty
  /// No parser recognises the first lines.
  case notATrace = "not-a-trace"
  /// A compressed stream is broken.
  case brokenStream = "broken-stream"
  /// trace.dat cannot be read.
  case traceDat = "trace-dat"
  /// A format that this command does not take.
  case unsupportedFormat = "unsupported-format"
  /// A line the format's parser does not recognise.
  case unparsedLine = "unparsed-line"
  /// A call-chain or stack frame line without a function.
  case malformedFrame = "malformed-frame"
  /// A section header without its number.
  case malformedHeader = "malformed-header"
  /// An event line whose fields do not parse.
  case malformedEvent = "malformed-event"
  /// A timestamp before the previous one.
  case timestampBackwards = "timestamp-backwards"
  /// A timestamp slightly (within the tolerance) before an earlier one.
  case timestampReordered = "timestamp-reordered"
  /// Every line with text is over the length limit.
  case linesTooLong = "lines-too-long"
  /// A FIFO, socket or device in a run folder (skipped).
  case specialFile = "special-file"
  /// A line over the length limit.
  case oversizedLine = "oversized-line"
  /// The last line has no newline.
  case truncated
  /// A thread asked for (`--thread`) is in none of the captures.
  case unknownThread = "unknown-thread"
  /// Samples of other events left out (only one event's samples are folded).
  case skippedEvent = "skipped-event"
  /// function_graph calls whose exits were lost, piling up past any real stack depth.
  case unbalancedCalls = "unbalanced-calls"
  /// More distinct stacks than collapse keeps: further calls are folded into their callers.
  case tooManyStacks = "too-many-stacks"

  public static func < (a: DiagnosticKind, b: DiagnosticKind) -> Bool { a.rawValue < b.rawValue }
}

/// One problem found in the input, with the line that shows it.
public struct Diagnostic: Sendable, Equatable, Codable {
  /// How bad it is.
  public enum Severity: String, Sendable, Codable {
    /// The rest of the input was still used.
    case warning
    /// Nothing more could be used.
    case error
  }

  /// How bad it is.
  public var severity: Severity
  /// What kind of problem it is; repeats of one kind are summarised.
  public var kind: DiagnosticKind
  /// File name as given by the user.
  public var file: String
  /// 1-based line number, or 0 when the problem is not tied to one line.
  public var line: Int
  /// What is wrong and, where it helps, what was expected.
  public var message: String

  /// Creates a diagnostic.
  public init(severity: Severity, kind: DiagnosticKind, file: String, line: Int, message: String) {
    self.severity = severity
    self.kind = kind
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: severity: message`, the form compilers use and editors jump to.
  public var formatted: String {
    let place = line > 0 ? "\(file):\(line)" : file
    return "\(place): \(severity.rawValue): \(message)"
  }
}

/// Collects diagnostics for one file and summarises repeats: the first few of each kind are
/// kept with their lines, the rest are counted.
public struct DiagnosticLog: Sendable {
  /// How many of one kind are kept before only counting.
  public static let keptPerKind = 3

  /// The file these diagnostics are about.
  public let file: String
  /// Kept diagnostics in order.
  public private(set) var entries: [Diagnostic] = []
  /// Counts of all diagnostics by kind, including those not kept.
  public private(set) var counts: [DiagnosticKind: Int] = [:]
  /// The first and last line of each kind.
  public private(set) var lineRanges: [DiagnosticKind: ClosedRange<Int>] = [:]

  /// An empty log for `file`.
  public init(file: String) { self.file = file }

  /// Records a problem at `line`.
  public mutating func add(
    _ severity: Diagnostic.Severity, _ kind: DiagnosticKind, line: Int, _ message: @autoclosure () -> String
  ) {
    let n = counts[kind, default: 0] + 1
    counts[kind] = n
    if let r = lineRanges[kind] {
      lineRanges[kind] = min(r.lowerBound, line)...max(r.upperBound, line)
    } else {
      lineRanges[kind] = line...line
    }
    if n <= Self.keptPerKind || severity == .error {
      entries.append(Diagnostic(severity: severity, kind: kind, file: file, line: line, message: message()))
    }
  }

  /// True when an error (not only warnings) was recorded.
  public var hasErrors: Bool { entries.contains { $0.severity == .error } }

  /// Total number of problems of `kind`.
  public func count(of kind: DiagnosticKind) -> Int { counts[kind, default: 0] }

  /// Kept diagnostics followed by one summary line per kind that had more than were kept.
  public var summarized: [Diagnostic] {
    var out = entries
    for (kind, n) in counts.sorted(by: { $0.key < $1.key }) where n > Self.keptPerKind {
      let range = lineRanges[kind]!
      out.append(
        Diagnostic(
          severity: .warning, kind: kind, file: file, line: range.lowerBound,
          message:
            "\(n - Self.keptPerKind) more '\(kind.rawValue)' problems up to line \(range.upperBound) (\(n) in all)"))
    }
    return out
  }
}

/// Input that cannot be used at all.
public struct TraceInputError: Error, Sendable, CustomStringConvertible {
  /// The diagnostic that explains it (file:line and what was expected).
  public var diagnostic: Diagnostic

  /// Creates an error at `file:line`.
  public init(file: String, line: Int, kind: DiagnosticKind, _ message: String) {
    diagnostic = Diagnostic(severity: .error, kind: kind, file: file, line: line, message: message)
  }

  public var description: String { diagnostic.formatted }
}
