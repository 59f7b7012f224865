import Foundation
import Testing

@testable import TraceParse

/// `perf script` parsing on the real captures (Debian perf 6.1, `perf record -e cpu-clock -F 999 -g -a`)
/// and on variants built in code from the printf formats of tools/perf/builtin-script.c
/// (perf_sample__fprintf_start) and util/evsel_fprintf.c (sample__fprintf_callchain) of Linux 6.12,
/// where our captures have no example (pid/tid columns, srcline, `(deleted)`, inlined frames,
/// PERF_RECORD_* lines, tracepoints, no CPU or period columns).
@Suite struct PerfScriptParserTests {
  static let vanilla = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/perf.txt")
  static let fix = Fixtures.path("shared-traces/fix-fail-fault/threadexit/perf.txt")

  struct Sample {
    var line: Int, cpu: Int32, tid: Int32, tgid: Int32, comm: String, ts: Int64?, event: String, period: Int64?,
      frames: [String]
  }

  static func samples(_ path: String) throws -> ([Sample], [TraceRecord], TraceReadResult) {
    let (symbols, records, result) = try readAll(path)
    let s: [Sample] = records.compactMap {
      guard case .sample(let c, let e, let p, let st) = $0 else { return nil }
      return Sample(
        line: c.line, cpu: c.cpu, tid: c.tid, tgid: c.tgid, comm: symbols.name(c.comm), ts: c.timestamp,
        event: symbols.name(e),
        period: p, frames: st.frames.map { symbols.name($0) })
    }
    return (s, records, result)
  }

  static func text(_ lines: [String]) -> String { Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)) }

  @Test func realCaptureIsSniffedAndEverySampleRead() throws {
    let (s, _, result) = try Self.samples(Self.vanilla)
    #expect(result.format == .perfScript)
    #expect(result.isCutWindow)
    #expect(result.unrecognisedLines == 0)
    let headers = Fixtures.lines(Self.vanilla).filter { $0.hasSuffix("cpu-clock: ") }.count
    #expect(s.count == headers)  // 283, including the last one that has no blank line after it
    #expect(s.filter { $0.comm == "iou-wrk-92" }.count == 142)
    let first = try #require(s.first)
    #expect(first.line == 2 && first.comm == "iou-wrk-92" && first.tid == 93 && first.tgid == -1 && first.cpu == 0)
    #expect(first.ts == 22_126_957_000 && first.event == "cpu-clock" && first.period == 1_001_001)
    #expect(
      first.frames.first == "handle_userfault" && first.frames.last == "ret_from_fork_asm" && first.frames.count == 16)
  }

  @Test func userFramesUnknownSymbolsAndDsos() throws {
    let (s, _, _) = try Self.samples(Self.vanilla)
    let exec = try #require(s.first { $0.comm == "perf-exec" })
    #expect(exec.frames == ["execvp@plt", "[unknown]", "[unknown]", "[unknown]", "[unknown]", "[unknown]"])
  }

  @Test func theLastRecordWithoutATrailingBlankLineIsKept() throws {
    let lines = Fixtures.lines(Self.vanilla)
    #expect(lines.last?.isEmpty == true && lines[lines.count - 2].hasPrefix("\t"))  // file ends on a frame line
    let (s, _, _) = try Self.samples(Self.vanilla)
    #expect(s.last?.frames.last == "ret_from_fork_asm")
    #expect(s.last?.line == lines.lastIndex { !$0.hasPrefix("\t") && !$0.isEmpty }! + 1)
  }

  @Test func fixCaptureHasNoWorkerSamples() throws {
    let (s, _, result) = try Self.samples(Self.fix)
    #expect(result.unrecognisedLines == 0)
    #expect(!s.isEmpty && !s.contains { $0.comm.hasPrefix("iou-wrk") })
  }

  @Test func commsWithSpacesAndDigitsPidTidAndNoCPUColumn() throws {
    // `%s ` comm, `%5d/%-5d ` pid/tid (perf 6.1 width), no `[cpu]` (per-task recording).
    let p = Self.text([
      "DOM Worker 2 12688/12690    147.374682:     250000 cpu-clock: ",
      "\tffffffff8118baf1 handle_userfault+0xf3 ([kernel.kallsyms])",
      "",
      "kworker/0:1 7 [001]     5.000001: 1 cycles:ppp: ",
      "\t7f91ec896ae7 [unknown] ([unknown])",
    ])
    let (s, _, r) = try Self.samples(p)
    #expect(r.unrecognisedLines == 0)
    #expect(s.count == 2)
    #expect(
      s[0].comm == "DOM Worker 2" && s[0].tgid == 12688 && s[0].tid == 12690 && s[0].cpu == -1 && s[0].period == 250_000
    )
    #expect(s[1].comm == "kworker/0:1" && s[1].tid == 7 && s[1].cpu == 1 && s[1].event == "cycles:ppp")
  }

  @Test func tracepointWithoutPeriodAndSingleLineSamples() throws {
    // Tracepoints print no period; without -g each sample is one line (comm right-aligned `%16s`).
    let p = Self.text([
      "            bash  1234 [001]     5.000000: sched:sched_switch: prev_comm=bash prev_pid=1234 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120",
      "         swapper     0 [001]     5.000100: sched:sched_wakeup: comm=bash pid=1234 prio=120 target_cpu=001",
    ])
    let (s, _, r) = try Self.samples(p)
    #expect(r.format == .perfScript && r.unrecognisedLines == 0)
    #expect(s.map(\.event) == ["sched:sched_switch", "sched:sched_wakeup"])
    #expect(s[0].period == nil && s[0].comm == "bash" && s[0].frames.isEmpty)
  }

  @Test func srclineInlinedDeletedDsoAndNoIpColumn() throws {
    let p = Self.text([
      "a.out 35081 [000] 252436.005167:     667783 cycles: ",
      "\t          408ebb some_method_name+0x8b (/full/path/to/a.out)",
      "  uniform_int_dist.h:300",
      "\t          408ec0 inlined_helper (inlined)",
      "\t    7f6d2148eb25 __libc_start_main+0xd5 (/tmp/old lib/libc-2.33.so (deleted))",
      "  libc-2.33.so[27b25]",
      "\t main+0x935 (/full/path/to/a.out)",
      "",
    ])
    let (s, _, r) = try Self.samples(p)
    #expect(r.unrecognisedLines == 0)
    #expect(s.first?.frames == ["some_method_name", "inlined_helper", "__libc_start_main", "main"])
  }

  @Test func fieldSubsetsWithoutTimeOrCPU() throws {
    // `perf script -F comm,tid,event,ip,sym,dso` and `-F comm,pid,tid,cpu,period,event,ip,sym`.
    let p = Self.text([
      "iou-wrk-92    93 cpu-clock: ",
      "\tffffffff8118baf1 handle_userfault+0xf3 ([kernel.kallsyms])",
      "",
      "iou-wrk-92    91/93 [000]    1001001 cpu-clock: ",
      "\tffffffff8118baf1 handle_userfault+0xf3",
      "",
    ])
    let (s, _, r) = try Self.samples(p)
    #expect(r.unrecognisedLines == 0)
    #expect(s.count == 2)
    #expect(
      s[0].comm == "iou-wrk-92" && s[0].tid == 93 && s[0].ts == nil && s[0].period == nil && s[0].event == "cpu-clock")
    #expect(
      s[1].tgid == 91 && s[1].tid == 93 && s[1].cpu == 0 && s[1].period == 1_001_001
        && s[1].frames == ["handle_userfault"])
  }

  @Test func perfRecordLinesAndLostEvents() throws {
    // `--show-task-events` / `--show-lost-events`: perf_event__fprintf after the sample start.
    let p = Self.text([
      "perf 97 [001]    22.100000: PERF_RECORD_COMM exec: perf-exec:97/97",
      "perf 97 [001]    22.100001: PERF_RECORD_LOST lost 17",
      "iou-wrk-92    93 [000]    22.126957:    1001001 cpu-clock: ",
      "\tffffffff8118baf1 handle_userfault+0xf3 ([kernel.kallsyms])",
      "",
    ])
    let (s, records, r) = try Self.samples(p)
    #expect(r.unrecognisedLines == 0)
    #expect(s.count == 1)
    let lost = records.compactMap { rec -> Int64? in
      if case .lost(_, let n) = rec { return n ?? -1 }; return nil
    }
    #expect(lost == [17])
  }

  @Test func truncatedAndCorruptedInputGivesLineWarningsNotACrash() throws {
    var bytes = Fixtures.bytes(Self.vanilla)
    bytes.removeLast(40)  // cut inside the last frame line
    for i in stride(from: 5000, to: 5400, by: 7) { bytes[i] = 0xFF }  // damage a stretch in the middle
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    var damaged = lines.map(String.init)
    damaged[200] = "garbage that is no perf line"
    let (s, _, r) = try Self.samples(Self.text(damaged))
    #expect(s.count > 250)
    #expect(r.diagnostics.contains { $0.kind == .truncated && $0.line == damaged.count })
    #expect(r.diagnostics.contains { $0.line == 201 } || r.diagnostics.contains { $0.message.contains(" in all)") })
    #expect(r.unrecognisedLines >= 1)
  }
}
