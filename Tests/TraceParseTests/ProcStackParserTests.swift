import Foundation
import Testing

@testable import TraceParse

/// `/proc/PID/stack` + `/proc/PID/stat` samples: the lab's stacks.txt (real), and `head`-style and bare
/// concatenations built in code from the same real stacks (the kernel prints `[<0>] %pB` per frame,
/// fs/proc/base.c proc_pid_stack).
@Suite struct ProcStackParserTests {
  static let vanilla = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/stacks.txt")
  static let fix = Fixtures.path("shared-traces/fix-fail-fault/threadexit/stacks.txt")

  struct Shot { var tid: Int32, comm: String, state: TaskState?, ts: Int64?, line: Int, frames: [String] }
  struct Stat { var tid: Int32, comm: String, state: TaskState, ticks: Int64, ts: Int64?, line: Int }

  static func read(_ path: String) throws -> ([Shot], [Stat], TraceReadResult) {
    let (symbols, records, result) = try readAll(path)
    var shots: [Shot] = []
    var stats: [Stat] = []
    for r in records {
      switch r {
      case .stackSnapshot(let c, let source, let state, let st):
        #expect(source == .procStack)
        shots.append(
          Shot(
            tid: c.tid, comm: symbols.name(c.comm), state: state, ts: c.timestamp, line: c.line,
            frames: st.frames.map { symbols.name($0) }))
      case .cpuTimeSample(let c, let state, let u, let s):
        stats.append(
          Stat(tid: c.tid, comm: symbols.name(c.comm), state: state, ticks: u + s, ts: c.timestamp, line: c.line))
      default: Issue.record("unexpected record \(r)")
      }
    }
    return (shots, stats, result)
  }

  @Test func labStacksWithStatLines() throws {
    let (shots, stats, result) = try Self.read(Self.vanilla)
    #expect(result.format == .procStack && result.unrecognisedLines == 0)
    // Three samples of three threads; the running worker's stack is empty (no snapshot).
    #expect(stats.count == 9)
    #expect(stats.filter { $0.tid == 93 }.map(\.ticks) == [396, 505, 615])
    #expect(stats.filter { $0.tid == 93 }.allSatisfy { $0.state == .running && $0.comm == "iou-wrk-92" })
    #expect(stats.first { $0.tid == 93 }?.ts == 25_060_000_000)
    #expect(shots.count == 6)
    let exiting = shots.filter { $0.tid == 92 }
    #expect(exiting.count == 3 && exiting.allSatisfy { $0.state == .uninterruptible && $0.comm == "uffd_iou" })
    #expect(exiting[0].frames.prefix(3) == ["io_wq_put_and_exit", "io_uring_clean_tctx", "io_uring_cancel_generic"])
    #expect(exiting[0].frames.last == "entry_SYSCALL_64_after_hwframe")
    #expect(shots.filter { $0.tid == 91 }.allSatisfy { $0.state == .sleeping && $0.frames.first == "futex_wait_queue" })
  }

  @Test func fixStacksHoldOnlyTheMainThread() throws {
    let (shots, stats, _) = try Self.read(Self.fix)
    #expect(
      Set(stats.map(\.tid)) == [91] && shots.count == 3 && shots.allSatisfy { $0.frames.first == "__do_sys_pause" })
  }

  @Test func headHeadersAndBareConcatenation() throws {
    let lines = Fixtures.lines(Self.vanilla)
    let exiting = Array(lines[lines.firstIndex { $0.hasPrefix("[<0>] io_wq_put_and_exit") }!...].prefix(8))
    let futex = Array(lines[lines.firstIndex { $0.hasPrefix("[<0>] futex_wait_queue") }!...].prefix(7))
    // `head /proc/92/task/92/stack /proc/91/stack`
    let headed = ["==> /proc/92/task/92/stack <=="] + exiting + ["", "==> /proc/91/stack <=="] + futex
    let (a, _, ra) = try Self.read(Fixtures.temporary(Array(headed.joined(separator: "\n").utf8)))
    #expect(ra.unrecognisedLines == 0)
    #expect(a.map(\.tid) == [92, 91] && a[0].frames.count == 8 && a[1].frames.count == 7)
    // `for p in 92 91; do cat /proc/$p/stack; done`: no separators; a root frame ends each stack.
    let bare = exiting + futex
    let (b, _, _) = try Self.read(Fixtures.temporary(Array(bare.joined(separator: "\n").utf8)))
    #expect(b.count == 2 && b.map(\.tid) == [PseudoTid.base, PseudoTid.base + 1])
    #expect(b[0].frames.first == "io_wq_put_and_exit" && b[1].frames.first == "futex_wait_queue" && b[0].state == nil)
  }

  @Test func statCommWithSpacesAndParentheses() throws {
    let st = try #require(
      ProcStackParser.parseStat(
        ByteSpan.wrap("93 (iou (wrk) 92) R 1 0 0 0 -1 4210768 0 0 0 0 7 396 0 0 20 0 3 0 2086")))
    #expect(
      st.tid == 93 && st.comm.string == "iou (wrk) 92" && st.state == .running && st.utime == 7 && st.stime == 396)
  }

  @Test func brokenLinesAreReportedWithTheirNumbers() throws {
    var lines = Fixtures.lines(Self.vanilla)
    lines[20] = "[<0>] "
    lines[30] = "stat: 93 (iou-wrk-92"  // cut
    let (_, _, r) = try Self.read(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    #expect(r.diagnostics.contains { $0.line == 21 && $0.kind == .malformedFrame })
    #expect(r.diagnostics.contains { $0.line == 31 && $0.kind == .unparsedLine })
  }
}

extension ByteSpan {
  /// A span over a string's bytes, kept alive for the test process (tests only).
  static func wrap(_ s: String) -> ByteSpan {
    let bytes = Array(s.utf8)
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
    p.initialize(from: bytes, count: bytes.count)
    return ByteSpan(base: p, count: bytes.count)
  }
}
