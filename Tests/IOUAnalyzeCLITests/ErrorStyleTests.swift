import Foundation
import Testing

/// Every command reports a problem as `iou-analyze: FILE[:LINE]: message`, with the same words for
/// the same problem.
@Suite struct ErrorStyleTests {
  static let fix = CLI.fixture("shared-traces/fix-fail-fault/threadexit/fgraph_proc.txt")

  static func temporaryFile(_ bytes: [UInt8]) -> String {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-style-\(UUID().uuidString).txt").path
    _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
    return p
  }

  static func runEverywhere(_ path: String) throws -> [(command: String, result: CLI.Result)] {
    [
      ("analyze", try CLI.run(["analyze", path])),
      ("collapse", try CLI.run(["collapse", path])),
      ("compare", try CLI.run(["compare", path, fix])),
    ]
  }

  @Test func aMissingFileIsWordedTheSameByEveryCommand() throws {
    for (command, r) in try Self.runEverywhere("/nonexistent/trace.txt") {
      #expect(r.status == 2, "\(command)")
      #expect(r.stderr == "iou-analyze: /nonexistent/trace.txt: no such file or folder\n", "\(command)")
    }
  }

  @Test func anEmptyFileIsWordedTheSameByEveryCommand() throws {
    // A capture of nothing but blank lines (as an empty hung-task log).
    let path = Self.temporaryFile(Array("\n\n   \n".utf8))
    for (command, r) in try Self.runEverywhere(path) {
      #expect(r.status == 2, "\(command)")
      #expect(r.stderr == "iou-analyze: \(path): the file is empty (nothing but white space)\n", "\(command)")
    }
  }

  @Test func inputThatIsNoTraceIsNamedTheSameByEveryCommand() throws {
    // The real trace.dat with its first 64 bytes cut off: no format recognises what is left.
    var bytes = [UInt8](
      FileManager.default.contents(atPath: CLI.fixture("shared-traces/fix-fail-fault/threadexit/trace.dat"))!)
    bytes.removeFirst(64)
    let path = Self.temporaryFile(bytes)
    for (command, r) in try Self.runEverywhere(path) {
      #expect(r.status == 2, "\(command)")
      #expect(r.stderr.hasPrefix("iou-analyze: \(path):1: not a trace: "), "\(command): \(r.stderr)")
    }
  }

  @Test func warningsCarryTheProgramNameFileAndLine() throws {
    var lines = String(decoding: FileManager.default.contents(atPath: Self.fix)!, as: UTF8.self)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[400] = "this line was replaced by the test"
    let path = Self.temporaryFile(Array(lines.joined(separator: "\n").utf8))
    let r = try CLI.run(["analyze", path])
    #expect(r.stderr.hasPrefix("iou-analyze: \(path):401: warning: "))
  }

  @Test func noMessageIsDoubled() throws {
    for (command, r) in try Self.runEverywhere("/nonexistent/trace.txt") {
      #expect(!r.stderr.contains("Error:"), "\(command)")
      #expect(!r.stderr.contains("error:"), "\(command)")
    }
  }
}
