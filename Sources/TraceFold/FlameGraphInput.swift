import TraceParse

/// The stacks of one input as a ``FlameTree``, whatever its format: what `flamegraph` draws.
public struct FlameGraphInput {
  /// The merged stacks.
  public var tree: FlameTree
  /// True when the weights are microseconds of self time (function_graph, trace.dat).
  public var weightsAreTimes: Bool
  /// Problems read past, with file:line.
  public var diagnostics: [Diagnostic]

  /// Reads `path` (`-` for stdin) as ``Collapse/file(_:options:format:traceDat:)`` does, folded
  /// stacks included, and merges its stacks.
  public static func load(
    _ path: String, options: FoldOptions = FoldOptions(), format: TraceFormat? = nil,
    traceDat: (any TraceDatDecoding)?
  ) throws -> FlameGraphInput {
    let result = try Collapse.file(path, options: options, format: format, traceDat: traceDat)
    if let folded = result.collapser as? FoldedStacksCollapser {
      return FlameGraphInput(tree: folded.tree, weightsAreTimes: false, diagnostics: result.diagnostics)
    }
    var bytes: [UInt8] = []
    result.collapser.write { bytes.append(contentsOf: $0) }
    var tree = FlameTree()
    bytes.withUnsafeBufferPointer { b in
      let all = ByteSpan(base: b.baseAddress, count: b.count)
      var start = 0
      while start < all.count {
        let end = all.firstIndex(of: 0x0A, from: start) ?? all.count
        tree.addFoldedLine(all.slice(start, end))
        start = end + 1
      }
    }
    return FlameGraphInput(
      tree: tree, weightsAreTimes: result.collapser.weightsAreTimes, diagnostics: result.diagnostics)
  }
}
