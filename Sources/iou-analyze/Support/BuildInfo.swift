#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `--version` prints: our version, the git commit built, and the tracing libraries in use.
enum BuildInfo {
  /// The release version.
  static let version = "0.2.0"

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
