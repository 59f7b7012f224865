import Foundation
import Testing

@Suite struct AnalyzeCommandTests {
  let vanilla = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt")
  let fix = CLI.fixture("shared-traces/fix-fail-fault/threadexit/fgraph_proc.txt")

  @Test func aSpinningWorkerExitsOneWithEvidenceOnStdout() throws {
    let r = try CLI.run(["analyze", vanilla])
    #expect(r.status == 1)
    #expect(r.stdout.contains("iou-wrk-66 tid 67 (worker of task 66): SPINNING  [SLEEPING → SPINNING]"))
    #expect(r.stdout.contains("78 back-to-back fault retries, none of which slept"))
    #expect(r.stdout.contains("uffd_iou tid 66: blocked in D"))
  }

  @Test func noSpinExitsZero() throws {
    let r = try CLI.run(["analyze", fix])
    #expect(r.status == 0)
    #expect(r.stdout.contains("RESOLVED"))
  }

  @Test func jsonCarriesTheSchemaVersionAndTheVerdicts() throws {
    let r = try CLI.run(["analyze", "--json", vanilla])
    #expect(r.status == 1)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(json["schemaVersion"] as? Int == 2)
    #expect(json["command"] as? String == "analyze")
    #expect(json["verdict"] as? String == "SPINNING" && json["exitCode"] as? Int == 1)
    let runs = try #require(json["runs"] as? [[String: Any]])
    #expect(runs.count == 1 && runs[0]["verdict"] as? String == "SPINNING")
    let files = try #require(runs[0]["files"] as? [[String: Any]])
    let threads = try #require(files[0]["threads"] as? [[String: Any]])
    #expect(threads.first?["tid"] as? Int == 67)
  }

  @Test func readsStdin() throws {
    let r = try CLI.run(["analyze", "-"], stdin: FileManager.default.contents(atPath: vanilla))
    #expect(r.status == 1)
    #expect(r.stdout.hasPrefix("-: SPINNING") || r.stdout.contains("<stdin>"))
  }

  @Test func aRunFolderIsAnalysedFileByFile() throws {
    let r = try CLI.run(["analyze", CLI.fixture("shared-traces/vanilla-6.12.117/threadexit")])
    #expect(r.status == 1)
    #expect(r.stdout.contains("== \(vanilla)"))
  }

  @Test func theWorstOfSeveralPathsDecidesTheExitCode() throws {
    #expect(try CLI.run(["analyze", fix, vanilla]).status == 1)
  }

  @Test func thresholdsAreOptions() throws {
    let r = try CLI.run(["analyze", "--min-retries", "100", vanilla])
    #expect(r.status != 1)  // 78 retries in the window are not enough for 100
  }

  @Test func badInputExitsTwoWithFileAndLine() throws {
    let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID()).bin").path
    var bytes = [UInt8](
      FileManager.default.contents(atPath: CLI.fixture("shared-traces/fix-fail-fault/threadexit/trace.dat"))!)
    bytes.removeFirst(64)
    _ = FileManager.default.createFile(atPath: garbage, contents: Data(bytes))
    let r = try CLI.run(["analyze", garbage])
    #expect(r.status == 2)
    #expect(r.stderr.contains("\(garbage):"))
    #expect(r.stderr.contains("not a trace"))
  }

  @Test func aMissingFileExitsTwo() throws {
    let r = try CLI.run(["analyze", "/nonexistent/trace.txt"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("/nonexistent/trace.txt"))
  }
}

@Suite struct UsageTests {
  @Test func unknownOptionsAreUsageErrors() throws {
    let r = try CLI.run(["analyze", "--frobnicate", "x"])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("iou-analyze: Unknown option '--frobnicate'"))
    #expect(r.stderr.contains("Usage: iou-analyze analyze"))
  }

  @Test func missingArgumentsAreUsageErrors() throws {
    let r = try CLI.run(["compare", "only-one"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("Missing expected argument '<after>'"))
  }

  @Test func badOptionValuesAreUsageErrors() throws {
    let r = try CLI.run(["analyze", "--min-retries", "many", "x"])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("iou-analyze: The value 'many' is invalid for '--min-retries <n>'"))
  }

  @Test func helpAndVersion() throws {
    let h = try CLI.run(["analyze", "--help"])
    #expect(h.status == 0)
    #expect(h.stdout.contains("USAGE: iou-analyze analyze"))
    #expect(h.stdout.contains("--min-retries <n>"))
    #expect(h.stdout.contains("(default: 10)"))
    let top = try CLI.run(["--help"])
    #expect(top.stdout.contains("SUBCOMMANDS:"))
    let v = try CLI.run(["--version"])
    #expect(v.status == 0 && !v.stdout.isEmpty)
    #expect(try CLI.run(["frob"]).status == 2)
  }
}

@Suite struct ReportFormatOptionTests {
  let vanilla = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt")

  @Test func reportSelectsTheOutputFormat() throws {
    #expect(try CLI.run(["analyze", "--report", "markdown", vanilla]).stdout.hasPrefix("## iou-analyze:"))
    #expect(try CLI.run(["analyze", "--report", "junit", vanilla]).stdout.hasPrefix("<?xml"))
    #expect(try CLI.run(["analyze", "--report", "json", vanilla]).stdout.hasPrefix("{"))
    let bad = try CLI.run(["analyze", "--report", "pdf", vanilla])
    #expect(bad.status == 2)
    #expect(bad.stderr.hasPrefix("iou-analyze: The value 'pdf' is invalid for '--report <format[=file]>'"))
  }
}
