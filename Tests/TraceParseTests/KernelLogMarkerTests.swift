import Testing

@testable import TraceParse

/// Each marker that makes the sniffer take a line without a timestamp for a kernel log, alone. The lines
/// are the first lines of the real reports in fixtures/shared-traces (timestamps dropped) and, for
/// `task:`, the line kernel/sched/core.c's sched_show_task() prints (its printf format).
@Suite struct KernelLogMarkerTests {
  static func isKernelLog(_ s: String) -> Bool {
    Array(s.utf8).withUnsafeBufferPointer {
      FormatSniffer.looksLikeKernelLog(ByteSpan(base: $0.baseAddress, count: $0.count).trimmed())
    }
  }

  @Test(arguments: [
    "INFO: task uffd_iou:92 blocked for more than 4 seconds.",
    "Call Trace:",
    "<TASK>",
    "task:uffd_iou        state:D stack:0     pid:92    tgid:91    ppid:1      flags:0x00004006",
    "NMI backtrace for cpu 0",
    "sysrq: Show backtrace of all active CPUs",
    "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [iou-wrk-92:93]",
  ])
  func aMarkerAloneMakesAKernelLogLine(_ line: String) {
    #expect(Self.isKernelLog(line))
  }

  @Test func proseIsNotAKernelLogLine() {
    #expect(!Self.isKernelLog("the task was blocked in the kernel"))
  }

  @Test func aPerfHeaderNeedsATimestampBeforeItsColon() {
    func header(_ s: String) -> Bool {
      Array(s.utf8).withUnsafeBufferPointer {
        FormatSniffer.looksLikePerfHeader(ByteSpan(base: $0.baseAddress, count: $0.count).trimmed())
      }
    }
    // perf script -F comm,tid,time ends the header at the time's colon.
    #expect(header("iou-wrk-92    93 22.126957:"))
    #expect(!header("iou-wrk-92    93 running"))
    #expect(!header("iou-wrk-92    93 cpu-clock:"))
  }
}
