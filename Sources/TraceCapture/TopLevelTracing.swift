/// The top-level tracing files as a ``TracingArea``, for kernels without tracefs instances: every file
/// is saved before its first change, and ``release()`` writes them back in reverse order (tracing_on
/// first). What cannot be saved is the trace buffer's old content: changing the tracer clears it.
public final class TopLevelTracing: TracingArea {
  public let root: String
  private var settings: [TopLevelSetting] = []
  private var byFile: [String: TopLevelSetting] = [:]

  /// Uses the top level of `root`.
  public init(root: String) { self.root = root }

  deinit { release() }

  public var description: String { "top level of \(root) (no instances; every changed file saved and restored)" }

  public func path(_ file: String) -> String { root + "/" + file }

  private func setting(_ file: String) throws -> TopLevelSetting {
    if let s = byFile[file] { return s }
    let s = try TopLevelSetting(root: root, file: file)
    settings.append(s)
    byFile[file] = s
    return s
  }

  public func write(_ file: String, _ value: String) throws {
    try setting(file).set(value.split(separator: " ").map(String.init))
  }

  public func enableOption(_ name: String) throws { try setting("options/\(name)").set(["1"]) }

  public func enableEvent(_ system: String, _ event: String) throws {
    try setting("events/\(system)/\(event)/enable").set(["1"])
  }

  public func traceOn() throws { try setting("tracing_on").set(["1"]) }

  public func release() {
    // tracing_on goes first so that nothing is traced while the rest is put back.
    byFile["tracing_on"]?.restore()
    for s in settings.reversed() { s.restore() }
  }
}
