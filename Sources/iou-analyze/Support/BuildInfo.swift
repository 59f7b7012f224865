#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `--version` prints: our version, the git commit built, and the tracing libraries in use.
enum BuildInfo {
  /// The release version. It is also what the command line's configuration is given as its version,
  /// so that start-up costs nothing: building ``versionText`` reads `/proc/self/maps` (about 22 M
  /// instructions), which every run paid when the configuration held it. ``printed(_:)`` puts the
  /// whole text in place of the library's `--version` message.
  static let version = "0.2.0"

  /// What to print for the argument parser's message on a clean exit: ``versionText`` for
  /// `--version` (whose message is ``version``), else `message` itself.
  static func printed(_ message: String) -> String { message == version ? versionText : message }

  /// `0.2.0 (commit abc123)` and one line per tracing library loaded into this process.
  static var versionText: String {
    var lines = ["iou-analyze \(version) (commit \(buildGitCommit))"]
    for (name, soname) in [
      ("libtracefs", "libtracefs.so"), ("libtraceevent", "libtraceevent.so"), ("libtracecmd", "libtracecmd.so"),
    ] {
      if let path = LoadedLibraries.path(containing: soname) {
        lines.append("\(name) \(LoadedLibraries.version(of: path) ?? "(version unknown)") (\(path))")
      } else {
        lines.append("\(name) not loaded")
      }
    }
    return lines.joined(separator: "\n")
  }
}
