import Foundation
import Testing

/// perf script without a time column and with unindented frame lines, re-printed from the real
/// vanilla capture by ``PerfScriptVariant`` (perf's own printf formats; see its doc comment):
/// `collapse` must give the bytes stackcollapse-perf.pl gives for the same text
/// (fixtures/formats/perf-script/expected/variants/README.md), and `analyze` must read it as perf.
@Suite struct PerfScriptVariantTests {
  static let vanilla = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/perf.txt")

  static func write(_ text: String) -> String {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-perf-\(UUID().uuidString).txt").path
    precondition(FileManager.default.createFile(atPath: p, contents: Data(text.utf8)))
    return p
  }

  static func expected(_ relative: String) -> String {
    String(
      decoding: FileManager.default.contents(atPath: CLI.fixture("formats/perf-script/expected/\(relative)"))!,
      as: UTF8.self)
  }

  static let noTime = PerfScriptVariant(time: false)

  @Test func theVariantKeepsEverySampleAndFrame() {
    let original = String(decoding: FileManager.default.contents(atPath: Self.vanilla)!, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    let lines = Self.noTime.reprint(Self.vanilla).split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == original.count)
    #expect(lines[1] == "iou-wrk-92      93 [000]    1001001 cpu-clock: ")
    #expect(lines[2] == original[2])
  }

  @Test(arguments: [("default", [String]()), ("tid", ["--tid"]), ("all", ["--all"])])
  func noTimeColumnFoldsAsStackcollapsePerf(_ name: String, _ args: [String]) throws {
    let input = Self.write(Self.noTime.reprint(Self.vanilla))
    let r = try CLI.run(["collapse"] + args + [input])
    #expect(r.status == 0)
    #expect(r.stdout == Self.expected("variants/no-time-\(name).folded"))
  }

  @Test func noTimePeriodOrCPUFoldsAsStackcollapsePerf() throws {
    // `-F comm,tid,event,ip,sym,dso`: `iou-wrk-92      93 cpu-clock: `.
    let text = PerfScriptVariant(time: false, cpu: false, period: false).reprint(Self.vanilla)
    #expect(text.contains("\niou-wrk-92      93 cpu-clock: \n"))
    let r = try CLI.run(["collapse", Self.write(text)])
    #expect(r.status == 0 && r.stdout == Self.expected("variants/no-time-default.folded"))
  }

  @Test func unindentedFramesFoldAsStackcollapsePerf() throws {
    let input = Self.write(PerfScriptVariant(indent: false).reprint(Self.vanilla))
    for (name, args) in [("default", [String]()), ("tid", ["--tid"]), ("all", ["--all"])] {
      let r = try CLI.run(["collapse"] + args + [input])
      #expect(r.stdout == Self.expected("vanilla-6.12.117-threadexit/\(name).folded"), "collapse \(args)")
    }
    let both = Self.write(PerfScriptVariant(time: false, indent: false).reprint(Self.vanilla))
    #expect(try CLI.run(["collapse", both]).stdout == Self.expected("variants/no-time-default.folded"))
  }

  @Test func unindentedFramesGiveTheSameVerdictAsTheCapture() throws {
    let input = Self.write(PerfScriptVariant(indent: false).reprint(Self.vanilla))
    let r = try CLI.run(["analyze", input])
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("iou-wrk-92 (tid 93) SPINNING"))
    #expect(!r.stderr.contains("warning"))
  }

  @Test func untimedHeadersAreReadAsPerfWithTheirTidAndComm() throws {
    let input = Self.write(PerfScriptVariant(time: false, indent: false).reprint(Self.vanilla))
    let text = try CLI.run(["analyze", input])
    #expect(text.stdout.contains("(perf-script, 3995 lines"), "\(text.stdout)")
    #expect(text.stdout.contains("iou-wrk-92 tid 93 "), "\(text.stdout)")
    #expect(!text.stderr.contains("warning"), "\(text.stderr)")
  }
}
