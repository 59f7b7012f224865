import Foundation

/// Runs the built `iou-analyze` binary, as a user would.
enum CLI {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func fixture(_ relative: String) -> String { packageRoot.appendingPathComponent("fixtures/\(relative)").path }

  /// The executable beside the test bundle (SwiftPM builds both into the same folder).
  static var executable: URL {
    let candidates = [
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("iou-analyze"),
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("iou-analyze"),
      Bundle(for: Marker.self).bundleURL.deletingLastPathComponent().appendingPathComponent("iou-analyze"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
  }

  final class Marker {}

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static func run(_ args: [String], stdin: Data? = nil) throws -> Result {
    let p = Process()
    p.executableURL = executable
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    p.environment = env
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let input = Pipe()
    p.standardInput = input
    try p.run()
    // The command may exit without reading its input (a usage error): that write must not kill the
    // test process with SIGPIPE, and its EPIPE is expected.
    signal(SIGPIPE, SIG_IGN)
    if let stdin { try? input.fileHandleForWriting.write(contentsOf: stdin) }
    try? input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(
      status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: e, as: UTF8.self))
  }
}
