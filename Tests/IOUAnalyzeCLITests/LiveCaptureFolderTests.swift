import Foundation
import Testing

/// The folders `iou-analyze capture` saved inside the lab guest (fixtures/lab/live-capture, see its
/// README) read back on the host to the verdict the capture printed in the guest.
@Suite struct LiveCaptureFolderTests {
  func folder(_ kernel: String) -> String { CLI.fixture("lab/live-capture/\(kernel)") }

  func guestLog(_ kernel: String) throws -> String {
    try String(contentsOfFile: folder(kernel) + "/script-output.txt", encoding: .utf8)
  }

  @Test(arguments: [
    ("vanilla", Int32(1), "SPINNING"), ("iowq-fail-fault", 0, "RESOLVED"), ("uffd-retry-sleep", 0, "SLEEPING"),
  ])
  func theSavedFolderGivesTheVerdictPrintedInTheGuest(kernel: String, exit: Int32, verdict: String) throws {
    let r = try CLI.run(["analyze", folder(kernel) + "/capture"])
    #expect(r.status == exit)
    let inGuest = try String(contentsOfFile: folder(kernel) + "/capture-report.txt", encoding: .utf8)
    #expect(inGuest.hasPrefix("/out/capture: \(verdict)"))
    #expect(r.stdout.contains(": \(verdict)\n"))
    #expect(try guestLog(kernel).contains("CAPTURE exit \(exit)"))
    #expect(try guestLog(kernel).contains("ANALYZE exit \(exit)"))
  }

  @Test(arguments: ["vanilla", "iowq-fail-fault", "uffd-retry-sleep"])
  func tracefsWasLeftAsItWasFoundAfterEveryRun(kernel: String) throws {
    let log = try guestLog(kernel)
    for step in ["capture", "sigint", "sigterm", "sighup", "watch", "watch-sigint", "untraceable"] {
      #expect(log.contains("RESTORED \(step) yes"))
    }
    #expect(!log.split(separator: "\n").contains { $0.hasPrefix("RESTORED") && $0.hasSuffix(" NO") })
    let before = try String(contentsOfFile: folder(kernel) + "/tracefs-before.txt", encoding: .utf8)
    let after = try String(contentsOfFile: folder(kernel) + "/tracefs-after-capture.txt", encoding: .utf8)
    #expect(before == after)
  }

  @Test func theSleepingFixWakesTenTimesASecondInTheLiveTrace() throws {
    let r = try CLI.run(["analyze", folder("uffd-retry-sleep") + "/capture/fgraph_proc.txt.gz"])
    #expect(r.stdout.contains("wake-ups/s"))
    let watch = try String(contentsOfFile: folder("uffd-retry-sleep") + "/watch.txt", encoding: .utf8)
    #expect(watch.contains("SLEEPING"))
  }

  @Test func watchShowedTheSpinningWorkerLive() throws {
    let watch = try String(contentsOfFile: folder("vanilla") + "/watch.txt", encoding: .utf8)
    #expect(watch.contains("TID     COMM"))
    #expect(watch.contains("iou-wrk-"))
    #expect(watch.contains("SPINNING"))
  }
}
