import Foundation
import Testing

/// The CI jobs in docs/ci run as written: their `iou-analyze` command lines are taken out of the
/// YAML and run by the shell, with the built binary on PATH, on the bundled real captures.
@Suite struct CIJobTests {
  static let vanilla = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit")
  static let fix = CLI.fixture("shared-traces/fix-fail-fault/threadexit")

  struct Job {
    var file: String
    /// The shell lines that call iou-analyze (a GitHub `run:` or a GitLab `script:` item).
    var commands: [String]
    /// The files the job attaches (upload-artifact `path:`, GitLab `paths:` and `reports: junit:`).
    var attached: [String]
  }

  static func job(_ name: String) throws -> Job {
    let text = try String(contentsOf: CLI.packageRoot.appendingPathComponent("docs/ci/\(name)"), encoding: .utf8)
    var commands: [String] = []
    var attached: [String] = []
    var inPaths = false
    for raw in text.split(separator: "\n") {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("#") { continue }
      for prefix in ["run: ", "- "] where line.hasPrefix(prefix) && line.contains("iou-analyze compare") {
        commands.append(String(line.dropFirst(prefix.count)))
      }
      if line.hasPrefix("path: ") || line.hasPrefix("junit: ") {
        attached.append(String(line.split(separator: " ", maxSplits: 1)[1]))
      }
      if inPaths, line.hasPrefix("- ") { attached.append(String(line.dropFirst(2))) } else { inPaths = false }
      if line == "paths:" { inPaths = true }
    }
    return Job(file: name, commands: commands, attached: Array(Set(attached)).sorted())
  }

  /// Runs `command` with bash (as GitHub's `run:` does) in a fresh folder, BEFORE/AFTER set.
  static func run(_ command: String, before: String, after: String) throws -> (status: Int32, folder: URL) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("iou-ci-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-e", "-c", command]
    p.currentDirectoryURL = folder
    var env = ProcessInfo.processInfo.environment
    env["PATH"] = CLI.executable.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
    env["BEFORE"] = before
    env["AFTER"] = after
    env["GITHUB_STEP_SUMMARY"] = folder.appendingPathComponent("step-summary.md").path
    p.environment = env
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return (p.terminationStatus, folder)
  }

  static func read(_ url: URL) -> String {
    String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self)
  }

  @Test(arguments: ["github-actions.yml", "gitlab-ci.yml"])
  func aConfirmedFixPassesAndTheReportsAreAttached(_ name: String) throws {
    let job = try Self.job(name)
    #expect(job.commands.count == 1)
    #expect(!job.attached.isEmpty)
    for command in job.commands {
      let (status, folder) = try Self.run(command, before: Self.vanilla, after: Self.fix)
      #expect(status == 0)
      for file in job.attached {
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(name): \(file)")
      }
      let junit = try #require(job.attached.first { $0.hasSuffix(".xml") })
      let xml = Self.read(folder.appendingPathComponent(junit))
      #expect(xml.contains("<testsuites name=\"iou-analyze compare\" tests=\"1\" failures=\"0\" errors=\"0\""))
      let summary = name == "github-actions.yml" ? "step-summary.md" : "iou-analyze-compare.md"
      #expect(Self.read(folder.appendingPathComponent(summary)).contains("CONFIRMED"))
    }
  }

  @Test(arguments: ["github-actions.yml", "gitlab-ci.yml"])
  func aFixThatDoesNotStopTheSpinFailsTheJob(_ name: String) throws {
    // The unfixed capture's spinning file on both sides (a second capture of the same kernel).
    for command in try Self.job(name).commands {
      let (status, folder) = try Self.run(command, before: Self.vanilla, after: Self.vanilla + "/fgraph_proc.txt")
      #expect(status == 1)
      let xml = Self.read(folder.appendingPathComponent("iou-analyze-compare.xml"))
      #expect(xml.contains("<failure type=\"NOT CONFIRMED\""))
    }
  }
}
