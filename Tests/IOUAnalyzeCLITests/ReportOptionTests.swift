import Foundation
import Testing

/// `--report FORMAT[=FILE]` (repeatable), `--output`, `--quiet` and `--color`: several reports from
/// one run, as a CI job wants them.
@Suite struct ReportOptionTests {
  static let vanilla = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit")
  static let fix = CLI.fixture("shared-traces/fix-fail-fault/threadexit")

  static func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("iou-report-\(UUID().uuidString)-\(name)").path
  }

  static func read(_ path: String) -> String {
    String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
  }

  @Test func severalReportsFromOneCompareAndTheTextOnStdout() throws {
    let junit = Self.temporaryPath("results.xml")
    let summary = Self.temporaryPath("summary.md")
    let r = try CLI.run([
      "compare", "--report", "junit=\(junit)", "--report", "markdown=\(summary)", Self.vanilla, Self.fix,
    ])
    #expect(r.status == 0)
    #expect(r.stdout.hasPrefix("compare: CONFIRMED"))
    let xml = Self.read(junit)
    #expect(xml.hasPrefix("<?xml"))
    #expect(xml.contains("<testsuites name=\"iou-analyze compare\" tests=\"1\" failures=\"0\" errors=\"0\""))
    #expect(Self.read(summary).contains("CONFIRMED"))
  }

  @Test func aReportWithoutAFileReplacesTheTextOnStdout() throws {
    let r = try CLI.run(["analyze", "--report", "markdown", Self.vanilla])
    #expect(r.stdout.hasPrefix("## iou-analyze:"))
    let dash = try CLI.run(["analyze", "--report", "json=-", Self.vanilla])
    #expect(dash.stdout.hasPrefix("{"))
  }

  @Test func outputSendsTheStdoutReportToAFile() throws {
    let path = Self.temporaryPath("report.txt")
    let r = try CLI.run(["analyze", "--output", path, Self.vanilla])
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    #expect(Self.read(path).contains("SPINNING"))
    let json = Self.temporaryPath("report.json")
    _ = try CLI.run(["analyze", "--json", "--output", json, Self.vanilla])
    #expect(Self.read(json).hasPrefix("{"))
  }

  @Test func quietLeavesOnlyTheExitStatusAndTheFiles() throws {
    let junit = Self.temporaryPath("results.xml")
    let r = try CLI.run(["analyze", "--quiet", "--report", "junit=\(junit)", Self.vanilla])
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty && r.stderr.isEmpty)
    #expect(Self.read(junit).contains("<failure"))
    let collapse = try CLI.run(["collapse", "-q", CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/perf.txt")])
    #expect(collapse.status == 0 && !collapse.stdout.isEmpty)
  }

  @Test func twoReportsForOneDestinationAreAUsageError() throws {
    let both = try CLI.run(["analyze", "--report", "json", "--report", "markdown", Self.vanilla])
    #expect(both.status == 2)
    #expect(both.stderr.hasPrefix("iou-analyze: Only one report can go to standard output"))
    let same = try CLI.run(["analyze", "--report", "json=a.json", "--report", "junit=a.json", Self.vanilla])
    #expect(same.status == 2)
    #expect(same.stderr.hasPrefix("iou-analyze: Two reports would be written to 'a.json'."))
    let empty = try CLI.run(["analyze", "--report", "junit=", Self.vanilla])
    #expect(empty.status == 2)
  }

  @Test func colorIsChosenByTheOptionAndNOCOLOR() throws {
    let file = Self.vanilla + "/fgraph_proc.txt"
    // CLI.run sets NO_COLOR=1 and stdout is a pipe: only `always` colours.
    #expect(try CLI.run(["analyze", "--color", "always", file]).stdout.contains("\u{1B}[1;31mSPINNING"))
    #expect(!(try CLI.run(["analyze", "--color", "auto", file]).stdout.contains("\u{1B}[")))
    #expect(!(try CLI.run(["analyze", "--color", "never", file]).stdout.contains("\u{1B}[")))
    #expect(try CLI.run(["analyze", "--color", "sometimes", file]).status == 2)
  }

  @Test func onATerminalAutoColoursUnlessNOCOLORIsSet() throws {
    // script(1) (util-linux, in every Debian) gives the command a terminal as stdout.
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
    func onTerminal(_ noColor: String) throws -> String {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
      let command = "NO_COLOR='\(noColor)' '\(CLI.executable.path)' analyze '\(Self.vanilla)/fgraph_proc.txt'"
      p.arguments = ["-qec", command, "/dev/null"]
      let out = Pipe()
      p.standardOutput = out
      p.standardInput = FileHandle.nullDevice
      try p.run()
      let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      p.waitUntilExit()
      return text
    }
    #expect(try onTerminal("").contains("\u{1B}[1;31mSPINNING"))
    #expect(!(try onTerminal("1").contains("\u{1B}[1;31m")))
  }
}
