import Foundation
import Testing

/// `iou-analyze collapse` against the committed outputs of stackcollapse-perf.pl (FlameGraph 41fee1f)
/// on our real perf captures (fixtures/formats/perf-script/expected/README.md): byte for byte.
@Suite struct CollapseTests {
  static let inputs = [
    "vanilla-6.12.117-threadexit": CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/perf.txt"),
    "fix-fail-fault-threadexit": CLI.fixture("shared-traces/fix-fail-fault/threadexit/perf.txt"),
  ]
  static let cases: [(file: String, args: [String])] = [
    ("default", []), ("pid", ["--pid"]), ("tid", ["--tid"]), ("kernel", ["--kernel"]), ("jit", ["--jit"]),
    ("all", ["--all"]), ("addrs", ["--addrs"]),
    ("event-filter-cpu-clock-tid-kernel", ["--event-filter", "cpu-clock", "--tid", "--kernel"]),
  ]

  static func expected(_ capture: String, _ name: String) -> String {
    String(
      decoding: FileManager.default.contents(
        atPath: CLI.fixture("formats/perf-script/expected/\(capture)/\(name).folded"))!, as: UTF8.self)
  }

  @Test(arguments: ["vanilla-6.12.117-threadexit", "fix-fail-fault-threadexit"])
  func byteForByteWithStackcollapsePerf(_ capture: String) throws {
    for c in Self.cases {
      let r = try CLI.run(["collapse"] + c.args + [Self.inputs[capture]!])
      #expect(r.status == 0)
      #expect(
        r.stdout == Self.expected(capture, c.file),
        "collapse \(c.args.joined(separator: " ")) differs from \(c.file).folded")
    }
  }

  @Test func stdinGivesTheSameBytes() throws {
    let input = Self.inputs["vanilla-6.12.117-threadexit"]!
    let r = try CLI.run(["collapse", "--all", "-"], stdin: FileManager.default.contents(atPath: input))
    #expect(r.stdout == Self.expected("vanilla-6.12.117-threadexit", "all"))
  }

  @Test func theSpinningWorkerDominatesTheVanillaFlameGraph() throws {
    let out = Self.expected("vanilla-6.12.117-threadexit", "default")
    let worker = out.split(separator: "\n").filter {
      $0.hasPrefix("iou-wrk-92;ret_from_fork_asm;ret_from_fork;io_wq_worker;")
    }
    let weight = worker.compactMap { Int($0.split(separator: " ").last!) }.reduce(0, +)
    #expect(weight == 141 * 1_001_001)  // 141 samples: the last one (no blank line after it) is not counted
    #expect(worker.contains { $0.contains(";exc_page_fault;handle_mm_fault;hugetlb_fault;handle_userfault") })
  }

  @Test func anEventFilterThatMatchesNothingGivesNoLines() throws {
    let r = try CLI.run(["collapse", "--event-filter", "cycles", Self.inputs["fix-fail-fault-threadexit"]!])
    #expect(r.status == 0 && r.stdout.isEmpty)
  }

  @Test func functionGraphFoldsSelfTimeInMicroseconds() throws {
    let r = try CLI.run(["collapse", CLI.fixture("shared-traces/fix-fail-fault/threadexit/fgraph_proc.txt")])
    #expect(r.status == 0)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(!lines.isEmpty && lines == lines.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    // The worker's first handle_userfault() slept ~330 ms inside schedule(): the biggest stack.
    let top = try #require(lines.max { Int($0.split(separator: " ").last!)! < Int($1.split(separator: " ").last!)! })
    #expect(top.hasPrefix("iou-wrk-66;handle_userfault;") || top.hasPrefix("iou-wrk;handle_userfault;"))
    #expect(Int(top.split(separator: " ").last!)! > 300_000)
  }

  @Test func snapshotsCountOnePerStack() throws {
    let r = try CLI.run(["collapse", "--tid", CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/stacks.txt")])
    #expect(
      r.stdout.contains(
        "uffd_iou-?/92;entry_SYSCALL_64_after_hwframe;do_syscall_64;x64_sys_call;__x64_sys_exit;do_exit;io_uring_cancel_generic;io_uring_clean_tctx;io_wq_put_and_exit 3\n"
      ))
    let seed = try CLI.run(["collapse", CLI.fixture("seed/000_dd79d7cdb8de7c93.txt")])
    #expect(seed.stdout.contains("iou-wrk-44588;ret_from_fork_asm;ret_from_fork;io_wq_worker;"))
    #expect(seed.stdout.hasSuffix("io_wq_worker_sleeping 1\n"))
  }

  @Test func damagedInputWarnsWithLineNumbersAndStillFolds() throws {
    var lines = String(
      decoding: FileManager.default.contents(atPath: Self.inputs["vanilla-6.12.117-threadexit"]!)!, as: UTF8.self
    )
    .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[5] = "garbage that is no perf line"
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).txt").path
    _ = FileManager.default.createFile(atPath: p, contents: Data(lines.joined(separator: "\n").utf8))
    let r = try CLI.run(["collapse", p])
    #expect(r.status == 0)
    #expect(r.stderr.contains("\(p):6: warning: not a perf script line"))
    #expect(r.stdout.split(separator: "\n").count > 50)
  }

  @Test func missingFileIsAUsageError() throws {
    let r = try CLI.run(["collapse", "/nonexistent/perf.txt"])
    #expect(r.status == 2 && r.stderr.contains("/nonexistent/perf.txt"))
  }
}
