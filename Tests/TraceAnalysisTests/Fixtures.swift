import Foundation
import TraceAnalysis

/// Paths of the real captures under fixtures/.
enum Fixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures")
  static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

  static let vanillaDir = path("shared-traces/vanilla-6.12.117/threadexit")
  static let fixDir = path("shared-traces/fix-fail-fault/threadexit")
  static let vanillaGraph = path("shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt")
  static let fixGraph = path("shared-traces/fix-fail-fault/threadexit/fgraph_proc.txt")
  static let kill9Graph = path("shared-traces/vanilla-6.12.117/kill9/fgraph_proc.txt")
  static let traceCmdReport = path("shared-traces/fix-fail-fault/threadexit/trace-cmd-report.txt")

  static func lines(_ path: String) -> [String] {
    String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// The lines of a gzipped capture (gzip -dc).
  static func gunzip(_ path: String) throws -> [String] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-dc", path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
  }

  /// Writes `lines` to a new temporary file (a real capture damaged or cut in code).
  static func temporary(_ lines: [String]) -> String {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).txt").path
    precondition(FileManager.default.createFile(atPath: p, contents: Data(lines.joined(separator: "\n").utf8)))
    return p
  }
}

func analyze(_ path: String, _ configure: (inout AnalysisOptions) -> Void = { _ in }) throws -> RunAnalysis {
  var o = AnalysisOptions()
  configure(&o)
  return try RunAnalyzer.analyze(path, options: o)
}

extension RunAnalysis {
  func thread(_ tid: Int32) -> ThreadVerdict? { files.flatMap(\.threads).first { $0.tid == tid } }
}
