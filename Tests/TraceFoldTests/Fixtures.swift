import Foundation

/// Paths of the real captures under fixtures/.
enum Fixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures")

  static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

  static let vanilla = "shared-traces/vanilla-6.12.117/threadexit/"
  static let fix = "shared-traces/fix-fail-fault/threadexit/"

  /// Writes `bytes` to a new temporary file and returns its path.
  static func temporary(_ bytes: [UInt8], suffix: String = ".txt") -> String {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString)\(suffix)").path
    precondition(FileManager.default.createFile(atPath: p, contents: Data(bytes)))
    return p
  }
}
