/// Where a capture makes its tracing settings: its own tracefs instance, or, on a kernel without
/// instances, the top level with every touched file saved first. Undone by ``release()``.
public protocol TracingArea: AnyObject {
  /// A short description for capture.json and messages.
  var description: String { get }
  /// Path of a tracing file in the area.
  func path(_ file: String) -> String
  /// Writes `value` to `file` (whitespace-separated values become one write each where it matters).
  func write(_ file: String, _ value: String) throws
  /// Turns a trace option (`funcgraph-proc`) on.
  func enableOption(_ name: String) throws
  /// Enables `system/event`.
  func enableEvent(_ system: String, _ event: String) throws
  /// Tracing on.
  func traceOn() throws
  /// Stops tracing and undoes every setting. Idempotent.
  func release()
}

extension TracefsInstance: TracingArea {
  public var description: String { "tracefs instance \(name)" }
  public func enableOption(_ name: String) throws { try write("trace_options", name) }
  public func release() { destroy() }
}
