import CTraceFS
import Foundation

/// A tracefs instance of our own (`instances/iou-analyze-<pid>`): every setting is made inside it, so
/// the system's top-level tracing state is never touched, and ``destroy()`` removes it whole.
public final class TracefsInstance {
  /// The tracefs root in use.
  public let root: String
  /// The instance name.
  public let name: String
  private var handle: OpaquePointer?

  /// Creates the instance under `root`. Refuses to reuse an existing one (it may belong to someone).
  public init(root: String, name: String) throws {
    self.root = root
    self.name = name
    let dirBuffer = strdup(root)
    defer { free(dirBuffer) }
    guard tracefs_set_tracing_dir(dirBuffer) == 0 else { throw CaptureError("libtracefs cannot use \(root)") }
    if FileManager.default.fileExists(atPath: "\(root)/instances/\(name)") {
      throw CaptureError(
        "tracefs instance \(name) already exists; remove it (rmdir \(root)/instances/\(name)) if it is stale")
    }
    guard let h = tracefs_instance_create(name) else {
      throw CaptureError(
        "cannot create tracefs instance \(name) under \(root)/instances: \(String(cString: strerror(errno)))")
    }
    handle = h
  }

  deinit { destroy() }

  /// libtracefs's handle of the instance (nil once destroyed), for the hist API.
  var rawHandle: OpaquePointer? { handle }

  /// Path of a file of the instance.
  public func path(_ file: String) -> String { "\(root)/instances/\(name)/\(file)" }

  /// Writes `value` to the instance file `file` (replacing its content), or throws naming both.
  public func write(_ file: String, _ value: String) throws {
    guard let handle else { throw CaptureError("instance \(name) is already destroyed") }
    if tracefs_instance_file_write(handle, file, value) < 0 {
      throw CaptureError("cannot write '\(value)' to \(path(file)): \(String(cString: strerror(errno)))")
    }
  }

  /// Reads an instance file.
  public func read(_ file: String) -> String? {
    guard let handle, let p = tracefs_instance_file_read(handle, file, nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
  }

  /// Enables `system/event` in the instance.
  public func enableEvent(_ system: String, _ event: String) throws {
    guard let handle else { return }
    if tracefs_event_enable(handle, system, event) < 0 {
      throw CaptureError("cannot enable event \(system)/\(event) in \(name) (is it in \(root)/events?)")
    }
  }

  /// Tracing on in the instance.
  public func traceOn() throws {
    guard let handle, tracefs_trace_on(handle) == 0 else { throw CaptureError("cannot turn tracing on in \(name)") }
  }

  /// Stops tracing and removes the instance (and with it every setting made in it). Idempotent.
  public func destroy() {
    guard let h = handle else { return }
    handle = nil
    _ = tracefs_trace_off(h)
    _ = tracefs_instance_file_write(h, "current_tracer", "nop")
    _ = tracefs_instance_destroy(h)
    tracefs_instance_free(h)
  }
}
