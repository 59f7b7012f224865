import Foundation
import Testing

/// The folders `capture --method hist|auto|function-graph` saved in the lab guest with ring-buffer
/// overruns forced (fixtures/lab/live-capture/KERNEL/overrun, see its README) read back on the host
/// to the verdicts the guest printed.
@Suite struct OverrunCaptureFolderTests {
  static let kernels = ["vanilla", "seed-series", "uffd-retry-sleep", "iowq-fail-fault"]
  static let counted = ["hist-armed", "hist-1", "hist-2", "hist-3", "hist-overrun"]

  func folder(_ kernel: String) -> String { CLI.fixture("lab/live-capture/\(kernel)/overrun") }

  func guestLog(_ kernel: String) throws -> String {
    try String(contentsOfFile: folder(kernel) + "/script-output.txt", encoding: .utf8)
  }

  /// `CAPTURE NAME exit N` of the guest's log, per capture.
  func guestExits(_ kernel: String) throws -> [String: Int32] {
    var out: [String: Int32] = [:]
    for line in try guestLog(kernel).split(separator: "\n") where line.hasPrefix("CAPTURE ") {
      let f = line.split(separator: " ")
      if f.count >= 4, f[2] == "exit", let n = Int32(f[3]) { out[String(f[1])] = n }
    }
    return out
  }

  @Test(arguments: kernels)
  func everySavedFolderGivesTheExitStatusOfItsLiveCapture(kernel: String) throws {
    let exits = try guestExits(kernel)
    #expect(exits.count >= Self.counted.count + 2)
    for (name, status) in exits {
      let r = try CLI.run(["analyze", folder(kernel) + "/" + name])
      #expect(r.status == status, "\(kernel)/\(name)")
    }
  }

  @Test(arguments: kernels)
  func countingSpinsOnVanillaOnlyEvenWithOverruns(kernel: String) throws {
    for name in Self.counted {
      let r = try CLI.run(["analyze", folder(kernel) + "/" + name + "/hist.txt"])
      #expect((r.status == 1) == (kernel == "vanilla"), "\(kernel)/\(name): \(r.stdout.prefix(200))")
    }
  }

  @Test func theOverrunTraceLosesTheVerdictAndTheCountsKeepIt() throws {
    let fg = try CLI.run(["analyze", folder("vanilla") + "/fgraph-overrun/fgraph_proc.txt.gz"])
    #expect(fg.stdout.contains("events were lost inside this thread's fault window"))
    // --method auto stopped the trace at its first overrun and counted the rest.
    let auto = folder("vanilla") + "/auto-overrun"
    #expect(FileManager.default.fileExists(atPath: auto + "/hist.txt"))
    let r = try CLI.run(["analyze", auto + "/hist.txt"])
    #expect(r.status == 1)
    #expect(r.stdout.contains("in none of which it switched out in S/D"))
  }

  @Test(arguments: kernels)
  func tracefsWasLeftAsItWasFoundAfterEveryCapture(kernel: String) throws {
    let log = try guestLog(kernel).split(separator: "\n")
    let restored = log.filter { $0.hasPrefix("RESTORED ") }
    #expect(restored.count >= Self.counted.count + 3)
    #expect(restored.allSatisfy { $0.hasSuffix(" yes") })
  }

  @Test func badMethodAndReadIntervalAreUsageErrors() throws {
    let m = try CLI.run(["capture", "--method", "ebpf"])
    #expect(m.status == 2)
    #expect(m.stderr.contains("--method"))
    let i = try CLI.run(["capture", "--method", "hist", "--read-interval", "0"])
    #expect(i.status == 2)
    #expect(i.stderr.contains("--read-interval must be seconds from 0.05 to 3600"))
  }
}
