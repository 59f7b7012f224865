import Foundation
import Testing

/// Errors of `capture`/`watch` that can be checked without tracing: nothing here touches the
/// host's tracefs (the live path is tested inside the lab's QEMU guest).
@Suite struct CaptureCommandTests {
  @Test func withoutRootItSaysSo() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), geteuid() == 0 else { return }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
    p.arguments = [
      "--reuid=65534", "--regid=65534", "--clear-groups", CLI.executable.path, "capture", "--out", "/tmp/never",
    ]
    let err = Pipe()
    p.standardError = err
    p.standardOutput = Pipe()
    try p.run()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 2)
    #expect(text.contains("capture needs root"))
  }

  @Test func aDirectoryThatIsNotTracefsIsAClearError() throws {
    guard geteuid() == 0 else { return }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nottracefs-\(UUID())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for cmd in ["capture", "watch"] {
      let r = try CLI.run([cmd, "--tracefs", dir, "--duration", "1"])
      #expect(r.status == 2)
      #expect(r.stderr.contains("is not a tracefs mount"))
      #expect(r.stderr.contains("mount -t tracefs nodev /sys/kernel/tracing"))
    }
  }

  @Test func badCaptureOptionsAreUsageErrors() throws {
    let r = try CLI.run(["capture", "--duration", "forever"])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("iou-analyze: The value 'forever' is invalid for '--duration <seconds>'"))
    let h = try CLI.run(["capture", "--help"])
    #expect(h.stdout.contains("--until-verdict"))
  }
}
