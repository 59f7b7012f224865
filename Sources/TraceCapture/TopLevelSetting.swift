import Foundation

/// A top-level tracefs file that a capture must change: `set_graph_function` (on 6.12 it exists only
/// at the top level and applies to every instance's function_graph), or any file when the kernel has
/// no instances. Its content is saved first and written back by ``restore()`` on every way out.
public final class TopLevelSetting {
  public let path: String
  private let saved: [String]
  private var changed = false

  /// Saves `root/file`.
  public init(root: String, file: String) throws {
    path = root + "/" + file
    guard let text = KernelFile.read(path) else { throw CaptureError("cannot read \(path)") }
    saved = Self.values(of: text)
  }

  /// What to write back to restore `text` as read: empty filters read back as a comment
  /// (`#### all functions enabled ####`) or `no pid`; buffer_size_kb may read `7 (expanded: 1408)`.
  static func values(of text: String) -> [String] {
    text.split(separator: "\n").compactMap { line -> String? in
      if line.hasPrefix("#") || line.isEmpty || line == "no pid" { return nil }
      if let r = line.range(of: "(expanded: ") {
        return String(line[r.upperBound...].prefix { $0.isNumber })
      }
      return String(line)
    }
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
