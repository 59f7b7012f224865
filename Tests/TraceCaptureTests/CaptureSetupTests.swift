import Foundation
import Testing

@testable import TraceCapture

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("fixtures/shared-traces")

/// A temporary directory that imitates a tracefs root (never the real one: tests do not touch the
/// host's tracing).
func fakeTracefs(functions: [String] = ["handle_userfault", "schedule"]) -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fake-tracefs-\(UUID())").path
  let fm = FileManager.default
  try! fm.createDirectory(atPath: dir + "/instances", withIntermediateDirectories: true)
  fm.createFile(atPath: dir + "/current_tracer", contents: Data("nop\n".utf8))
  fm.createFile(atPath: dir + "/trace_pipe", contents: Data())
  fm.createFile(atPath: dir + "/tracing_on", contents: Data("1\n".utf8))
  fm.createFile(atPath: dir + "/available_filter_functions", contents: Data(functions.joined(separator: "\n").utf8))
  return dir
}

/// Every path under `dir` with its content, to prove nothing changed.
func snapshot(_ dir: String) -> [String: Data] {
  var out: [String: Data] = [:]
  let e = FileManager.default.enumerator(atPath: dir)!
  while let p = e.nextObject() as? String {
    out[p] = FileManager.default.contents(atPath: dir + "/" + p) ?? Data("<dir>".utf8)
  }
  return out
}

@Suite struct CaptureSetupTests {
  @Test func statFieldsAreReadAfterTheLastParenthesis() throws {
    let stacks = try String(
      contentsOf: fixtures.appendingPathComponent("vanilla-6.12.117/threadexit/stacks.txt"), encoding: .utf8)
    let line = try #require(stacks.split(separator: "\n").first { $0.hasPrefix("stat: 93 (iou-wrk-92)") })
    let (state, ticks) = try #require(ProcSampler.parseStat(String(line.dropFirst(6))))
    #expect(state == "R")
    #expect(ticks == 396)  // utime 0 + stime 396
    // A comm holding spaces and parentheses (allowed by the kernel), built from the same line.
    let odd = line.dropFirst(6).replacingOccurrences(of: "(iou-wrk-92)", with: "(a) b (c)")
    #expect(ProcSampler.parseStat(odd)?.1 == 396)
  }

  @Test func threadsAreSelectedByCommGlobOrPid() throws {
    // A /proc imitation holding the real victim's threads from stacks.txt (pid 91: 91, 92, 93).
    let proc = FileManager.default.temporaryDirectory.appendingPathComponent("fake-proc-\(UUID())").path
    for (tid, comm) in [(91, "uffd_iou"), (92, "uffd_iou"), (93, "iou-wrk-92")] {
      let d = "\(proc)/91/task/\(tid)"
      try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
      FileManager.default.createFile(atPath: d + "/comm", contents: Data((comm + "\n").utf8))
    }
    let workers = ThreadSelector.select(commPattern: "iou-wrk-*", pids: [], procRoot: proc)
    #expect(workers.map(\.tid) == [93])
    #expect(ThreadSelector.owners(of: workers) == [92])
    #expect(ThreadSelector.select(commPattern: nil, pids: [91], procRoot: proc).map(\.tid) == [91, 92, 93])
  }

  @Test func aDirectoryThatIsNotTracefsIsRefusedWithTheMountCommand() {
    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID())").path
    try? FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    #expect {
      try TracefsMount.locate(override: empty)
    } throws: { e in
      (e as? CaptureError)?.message.contains("mount -t tracefs nodev /sys/kernel/tracing") == true
    }
  }

  @Test func anUntraceableFunctionIsRefusedBeforeAnythingIsTouched() throws {
    try #require(geteuid() == 0, "needs root like the command itself")
    let fake = fakeTracefs(functions: ["schedule"])
    let before = snapshot(fake)
    var o = CaptureOptions(outDir: FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID())").path)
    o.tracefsRoot = fake
    #expect {
      _ = try CaptureSession(options: o).run()
    } throws: { e in
      (e as? CaptureError)?.message.contains("handle_userfault cannot be traced") == true
    }
    #expect(snapshot(fake) == before)
  }

  @Test func aFailedSetupLeavesTheTracingDirectoryAsItWas() throws {
    try #require(geteuid() == 0, "needs root like the command itself")
    let fake = fakeTracefs()
    let before = snapshot(fake)
    var o = CaptureOptions(outDir: FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID())").path)
    o.tracefsRoot = fake
    o.duration = 1
    #expect(throws: CaptureError.self) { _ = try CaptureSession(options: o).run() }
    #expect(snapshot(fake) == before)
    #expect(!FileManager.default.fileExists(atPath: "\(fake)/instances/iou-analyze-\(getpid())"))
  }
}
