import Foundation
import Testing

@testable import TraceParse

/// perf script sample headers without a time column and frame lines without indentation. The lines
/// are real lines of fixtures/shared-traces/vanilla-6.12.117/threadexit/perf.txt re-printed with
/// the printf formats of Linux 6.12's tools/perf/builtin-script.c (`%s ` comm, `%7d ` tid,
/// `[%03d] ` cpu, `%10lu ` period, `%s: ` event) or with their leading blanks removed.
@Suite struct PerfUntimedHeaderTests {
  static let frames = [
    "\tffffffff8118baf1 handle_userfault+0xf3 ([kernel.kallsyms])",
    "\tffffffff8114cffa hugetlb_fault+0x3d2 ([kernel.kallsyms])",
    "\tffffffff81000f01 ret_from_fork_asm+0x11 ([kernel.kallsyms])",
  ]

  static func read(_ lines: [String]) throws -> ([PerfScriptParserTests.Sample], TraceReadResult) {
    let (s, _, r) = try PerfScriptParserTests.samples(PerfScriptParserTests.text(lines))
    return (s, r)
  }

  @Test func aPeriodAfterTheTidIsNotTakenForTheTid() throws {
    // `-F comm,tid,period,event,ip,sym,dso`
    let (s, r) = try Self.read(["iou-wrk-92      93    1001001 cpu-clock: "] + Self.frames + [""])
    #expect(r.format == .perfScript && r.unrecognisedLines == 0)
    let first = try #require(s.first)
    #expect(first.comm == "iou-wrk-92" && first.tid == 93 && first.period == 1_001_001 && first.ts == nil)
    #expect(first.event == "cpu-clock" && first.cpu == -1 && first.frames.count == 3)
  }

  @Test func aPeriodAfterTheCPUIsNotTakenForTheTid() throws {
    let (s, _) = try Self.read(["iou-wrk-92      93 [000]    1001001 cycles: "] + Self.frames)
    let first = try #require(s.first)
    #expect(first.tid == 93 && first.cpu == 0 && first.period == 1_001_001 && first.event == "cycles")
  }

  @Test func withoutAPeriodTheLastNumberIsTheTid() throws {
    // `-F comm,tid,event,ip,sym,dso`, and `%16s` comm as perf prints it without a call chain.
    let (s, _) = try Self.read(
      ["iou-wrk-92      93 cpu-clock: "] + Self.frames + ["", "      iou-wrk-92      93 cycles: "])
    #expect(s.count == 2)
    #expect(s[0].tid == 93 && s[0].period == nil && s[0].comm == "iou-wrk-92")
    #expect(s[1].tid == 93 && s[1].event == "cycles" && s[1].frames.isEmpty)
  }

  @Test func unindentedFramesBelongToTheOpenSample() throws {
    let lines =
      ["iou-wrk-92    93 [000]    22.126957:    1001001 cpu-clock: "] + Self.frames.map { String($0.dropFirst()) }
    let (s, r) = try Self.read(
      lines + [
        "", "perf-exec    97 [001]    22.128944:    1001001 cpu-clock: ", "80db6 execvp@plt+0x6 (/usr/bin/perf)",
      ])
    #expect(r.format == .perfScript && r.unrecognisedLines == 0)
    #expect(s.count == 2)
    #expect(s[0].frames == ["handle_userfault", "hugetlb_fault", "ret_from_fork_asm"])
    #expect(s[1].frames == ["execvp@plt"])
  }

  @Test func unindentedTextThatIsNoFrameIsStillReported() throws {
    let (s, r) = try Self.read(
      ["iou-wrk-92    93 [000]    22.126957:    1001001 cpu-clock: "] + Self.frames + ["then the worker hung"])
    #expect(r.unrecognisedLines == 1)
    #expect(r.diagnostics.contains { $0.line == 5 })
    #expect(s.first?.frames.count == 3)
  }

  @Test func theSnifferTakesUntimedHeadersButNotRegisterOrLockdepLines() {
    func header(_ s: String) -> Bool {
      Array(s.utf8).withUnsafeBufferPointer {
        PerfScriptParser.looksLikeUntimedHeader(ByteSpan(base: $0.baseAddress, count: $0.count).trimmed())
      }
    }
    #expect(header("iou-wrk-92      93 cpu-clock: "))
    #expect(header("iou-wrk-92      93 [000]    1001001 cpu-clock: "))
    #expect(header("java 91/93 250000 cycles:ppp:"))
    #expect(header("java   19983 cycles:"))
    #expect(!header("RDX: 0000000000000000 RSI: 0000000000000080 RDI: 0000000000000004"))
    #expect(!header("1 lock held by iou-wrk-9507/9508:"))
    #expect(!header("Sending NMI from CPU 0 to CPUs 1:"))
    #expect(!header("iou-wrk-92      93 1234:"))  // the event must name something
  }

  @Test func theSnifferTakesUnindentedFramesButNotKernelLogFrames() {
    func frame(_ s: String) -> Bool {
      Array(s.utf8).withUnsafeBufferPointer {
        FormatSniffer.looksLikeUnindentedPerfFrame(ByteSpan(base: $0.baseAddress, count: $0.count).trimmed())
      }
    }
    #expect(frame("ffffffff8118baf1 handle_userfault+0xf3 ([kernel.kallsyms])"))
    #expect(frame("80db6 execvp@plt+0x6 (/usr/bin/perf)"))
    #expect(!frame("io_wq_put_and_exit+0x344/0x720 io_uring/io-wq.c:1277"))
    #expect(!frame("ffff888021f0e0a8 (&ctx->uring_lock)"))  // an address and no symbol
  }

  @Test func aFileOfUntimedUnindentedSamplesIsSniffedAsPerf() throws {
    var lines: [String] = []
    for _ in 0..<3 {
      lines += ["iou-wrk-92      93    1001001 cpu-clock: "] + Self.frames.map { String($0.dropFirst()) } + [""]
    }
    let (s, r) = try Self.read(lines)
    #expect(r.format == .perfScript && r.unrecognisedLines == 0 && s.count == 3)
  }
}
