import Foundation
import Testing

/// `analyze` on perf script, /proc stack, dmesg and seed input, through the built binary.
@Suite struct SampledAnalyzeTests {
  static func vanilla(_ name: String) -> String { CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/\(name)") }
  static func fix(_ name: String) -> String { CLI.fixture("shared-traces/fix-fail-fault/threadexit/\(name)") }

  @Test(arguments: ["perf.txt", "stacks.txt", "sysrq.txt"])
  func vanillaSampledFilesSpin(_ name: String) throws {
    let r = try CLI.run(["analyze", Self.vanilla(name)])
    #expect(r.status == 1)
    #expect(r.stdout.contains("iou-wrk-92 tid 93 (worker of task 92): SPINNING"))
  }

  @Test func exitingTaskIsShownBlockedInD() throws {
    for name in ["stacks.txt", "sysrq.txt"] {
      let r = try CLI.run(["analyze", Self.vanilla(name)])
      #expect(r.stdout.contains("uffd_iou tid 92: blocked in D waiting for its io workers to exit (workers: 93)"))
    }
  }

  @Test func hungTaskLogAloneExitsThree() throws {
    let r = try CLI.run(["analyze", Self.vanilla("dmesg_hung.txt")])
    #expect(r.status == 3)
    #expect(r.stdout.contains("no worker is in the capture"))
  }

  @Test(arguments: ["perf.txt", "stacks.txt", "sysrq.txt"])
  func fixSampledFilesDoNotSpin(_ name: String) throws {
    #expect(try CLI.run(["analyze", Self.fix(name)]).status == 0)
  }

  @Test func seed() throws {
    let r = try CLI.run(["analyze", CLI.fixture("seed/000_dd79d7cdb8de7c93.txt")])
    #expect(r.status == 1)
    #expect(r.stdout.contains("iou-wrk-44588"))
    #expect(r.stdout.contains(": SPINNING"))
    #expect(r.stdout.contains("blocked in D waiting for its io workers to exit"))
    #expect(r.stdout.contains("io_wq_put_and_exit"))
    #expect(r.stdout.contains("one sampled stack pasted from perf report plus the CPU use stated in the text"))
  }

  @Test func foldersAndCompare() throws {
    let v = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit")
    let f = CLI.fixture("shared-traces/fix-fail-fault/threadexit")
    #expect(try CLI.run(["analyze", v]).status == 1)
    let c = try CLI.run(["compare", v, f])
    #expect(c.status == 0 && c.stdout.hasPrefix("compare: CONFIRMED"))
    let n = try CLI.run(["compare", v, v + "/stacks.txt"])
    #expect(n.status == 1 && n.stdout.hasPrefix("compare: NOT CONFIRMED"))
  }

  @Test func truncatedSampledFilesWarnWithLineNumbers() throws {
    for name in ["perf.txt", "stacks.txt", "sysrq.txt"] {
      var bytes = [UInt8](FileManager.default.contents(atPath: Self.vanilla(name))!)
      bytes.removeLast(25)
      let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString)-\(name)").path
      _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
      let r = try CLI.run(["analyze", p])
      #expect(r.status != 2, "\(name) cut at the end must still be analysed")
      #expect(r.stderr.contains("\(p):") && r.stderr.contains("warning: last line has no newline"))
    }
  }

  @Test func binaryGarbageIsExitTwoWithFileAndLine() throws {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).txt").path
    var bytes = [UInt8](repeating: 0, count: 4096)
    for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
    _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
    let r = try CLI.run(["analyze", "--format", "perf-script", p])
    #expect(r.status == 2 && r.stderr.contains(p))
  }
}
