import Foundation
import Synchronization
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
  _ = fm.createFile(atPath: dir + "/current_tracer", contents: Data("nop\n".utf8))
  _ = fm.createFile(atPath: dir + "/trace_pipe", contents: Data())
  _ = fm.createFile(atPath: dir + "/tracing_on", contents: Data("1\n".utf8))
  _ = fm.createFile(atPath: dir + "/available_filter_functions", contents: Data(functions.joined(separator: "\n").utf8))
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
      _ = FileManager.default.createFile(atPath: d + "/comm", contents: Data((comm + "\n").utf8))
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

/// A tracefs imitation without instances/ (a kernel without instance support): the top-level files a
/// capture changes, with the contents a 6.12 kernel reads back for them.
func fakeTopLevelTracefs() -> String {
  let dir = fakeTracefs()
  let fm = FileManager.default
  try! fm.removeItem(atPath: dir + "/instances")
  let files = [
    "set_graph_function": "", "set_ftrace_pid": "no pid\n", "buffer_size_kb": "1408\n",
    "options/funcgraph-proc": "0\n", "options/funcgraph-abstime": "0\n",
    "events/sched/sched_switch/enable": "0\n", "events/sched/sched_wakeup/enable": "0\n",
    "events/sched/sched_process_exit/enable": "0\n", "tracing_on": "0\n",
  ]
  for (name, content) in files {
    let path = dir + "/" + name
    try! fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    _ = fm.createFile(atPath: path, contents: Data(content.utf8))
  }
  return dir
}

@Suite struct TopLevelFallbackTests {
  @Test func withoutInstancesEveryChangedTopLevelFileIsRestored() throws {
    try #require(geteuid() == 0, "needs root like the command itself")
    let fake = fakeTopLevelTracefs()
    let before = snapshot(fake)
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID())").path
    var o = CaptureOptions(outDir: out)
    o.tracefsRoot = fake
    o.duration = 1
    // The imitation's trace_pipe is an empty file: the capture ends at once with nothing traced.
    let run = try CaptureSession(options: o).run()
    #expect(run.files.allSatisfy { $0.threads.isEmpty })
    #expect(snapshot(fake) == before)
    let meta = try String(contentsOfFile: out + "/capture.json", encoding: .utf8)
    #expect(meta.contains("no instances; every changed file saved and restored"))
  }

  @Test func valuesReadBackAreTurnedIntoWhatRestoresThem() {
    #expect(TopLevelSetting.values(of: "#### all functions enabled ####\n").isEmpty)
    #expect(TopLevelSetting.values(of: "no pid\n").isEmpty)
    #expect(TopLevelSetting.values(of: "7 (expanded: 1408)\n") == ["1408"])
    #expect(TopLevelSetting.values(of: "handle_userfault\nschedule\n") == ["handle_userfault", "schedule"])
  }
}

/// Feeds a real capture into a FIFO standing in for trace_pipe, as the kernel would stream it.
final class PipeFeeder: @unchecked Sendable {
  private let fd: Int32
  private let bytes: [UInt8]
  private let stop = Mutex(false)
  private let done = DispatchSemaphore(value: 0)

  /// Opens `fifo` read-write (so the capture's reader never sees end of file) and starts writing.
  init(fifo: String, bytes: [UInt8]) {
    fd = open(fifo, O_RDWR | O_NONBLOCK)
    self.bytes = bytes
    Thread.detachNewThread { [self] in
      var offset = 0
      while offset < bytes.count, !stop.withLock({ $0 }) {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, min(4096, bytes.count - offset)) }
        // Paced like a live trace_pipe (4 KiB every 5 ms, the whole capture in ~0.55 s), so that the
        // verdict, due at about a fifth of the file, comes well before the end even on a loaded machine.
        if n > 0 { offset += n }
        usleep(n > 0 ? 5000 : 1000)
      }
      done.signal()
    }
  }

  func finish() {
    stop.withLock { $0 = true }
    done.wait()
    close(fd)
  }
}

@Suite struct LiveStreamTests {
  @Test func aStreamedRealTraceIsProvenSpinningAndEverythingIsRestored() throws {
    try #require(geteuid() == 0, "needs root like the command itself")
    let fake = fakeTopLevelTracefs()
    try FileManager.default.removeItem(atPath: fake + "/trace_pipe")
    try #require(mkfifo(fake + "/trace_pipe", 0o600) == 0)
    let before = snapshot(fake)
    let trace = try Data(contentsOf: fixtures.appendingPathComponent("vanilla-6.12.117/threadexit/fgraph_proc.txt"))
    let feeder = PipeFeeder(fifo: fake + "/trace_pipe", bytes: [UInt8](trace))
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID())").path
    var o = CaptureOptions(outDir: out)
    o.tracefsRoot = fake
    o.duration = 20
    o.untilVerdict = true
    let run = try CaptureSession(options: o).run()
    feeder.finish()
    #expect(run.verdict == .spinning)
    #expect(run.threads(in: .spinning).first?.thread.tid == 67)
    #expect(snapshot(fake) == before)
    // It stopped at the verdict, before the whole trace was streamed.
    let saved = try Data(contentsOf: URL(fileURLWithPath: out + "/fgraph_proc.txt"))
    #expect(saved.count < trace.count)
  }
}
