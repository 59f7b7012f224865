import TraceParse

/// A collapser's answer to "is this input my format?" from the lines it has seen so far.
public enum FormatMatch: Sendable, Equatable {
  /// The lines are this collapser's format: use it.
  case yes
  /// They cannot be: rule it out.
  case no
  /// Not sure yet: show me more lines.
  case undecided
}

/// Folds one input format into `name;root;…;leaf weight` lines (the folded-stack format that
/// FlameGraph, inferno and speedscope read). ``CollapserGuess`` offers an input's first lines to
/// each collapser's ``isApplicable(_:)`` and runs the first that says ``FormatMatch/yes``.
public protocol StackCollapser {
  /// The input format this collapser reads.
  var format: TraceFormat { get }
  /// Looks at one more of the input's first lines (in order, without the newline).
  mutating func isApplicable(_ line: ByteSpan) -> FormatMatch
  /// The final answer (``FormatMatch/yes`` or ``FormatMatch/no``) when the input has no more
  /// lines to show (it is short, or the sample ended).
  mutating func isApplicableAtEndOfSample() -> FormatMatch
  /// Folds every line of `source`, naming it `displayName` in diagnostics; `path` is the file's
  /// path when there is one (binary inputs are read from their path). Throws ``TraceInputError``
  /// when nothing can be used; problems it could read past come back as diagnostics.
  mutating func collapse(_ source: ByteSource, displayName: String, path: String?) throws -> [Diagnostic]
  /// True when weights are times in microseconds (function_graph), false when they are counts or periods.
  var weightsAreTimes: Bool { get }
  /// Writes the folded lines, sorted bytewise.
  func write(to out: (UnsafeRawBufferPointer) -> Void)
}
