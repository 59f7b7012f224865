import Foundation
import Testing
import TraceAnalysis

@testable import TraceReport

/// `--report json` against docs/schema/iou-analyze.schema.json (JSON Schema 2020-12, checked with
/// Debian's python3-jsonschema), on the analyses of every real capture folder and on comparisons.
@Suite struct JSONSchemaTests {
  static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Every scenario folder of the shared traces and the lab, and the seed.
  static func folders() throws -> [String] {
    var out = [repo.appendingPathComponent("fixtures/seed").path]
    for base in ["fixtures/shared-traces", "fixtures/lab"] {
      let root = repo.appendingPathComponent(base).path
      for kernel in try FileManager.default.contentsOfDirectory(atPath: root).sorted() {
        let k = root + "/" + kernel
        guard let scenarios = try? FileManager.default.contentsOfDirectory(atPath: k) else { continue }
        for s in scenarios.sorted() {
          var isDir: ObjCBool = false
          guard FileManager.default.fileExists(atPath: k + "/" + s, isDirectory: &isDir), isDir.boolValue else {
            continue
          }
          // live-capture/<kernel>/ holds the saved run folder `capture/` beside the printed report, and
          // overrun/ the run folders of the counting captures (hist-armed: counted from the trigger on).
          let saved = k + "/" + s + "/capture"
          let overrun = k + "/" + s + "/overrun"
          let hasOverrun = FileManager.default.fileExists(atPath: overrun)
          if hasOverrun { out += ["hist-armed", "auto-overrun"].map { overrun + "/" + $0 } }
          if FileManager.default.fileExists(atPath: saved) {
            out.append(saved)
          } else if !hasOverrun {
            out.append(k + "/" + s)
          }
        }
      }
    }
    return out
  }

  func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test func theSchemaFileIsCurrentWithTheSources() throws {
    let r = try python([Self.repo.appendingPathComponent("tools/json-schema.py").path, "--check"])
    #expect(r.status == 0, "\(r.output)")
  }

  @Test func everyAnalysisAndComparisonValidates() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iou-json-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var runs: [RunAnalysis] = []
    for (i, folder) in try Self.folders().enumerated() {
      let run = try RunAnalyzer.analyze(folder, options: AnalysisOptions())
      runs.append(run)
      try JSONReport.render([run]).write(toFile: "\(dir)/analyze-\(i).json", atomically: false, encoding: .utf8)
    }
    #expect(runs.count > 30)
    try JSONReport.render(runs).write(toFile: "\(dir)/analyze-all.json", atomically: false, encoding: .utf8)
    // Every run against the vanilla folder of the shared traces: confirmed, not confirmed, inconclusive.
    let vanilla = try #require(runs.first { $0.input.hasSuffix("shared-traces/vanilla-6.12.117/threadexit") })
    var verdicts = Set<ComparisonVerdict>()
    for (i, after) in runs.enumerated() {
      let c = Comparison.compare(before: vanilla, after: after)
      verdicts.insert(c.verdict)
      try JSONReport.render(c).write(toFile: "\(dir)/compare-\(i).json", atomically: false, encoding: .utf8)
    }
    #expect(verdicts == [.confirmed, .notConfirmed, .inconclusive])
    let validate = """
      import glob, json, sys, jsonschema
      schema = json.load(open(sys.argv[1]))
      v = jsonschema.Draft202012Validator(schema)
      bad = 0
      files = sorted(glob.glob(sys.argv[2] + "/*.json"))
      for f in files:
          for e in v.iter_errors(json.load(open(f))):
              bad += 1
              print(f, e.json_path, e.message[:300])
      print(len(files), "documents,", bad, "errors")
      sys.exit(1 if bad or not files else 0)
      """
    let r = try python([
      "-c", validate, Self.repo.appendingPathComponent("docs/schema/iou-analyze.schema.json").path, dir,
    ])
    #expect(r.status == 0, "\(r.output)")
  }

  @Test func theSchemaRefusesADocumentWithAVerdictItDoesNotKnow() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iou-json-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let run = try RunAnalyzer.analyze(
      Self.repo.appendingPathComponent("fixtures/shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt").path,
      options: AnalysisOptions())
    let json = try JSONReport.render([run]).replacingOccurrences(of: "\"SPINNING\"", with: "\"SPINNY\"")
    try json.write(toFile: dir + "/bad.json", atomically: false, encoding: .utf8)
    let r = try python([
      "-c",
      "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
      Self.repo.appendingPathComponent("docs/schema/iou-analyze.schema.json").path, dir + "/bad.json",
    ])
    #expect(r.status != 0)
  }
}
