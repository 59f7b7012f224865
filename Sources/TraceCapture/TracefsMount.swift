import Foundation

/// Finds the tracefs mount point. It never mounts anything: mounting is the user's decision.
public enum TracefsMount {
  /// The tracefs mount from /proc/mounts, or a directory the user named (`--tracefs DIR`).
  public static func locate(override: String?) throws -> String {
    if let dir = override {
      try validate(dir)
      return dir
    }
    let mounts = KernelFile.read("/proc/mounts") ?? ""
    for line in mounts.split(separator: "\n") {
      let f = line.split(separator: " ")
      if f.count >= 3, f[2] == "tracefs" {
        let dir = String(f[1]).replacingOccurrences(of: "\\040", with: " ")
        try validate(dir)
        return dir
      }
    }
    throw CaptureError(
      "tracefs is not mounted. Mount it first (as root): mount -t tracefs nodev /sys/kernel/tracing")
  }

  /// Checks that `dir` looks like a tracefs root (current_tracer, trace_pipe; instances/ is optional).
  public static func validate(_ dir: String) throws {
    let fm = FileManager.default
    for needed in ["current_tracer", "trace_pipe"] where !fm.fileExists(atPath: dir + "/" + needed) {
      throw CaptureError(
        "\(dir) is not a tracefs mount (no \(needed)); mount one with: mount -t tracefs nodev /sys/kernel/tracing")
    }
  }
}
