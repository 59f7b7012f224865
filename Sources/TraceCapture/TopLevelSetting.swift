import Foundation

/// A top-level tracefs file that instances do not have of their own and that a capture must change
/// (on 6.12 `set_graph_function` exists only at the top level and applies to every instance's
/// function_graph). Its content is saved first and written back by ``restore()`` on every way out.
public final class TopLevelSetting {
  public let path: String
  private let saved: [String]
  private var changed = false

  /// Saves `root/file`.
  public init(root: String, file: String) throws {
    path = root + "/" + file
    guard let text = KernelFile.read(path) else { throw CaptureError("cannot read \(path)") }
    // An empty filter reads back as a comment (`#### all functions enabled ####`).
    saved = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
  }

  deinit { restore() }

  /// Replaces the content with `values`.
  public func set(_ values: [String]) throws {
    changed = true
    try Self.write(path, values, truncate: true)
  }

  /// Writes back what was there before. Idempotent.
  public func restore() {
    guard changed else { return }
    changed = false
    try? Self.write(path, saved, truncate: true)
  }

  private static func write(_ path: String, _ values: [String], truncate: Bool) throws {
    let fd = open(path, O_WRONLY | (truncate ? O_TRUNC : O_APPEND) | O_CLOEXEC)
    if fd < 0 { throw CaptureError("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    for v in values {
      let line = v + "\n"
      let n = line.withCString { Glibc.write(fd, $0, strlen($0)) }
      if n < 0 { throw CaptureError("cannot write '\(v)' to \(path): \(String(cString: strerror(errno)))") }
    }
  }
}
