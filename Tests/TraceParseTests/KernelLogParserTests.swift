import Foundation
import Testing

@testable import TraceParse

/// Kernel log reports from the real captures (hung-task dmesg, sysrq l + w), and variants built in
/// code from them: without `[ts]` prefixes (`dmesg -t`), with syslog prefixes, a soft lockup and an
/// RCU stall in the formats of kernel/watchdog.c and kernel/rcu/tree_stall.h of Linux 6.12.
@Suite struct KernelLogParserTests {
  static let hung = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/dmesg_hung.txt")
  static let sysrq = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/sysrq.txt")
  static let fixSysrq = Fixtures.path("shared-traces/fix-fail-fault/threadexit/sysrq.txt")

  struct Shot {
    var source: SnapshotSource, tid: Int32, tgid: Int32, cpu: Int32, comm: String, state: TaskState?, ts: Int64?,
      line: Int
    var frames: [String], unreliable: Int
  }

  static func shots(_ path: String) throws -> ([Shot], TraceReadResult) {
    let (symbols, records, result) = try readAll(path)
    let s: [Shot] = records.compactMap {
      guard case .stackSnapshot(let c, let source, let state, let st) = $0 else { return nil }
      return Shot(
        source: source, tid: c.tid, tgid: c.tgid, cpu: c.cpu, comm: symbols.name(c.comm), state: state, ts: c.timestamp,
        line: c.line,
        frames: st.frames.map { symbols.name($0) }, unreliable: st.unreliableCount)
    }
    return (s, result)
  }

  static let exitStack = [
    "__schedule", "schedule", "schedule_timeout", "__wait_for_common", "io_wq_put_and_exit", "io_uring_clean_tctx",
    "io_uring_cancel_generic", "do_exit", "__x64_sys_exit", "x64_sys_call", "do_syscall_64",
    "entry_SYSCALL_64_after_hwframe",
  ]

  @Test func hungTaskReport() throws {
    let (s, r) = try Self.shots(Self.hung)
    #expect(r.format == .kernelLog && r.unrecognisedLines == 0)
    #expect(s.count == 1)
    let h = try #require(s.first)
    #expect(h.source == .hungTask && h.tid == 92 && h.tgid == 91 && h.comm == "uffd_iou" && h.state == .uninterruptible)
    #expect(h.line == 1 && h.ts == 29_181_810_000)
    #expect(h.frames == Self.exitStack)
    #expect(h.unreliable == 3)  // `? usleep_range_state`, `? sugov_irq_work`, `? recalc_sigpending` skipped
  }

  @Test func sysrqBacktracesFollowRIPFramesAndTheBlockedTaskDump() throws {
    let (s, _) = try Self.shots(Self.sysrq)
    #expect(s.map(\.source) == [.runningBacktrace, .runningBacktrace, .taskDump])
    #expect(s[0].tid == 1 && s[0].comm == "init" && s[0].cpu == 1 && s[0].frames.first == "dump_stack_lvl")
    let w = s[1]
    #expect(w.tid == 93 && w.comm == "iou-wrk-92" && w.cpu == 0 && w.state == .running)
    // RIP before the trace = innermost frame; the exception frame's RIP sits after asm_exc_page_fault.
    #expect(
      w.frames == [
        "lock_mm_and_find_vma", "exc_page_fault", "asm_exc_page_fault", "fault_in_readable",
        "fault_in_iov_iter_readable",
        "iomap_file_buffered_write", "blkdev_write_iter", "io_write", "io_issue_sqe", "io_wq_submit_work",
        "io_worker_handle_work", "io_wq_worker", "ret_from_fork", "ret_from_fork_asm",
      ])
    #expect(w.unreliable == 4)
    #expect(s[2].tid == 92 && s[2].state == .uninterruptible && s[2].frames == Self.exitStack)
  }

  @Test func idleAndShellOnlyAfterTheFix() throws {
    let (s, _) = try Self.shots(Self.fixSysrq)
    #expect(s.map(\.comm) == ["init", "swapper/0"])
    #expect(s[1].frames.first == "pv_native_safe_halt")
  }

  @Test func withoutTimestampsAndWithSyslogPrefixes() throws {
    let lines = Fixtures.lines(Self.hung)
    let bare = lines.map { l -> String in
      guard let close = l.firstIndex(of: "]") else { return l }
      let from = l.index(close, offsetBy: 2, limitedBy: l.endIndex) ?? l.endIndex
      return String(l[from...])
    }
    let (a, ra) = try Self.shots(Fixtures.temporary(Array(bare.joined(separator: "\n").utf8)))
    #expect(ra.format == .kernelLog)
    #expect(a.count == 1 && a[0].frames == Self.exitStack && a[0].ts == nil && a[0].tid == 92)
    let syslog = lines.filter { !$0.isEmpty }.map { "Nov 25 17:00:01 guest kernel: " + $0 }
    let (b, _) = try Self.shots(Fixtures.temporary(Array(syslog.joined(separator: "\n").utf8)))
    #expect(b.count == 1 && b[0].frames == Self.exitStack && b[0].ts == 29_181_810_000)
  }

  @Test func softLockupAndRCUStall() throws {
    // The running worker's real frames (from sysrq.txt) under a soft-lockup and an RCU-stall header.
    let frames = Fixtures.lines(Self.sysrq).filter { $0.contains("]  ") && $0.contains("+0x") }.dropFirst(13).prefix(16)
    let lockup =
      [
        "[  123.000001] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [iou-wrk-92:93]",
        "[  123.000002] Modules linked in:",
        "[  123.000003] CPU: 0 UID: 0 PID: 93 Comm: iou-wrk-92 Not tainted 6.12.117 #2",
        "[  123.000004] RIP: 0010:lock_mm_and_find_vma+0x67/0x198",
        "[  123.000005] Call Trace:", "[  123.000006]  <TASK>",
      ] + frames + [
        "[  123.000007]  </TASK>",
        "[  150.000000] rcu: INFO: rcu_preempt self-detected stall on CPU",
        "[  150.000001] CPU: 0 UID: 0 PID: 93 Comm: iou-wrk-92 Tainted: G             L     6.12.117 #2",
        "[  150.000002] Call Trace:", "[  150.000003]  <TASK>",
      ] + frames + ["[  150.000004]  </TASK>"]
    let (s, _) = try Self.shots(Fixtures.temporary(Array(lockup.joined(separator: "\n").utf8)))
    #expect(
      s.count == 2
        && s.allSatisfy { $0.source == .lockup && $0.tid == 93 && $0.comm == "iou-wrk-92" && $0.state == .running })
    #expect(s[0].frames.first == "lock_mm_and_find_vma" && s[0].cpu == 0)
    #expect(s[1].frames.contains("fault_in_iov_iter_readable"))
  }

  @Test func aReportCutInTheMiddleStillYieldsItsFrames() throws {
    let lines = Array(Fixtures.lines(Self.hung).prefix(12))  // ends inside the call trace, no </TASK>
    let (s, r) = try Self.shots(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    #expect(s.count == 1 && s[0].frames.first == "__schedule" && s[0].frames.last == "io_wq_put_and_exit")
    #expect(r.diagnostics.contains { $0.kind == .truncated && $0.line == 12 })
  }
}
