import Foundation
import Testing

/// `iou-analyze flamegraph` on the real captures: every input `collapse` reads, folded stacks on
/// stdin, and the differential graph.
@Suite struct FlameGraphCommandTests {
  static let vanilla = "shared-traces/vanilla-6.12.117/threadexit/"
  static let fix = "shared-traces/fix-fail-fault/threadexit/"

  /// The value of the root's attribute `name`.
  func rootAttribute(_ svg: String, _ name: String) -> String? {
    guard let start = svg.range(of: " \(name)=\"") else { return nil }
    return String(svg[start.upperBound...].prefix { $0 != "\"" })
  }

  /// Each capture and a process whose stacks it holds (the worker's own stack is empty in /proc
  /// and dmesg: it is running; the task blocked in D is its parent).
  static let captures = [
    "perf.txt": "iou-wrk-92", "fgraph_proc.txt": "iou-wrk-66", "stacks.txt": "uffd_iou", "dmesg_hung.txt": "uffd_iou",
    "sysrq.txt": "iou-wrk-92",
  ]

  @Test(arguments: captures.keys.sorted())
  func everyVanillaCaptureGivesAGraphOfItsTasks(_ file: String) throws {
    let r = try CLI.run(["flamegraph", CLI.fixture(Self.vanilla + file)])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("<svg ") && r.stdout.hasSuffix("</svg>\n"))
    #expect(r.stdout.contains("data-n=\"\(Self.captures[file]!)\" data-s="))
    #expect(Int(rootAttribute(r.stdout, "data-frames") ?? "") ?? 0 > 3)
  }

  @Test func traceDatIsDrawnInMicrosecondsOfSelfTime() throws {
    let r = try CLI.run(["flamegraph", CLI.fixture(Self.fix + "trace.dat")])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(rootAttribute(r.stdout, "data-unit") == "us")
    #expect(r.stdout.contains("data-n=\"handle_userfault\""))
    // The same weights as the folded stacks collapse prints for it.
    let folded = try CLI.run(["collapse", CLI.fixture(Self.fix + "trace.dat")])
    let total = folded.stdout.split(separator: "\n").map { Int($0.split(separator: " ").last!)! }.reduce(0, +)
    #expect(rootAttribute(r.stdout, "data-total") == String(total))
  }

  @Test func foldedStacksOnStdinDrawTheSameGraph() throws {
    let perf = CLI.fixture(Self.vanilla + "perf.txt")
    let folded = try CLI.run(["collapse", perf])
    let fromStdin = try CLI.run(["flamegraph", "-"], stdin: Data(folded.stdout.utf8))
    let direct = try CLI.run(["flamegraph", perf])
    #expect(fromStdin.status == 0)
    #expect(rootAttribute(fromStdin.stdout, "data-total") == rootAttribute(direct.stdout, "data-total"))
    #expect(rootAttribute(fromStdin.stdout, "data-frames") == rootAttribute(direct.stdout, "data-frames"))
  }

  @Test func beforeGivesADifferentialGraph() throws {
    let r = try CLI.run([
      "flamegraph", "--before", CLI.fixture(Self.fix + "perf.txt"), CLI.fixture(Self.vanilla + "perf.txt"),
    ])
    #expect(r.status == 0)
    #expect(rootAttribute(r.stdout, "data-differential") == "true")
    #expect(r.stdout.contains("Differential Flame Graph"))
  }

  @Test func textThatIsNoTraceIsAnInputError() throws {
    let r = try CLI.run(["flamegraph", "-"], stdin: Data("hello\nworld\n".utf8))
    #expect(r.status == 2)
    #expect(r.stderr.contains("<stdin>:1: not a trace: none of the first 2 lines looks like a format collapse reads"))
  }
}
