import CTraceFS
import Foundation

/// A hist trigger on one event of our tracefs instance (`hist:keys=...` written to the event's
/// `trigger` file through libtracefs's histogram API): started by ``init``, read with ``read()``,
/// removed by ``destroy()`` on every way out (before the instance and the kprobe it counts).
public final class HistTrigger {
  /// The event's system and name.
  public let system: String
  public let event: String
  private let instance: OpaquePointer
  private var hist: OpaquePointer?

  /// A histogram of `system/event` keyed by `keys` (name and libtracefs key type), counting hits.
  init(
    instance: OpaquePointer, tep: OpaquePointer, system: String, event: String, keys: [(String, tracefs_hist_key_type)]
  )
    throws
  {
    self.system = system
    self.event = event
    self.instance = instance
    guard let first = keys.first, let h = tracefs_hist_alloc(tep, system, event, first.0, first.1) else {
      throw CaptureError(
        "libtracefs cannot describe a histogram of \(system)/\(event) (is the event's format readable?)")
    }
    for k in keys.dropFirst() where tracefs_hist_add_key(h, k.0, k.1) != 0 {
      tracefs_hist_free(h)
      throw CaptureError("libtracefs refuses the key \(k.0) for \(system)/\(event)")
    }
    guard tracefs_hist_command(instance, h, TRACEFS_HIST_CMD_START) == 0 else {
      let why = String(cString: strerror(errno))
      tracefs_hist_free(h)
      throw CaptureError(
        "cannot start a hist trigger on \(system)/\(event) (\(why)): is this kernel built with CONFIG_HIST_TRIGGERS?")
    }
    hist = h
  }

  deinit { destroy() }

  /// The `hist` file's text now (cumulative counts since the trigger was set).
  public func read() -> String? {
    guard hist != nil, let p = tracefs_event_file_read(instance, system, event, "hist", nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
  }

  /// Removes the trigger. Idempotent.
  public func destroy() {
    guard let h = hist else { return }
    hist = nil
    _ = tracefs_hist_command(instance, h, TRACEFS_HIST_CMD_DESTROY)
    tracefs_hist_free(h)
  }
}
