import Foundation
import Testing

@testable import TraceCapture

/// `--method hist` against tracefs imitations (temporary directories: the host's tracing is never
/// touched; the live path is proven in the lab guest, hist-capture-test.sh).
@Suite struct HistCaptureSetupTests {
  func options(_ fake: String) -> CaptureOptions {
    var o = CaptureOptions(outDir: FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID())").path)
    o.tracefsRoot = fake
    o.duration = 1
    return o
  }

  @Test func aKernelWithoutKprobeEventsOrHistTriggersIsRefusedBeforeAnythingIsTouched() throws {
    try #require(geteuid() == 0, "needs root like the command itself")
    let fake = fakeTracefs()
    let before = snapshot(fake)
    #expect(!HistCaptureSession.isSupported(root: fake))
    #expect {
      _ = try HistCaptureSession(options: options(fake)).run()
    } throws: { e in
      (e as? CaptureError)?.message.contains("CONFIG_KPROBE_EVENTS and CONFIG_HIST_TRIGGERS") == true
    }
    #expect(snapshot(fake) == before)
  }

  @Test func aFailedSetupRemovesTheKprobeItCreatedAndTheInstance() throws {
    try #require(geteuid() == 0, "needs root like the command itself")
    // An imitation that looks capable (dynamic_events, a sched_switch hist file) but has no event
    // formats: the setup fails after the kprobe and the instance were made.
    let fake = fakeTracefs()
    let fm = FileManager.default
    _ = fm.createFile(atPath: fake + "/dynamic_events", contents: Data())
    try fm.createDirectory(atPath: fake + "/events/sched/sched_switch", withIntermediateDirectories: true)
    _ = fm.createFile(atPath: fake + "/events/sched/sched_switch/hist", contents: Data())
    #expect(HistCaptureSession.isSupported(root: fake))
    #expect(throws: CaptureError.self) { _ = try HistCaptureSession(options: options(fake)).run() }
    // In an imitation the last write stays in the file (libtracefs truncates it each time): the
    // removal of the probe it defined.
    let event = "\(HistCaptureSession.kprobeSystem)/handle_userfault_\(getpid())"
    let written = try String(contentsOfFile: fake + "/dynamic_events", encoding: .utf8)
    #expect(written.hasPrefix("-:\(event) handle_userfault"))
    #expect(!fm.fileExists(atPath: "\(fake)/instances/iou-analyze-\(getpid())"))
  }

  @Test func eventNamesKeepOnlyWhatTracefsAccepts() {
    #expect(KprobeEvent.eventName("handle_userfault.isra.0_12") == "handle_userfault_isra_0_12")
  }
}
