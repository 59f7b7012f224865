import TraceParse

/// What collapsing one input produced: the collapser holding the folded stacks, and the problems
/// it read past.
public struct CollapseResult {
  /// The collapser that read the input; its `write(to:)` prints the folded lines.
  public var collapser: any StackCollapser
  /// Warnings about the input (file:line), in the order found.
  public var diagnostics: [Diagnostic]
}

/// Folds one input end to end, whatever its format.
public enum Collapse {
  /// Opens `path` (`-` for stdin; gzip and zstd are read directly), picks its collapser (the one
  /// for `format` when given, else by ``CollapserGuess``) and folds it.
  /// Throws ``TraceInputError`` when the input cannot be opened or used.
  public static func file(
    _ path: String, options: FoldOptions, format: TraceFormat? = nil, traceDat: (any TraceDatDecoding)?
  ) throws -> CollapseResult {
    let name = path == "-" ? "<stdin>" : path
    let source: SampledSource
    do {
      source = SampledSource(try InputOpener.open(path))
    } catch let e as ByteSourceError {
      throw TraceInputError(file: name, line: 0, kind: .open, e.message)
    }
    let guess = CollapserGuess(options: options, traceDat: traceDat)
    var collapser: any StackCollapser
    if let format {
      guard let c = guess.collapser(for: format) else {
        throw TraceInputError(file: name, line: 0, kind: .format, "collapse does not read \(format.rawValue) input")
      }
      collapser = c
    } else {
      collapser = try guess.pick(source, displayName: name)
    }
    let diagnostics = try collapser.collapse(source, displayName: name, path: path == "-" ? nil : path)
    return CollapseResult(collapser: collapser, diagnostics: diagnostics)
  }
}
