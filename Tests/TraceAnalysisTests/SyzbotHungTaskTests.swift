import Foundation
import Testing
import TraceParse

@testable import TraceAnalysis

/// A hung-task report as syzbot mails it (``SyzbotHungTaskReport`` names every edit of the real
/// report it is built from): read as the same report, with its inlined frames, and the workers
/// lockdep names.
@Suite struct SyzbotHungTaskTests {
  final class Collector: TraceRecordSink {
    var records: [TraceRecord] = []
    func receive(_ record: TraceRecord) { records.append(record) }
  }

  static func read(_ lines: [String]) throws -> (SymbolTable, [TraceRecord], TraceReadResult) {
    let symbols = SymbolTable()
    var sink = Collector()
    let r = try TraceFileReader(symbols: symbols).read(path: Fixtures.temporary(lines), into: &sink)
    return (symbols, sink.records, r)
  }

  @Test func theReportLooksAsSyzbotMailsIt() {
    let text = SyzbotHungTaskReport.lines()
    #expect(text.contains(" io_wq_exit_workers io_uring/io-wq.c:1362 [inline]"))
    #expect(text.contains(" io_wq_put_and_exit+0x4c/0x108 io_uring/io-wq.c:1390"))
    #expect(text.contains("task:uffd_iou        state:D stack:0     pid:92    tgid:91    ppid:1      flags:0x00000002"))
    #expect(text.contains("1 lock held by iou-wrk-92/93:"))
    #expect(!text.contains { $0.hasPrefix("[") })
  }

  @Test func theBlockedTaskAndItsWholeStackAreRead() throws {
    let (symbols, records, r) = try Self.read(SyzbotHungTaskReport.lines())
    #expect(r.format == .kernelLog)
    let shots = records.compactMap { rec -> (RecordContext, SnapshotSource, TaskState?, StackFrames)? in
      guard case .stackSnapshot(let c, let s, let st, let f) = rec else { return nil }
      return (c, s, st, f)
    }
    #expect(shots.count == 1)
    let (c, source, state, stack) = try #require(shots.first)
    #expect(c.tid == 92 && c.tgid == 91 && symbols.name(c.comm) == "uffd_iou" && c.timestamp == nil)
    #expect(source == .hungTask && state == .uninterruptible)
    #expect(
      stack.frames.map { symbols.name($0) } == [
        "__schedule", "schedule", "schedule_timeout", "do_wait_for_common", "__wait_for_common", "wait_for_common",
        "wait_for_completion", "io_wq_exit_workers", "io_wq_put_and_exit", "io_uring_clean_tctx",
        "io_uring_cancel_generic", "do_exit", "__x64_sys_exit", "x64_sys_call", "do_syscall_x64", "do_syscall_64",
        "entry_SYSCALL_64_after_hwframe",
      ])
    #expect(stack.unreliableCount == 3)
  }

  @Test func lockdepNamesTheWorkerThatHoldsALock() throws {
    let (symbols, records, _) = try Self.read(SyzbotHungTaskReport.lines())
    let holders = records.compactMap { rec -> (Int32, String)? in
      guard case .event(let c, let name) = rec, symbols.name(name) == KernelLogParser.heldLocksEvent else { return nil }
      return (c.tid, symbols.name(c.comm))
    }
    #expect(holders.count == 1 && holders.first?.0 == 93 && holders.first?.1 == "iou-wrk-92")
  }

  @Test func theTimestampedReportGivesTheSameStackWithoutTheInlinedFrames() throws {
    // The same report as dmesg printed it: the symbolizer's frames are the only difference.
    let (symbols, records, _) = try Self.read(Fixtures.lines(SyzbotHungTaskReport.dmesg))
    guard
      case .stackSnapshot(_, _, _, let stack) = try #require(
        records.first { if case .stackSnapshot = $0 { true } else { false } })
    else { return }
    let inlined: Set = [
      "do_wait_for_common", "wait_for_common", "wait_for_completion", "io_wq_exit_workers", "do_syscall_x64",
    ]
    let (s2, r2, _) = try Self.read(SyzbotHungTaskReport.lines())
    guard
      case .stackSnapshot(_, _, _, let syz) = try #require(
        r2.first { if case .stackSnapshot = $0 { true } else { false } })
    else { return }
    #expect(stack.frames.map { symbols.name($0) } == syz.frames.map { s2.name($0) }.filter { !inlined.contains($0) })
  }

  @Test func theMailIsSniffedAsAKernelLogEvenWithoutItsHeaderLines() throws {
    // Only the frames and lockdep lines of the report: still a kernel log.
    let lines = SyzbotHungTaskReport.lines().filter {
      !$0.hasPrefix("INFO:") && !$0.hasPrefix("task:") && !$0.contains("TASK>") && !$0.hasPrefix("Call Trace")
    }
    let (_, _, r) = try Self.read(lines)
    #expect(r.format == .kernelLog)
  }
}

/// What the analysis makes of the syzbot-form report: the task blocked in io_wq_put_and_exit
/// and the worker lockdep names, INCONCLUSIVE because the report holds no stack of the worker.
@Suite struct SyzbotHungTaskVerdictTests {
  static let sysrq = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/sysrq.txt")

  @Test func theBlockedTaskAndItsLockdepWorkerAreNamedAndNothingIsDecided() throws {
    let run = try analyze(Fixtures.temporary(SyzbotHungTaskReport.lines()))
    #expect(run.verdict == .inconclusive && run.exitCode == 3)
    let file = try #require(run.files.first)
    let blocked = try #require(file.blockedTasks.first { $0.tid == 92 })
    #expect(blocked.comm == "uffd_iou" && blocked.waitsForWorkers && blocked.reportedHung && blocked.workers == [93])
    let w = try #require(run.thread(93))
    #expect(w.comm == "iou-wrk-92" && w.isWorker && w.ownerTid == 92)
    #expect(w.verdict == .inconclusive && w.caveats == [.namedByLockdepOnly])
    #expect(!w.evidence.contains(.noFaultPath))
  }

  @Test func withoutLockdepTheWaiterAloneIsInconclusive() throws {
    let run = try analyze(Fixtures.temporary(SyzbotHungTaskReport.lines(withLockdep: false)))
    #expect(run.verdict == .inconclusive && run.files.first?.threads.isEmpty == true)
    #expect(run.reasons.contains(.waiterWithoutWorker(tid: 92, comm: "uffd_iou", file: run.files[0].file)))
  }

  @Test func aBacktraceOfTheWorkerInTheReportDecides() throws {
    // Edit: the worker's real sysrq-l NMI backtrace (sysrq.txt, from `NMI backtrace for cpu 0` to
    // its `</TASK>`, timestamps removed) appended to the report, as syzbot's reports carry the
    // NMI backtraces of all CPUs after a hung task.
    let lines = Fixtures.lines(Self.sysrq).map { l in
      l.firstIndex(of: "]").map { String(l[l.index(after: $0)...].dropFirst()) } ?? l
    }
    let from = try #require(lines.firstIndex { $0 == "NMI backtrace for cpu 0" })
    let to = try #require(lines[from...].firstIndex { $0 == " </TASK>" })
    let run = try analyze(Fixtures.temporary(SyzbotHungTaskReport.lines() + Array(lines[from...to]) + [""]))
    let w = try #require(run.thread(93))
    #expect(!w.caveats.contains(.namedByLockdepOnly))
    #expect(w.verdict == .spinning)  // caught on-CPU in the fault path while its owner waits for it
    #expect(w.evidence.contains { if case .ownerWaitsForWorkers(92, _, _) = $0 { true } else { false } })
  }
}
