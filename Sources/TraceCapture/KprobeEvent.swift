import CTraceFS
import Foundation

/// A kprobe event of our own (`p:SYSTEM/EVENT FUNCTION`, made through libtracefs's dynamic-event
/// API): created by ``init(system:event:function:)``, removed by ``destroy()`` on every way out.
/// Kprobe events are global (every instance sees them under `events/SYSTEM/EVENT`), so the name
/// carries our pid and an existing event of that name is never reused.
public final class KprobeEvent {
  /// The event's system and name.
  public let system: String
  public let event: String
  /// The probed kernel function.
  public let function: String
  private var handle: OpaquePointer?

  /// Creates the probe; the tracefs root must already be set in libtracefs.
  public init(root: String, system: String, event: String, function: String) throws {
    self.system = system
    self.event = event
    self.function = function
    if FileManager.default.fileExists(atPath: "\(root)/events/\(system)/\(event)") {
      throw CaptureError(
        "a kprobe event \(system)/\(event) already exists; remove it (echo '-:\(system)/\(event)' >> \(root)/dynamic_events) if it is stale"
      )
    }
    guard let h = tracefs_kprobe_alloc(system, event, function, nil) else {
      throw CaptureError("libtracefs cannot describe a kprobe on \(function): \(String(cString: strerror(errno)))")
    }
    guard tracefs_dynevent_create(h) == 0 else {
      let why = String(cString: strerror(errno))
      tracefs_dynevent_free(h)
      throw CaptureError(
        "cannot create the kprobe event \(system)/\(event) on \(function) (\(why)): is this kernel built with CONFIG_KPROBE_EVENTS, and is \(function) probeable (not inlined, not in the kprobe blacklist)?"
      )
    }
    handle = h
  }

  deinit { destroy() }

  /// Removes the event (disabling it everywhere first). Idempotent.
  public func destroy() {
    guard let h = handle else { return }
    handle = nil
    // Not forced first: a forced removal disables the event at the top level too, which makes the
    // kernel expand the top-level ring buffer (a change to the system's tracing we must not make).
    if tracefs_dynevent_destroy(h, false) != 0 { _ = tracefs_dynevent_destroy(h, true) }
    tracefs_dynevent_free(h)
  }

  /// A name tracefs accepts for an event: letters, digits and `_`.
  public static func eventName(_ s: String) -> String {
    String(s.map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII ? $0 : "_" })
  }
}
