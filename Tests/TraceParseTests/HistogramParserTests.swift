import Foundation
import Testing

@testable import TraceParse

/// tracefs `hist` text as `capture --method hist` saved it in the lab guest (vanilla 6.12.117,
/// fixtures/lab/live-capture/vanilla/overrun/): a reading of the retry kprobe's histogram and one of
/// sched_switch's at every interval, each after its `# iou-analyze hist:` line.
@Suite struct HistogramParserTests {
  static let armed = Fixtures.path("lab/live-capture/vanilla/overrun/hist-armed/hist.txt")

  static func histograms(_ records: [TraceRecord]) -> [(RecordContext, Histogram)] {
    records.compactMap { if case .histogram(let c, let h) = $0 { (c, h) } else { nil } }
  }

  @Test func theSavedReadingsAreSniffedAndReadWithoutAWarning() throws {
    let (_, records, result) = try readAll(Self.armed)
    #expect(result.format == .hist)
    #expect(result.unrecognisedLines == 0)
    #expect(result.diagnostics.isEmpty)
    let hs = Self.histograms(records)
    let markers = Fixtures.lines(Self.armed).filter { $0.hasPrefix("# iou-analyze hist:") }.count
    #expect(hs.count == markers)
    // The capture writes the retry histogram, then sched_switch's, at every reading.
    #expect(hs.enumerated().allSatisfy { i, h in h.1.kind == (i % 2 == 0 ? .hitsPerThread : .switchOutsPerThread) })
    let times = hs.compactMap(\.0.timestamp)
    #expect(times.count == hs.count)
    #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
  }

  @Test func theRetryHistogramNamesTheWorkerByExecnameAndTheProbedFunction() throws {
    let (symbols, records, _) = try readAll(Self.armed)
    let last = try #require(Self.histograms(records).last { $0.1.kind == .hitsPerThread }).1
    #expect(symbols.name(last.probedFunction) == "handle_userfault")
    #expect(symbols.name(last.event).hasPrefix("iou_analyze/handle_userfault_"))
    let worker = try #require(last.entries.first { symbols.name($0.comm).hasPrefix("iou-wrk-") })
    #expect(worker.hits > 10_000)
    // Totals: Hits counts every hit, read a moment after the entries.
    #expect((last.totalHits ?? 0) >= last.entries.reduce(0) { $0 + $1.hits })
    #expect(last.dropped == 0)
  }

  @Test func switchOutStatesAreTheKernelsReportBits() throws {
    let (_, records, _) = try readAll(Self.armed)
    let sw = Self.histograms(records).filter { $0.1.kind == .switchOutsPerThread }.last!.1
    let text = Fixtures.lines(Self.armed)
    // 256 (TASK_REPORT_MAX, a preemption: R+) and 0 are runnable, 1 S, 2 D, 32 Z, 128 I.
    #expect(HistogramParser.taskState(256) == .running)
    #expect(HistogramParser.taskState(1) == .sleeping && HistogramParser.taskState(2) == .uninterruptible)
    #expect(HistogramParser.taskState(32) == .dead && HistogramParser.taskState(128) == .idle)
    let printed = text.filter { $0.hasPrefix("{ prev_pid:") }.count
    #expect(printed > 0 && sw.entries.allSatisfy { $0.state != nil })
  }

  @Test func aLineCutInTheMiddleIsAWarningWithItsLineAndTheRestIsRead() throws {
    var lines = Fixtures.lines(Self.armed)
    // Edit: the last entry of the retry histogram is cut after `{ common_pid: iou-w`.
    let i = try #require(lines.lastIndex { $0.hasPrefix("{ common_pid:") })
    lines[i] = String(lines[i].prefix(19))
    let (_, records, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    let d = try #require(result.diagnostics.first)
    #expect(d.line == i + 1)
    #expect(d.kind == .malformedEvent)
    #expect(Self.histograms(records).count == lines.filter { $0.hasPrefix("# iou-analyze hist:") }.count)
  }

  @Test func aPastedExcerptWithoutHeadersIsReadFromItsKeys() throws {
    let lines = Fixtures.lines(Self.armed)
    // Edit: only the entry lines of the last retry reading, as someone pastes them into a bug report.
    let start = try #require(lines.lastIndex { $0.contains("probe=handle_userfault") })
    let entries = lines[start...].prefix { !$0.hasPrefix("Totals:") }.filter { $0.hasPrefix("{ ") }
    let (symbols, records, result) = try readAll(Fixtures.temporary(Array(entries.joined(separator: "\n").utf8)))
    #expect(result.format == .hist)
    let h = try #require(Self.histograms(records).first?.1)
    #expect(h.kind == .hitsPerThread && h.probedFunction == .none)
    #expect(h.entries.contains { symbols.name($0.comm).hasPrefix("iou-wrk-") })
  }

  @Test func entriesPastTheKernelsTableLimitAreCountedNotKept() throws {
    let lines = Fixtures.lines(Self.armed)
    let entry = try #require(lines.last { $0.hasPrefix("{ prev_pid:") })
    // Edit: one reading of sched_switch's histogram with more entries than a tracing map can hold,
    // built from a real entry line with the pid changed.
    var text = ["# event histogram", "# trigger info: hist:keys=prev_pid,prev_state:vals=hitcount:size=2048 [active]"]
    let pid = try #require(entry.range(of: #"prev_pid: +\d+"#, options: .regularExpression))
    for n in 0..<(HistogramParser.maxEntries + 5) {
      text.append(entry.replacingCharacters(in: pid, with: "prev_pid: \(n)"))
    }
    let (_, records, result) = try readAll(Fixtures.temporary(Array(text.joined(separator: "\n").utf8)))
    #expect(Self.histograms(records).first?.1.entries.count == HistogramParser.maxEntries)
    #expect(result.diagnostics.contains { $0.kind == .skippedEvent && $0.line == 1 && $0.message.contains("5 were") })
  }
}
