import Foundation
import Testing

@testable import TraceParse

/// The seed: an LKML cover letter pasted on ONE line with a `/proc` stack and a perf report call chain.
@Suite struct PastedReportParserTests {
  static let seed = Fixtures.path("seed/000_dd79d7cdb8de7c93.txt")

  @Test func seedIsSplitIntoAProcStackAndAPerfReportStack() throws {
    let (symbols, records, result) = try readAll(Self.seed)
    #expect(result.format == .pastedReport && result.lines == 1)
    var shots: [(SnapshotSource, Int32, String, TaskState?, [String])] = []
    var claims: [(Int32, ReportedClaim)] = []
    for r in records {
      if case .stackSnapshot(let c, let source, let state, let st) = r {
        shots.append((source, c.tid, symbols.name(c.comm), state, st.frames.map { symbols.name($0) }))
      }
      if case .claim(let c, let claim) = r { claims.append((c.tid, claim)) }
    }
    #expect(shots.count == 2)
    let proc = shots[0]
    // "threads with the UN state"
    #expect(proc.0 == .procStack && proc.1 == PseudoTid.base && proc.3 == .uninterruptible)
    #expect(
      proc.4.count == 11 && proc.4.first == "io_wq_put_and_exit" && proc.4.last == "entry_SYSCALL_64_after_hwframe")
    let perf = shots[1]
    #expect(perf.0 == .perfReport && perf.1 == PseudoTid.base + 1 && perf.2 == "iou-wrk-44588" && perf.3 == .running)
    // Root first in the text, innermost first in the record.
    #expect(perf.4.count == 24 && perf.4.first == "io_wq_worker_sleeping" && perf.4.last == "ret_from_fork_asm")
    #expect(perf.4.contains("handle_userfault") && perf.4.contains("fault_in_readable"))
    #expect(claims.count == 1 && claims[0].0 == PseudoTid.base + 1 && claims[0].1 == .cpuUsage(percent: 100))
  }

  @Test func theSameMailWithItsLineBreaksAndAHungTaskSection() throws {
    // The seed's text re-broken at its sections, plus the real hung-task report pasted below it.
    let text = String(decoding: Fixtures.bytes(Self.seed), as: UTF8.self)
    var lines: [String] = []
    for part in text.components(separatedBy: " [<0>] ") { lines.append(lines.isEmpty ? part : "[<0>] " + part) }
    let last = lines.removeLast()
    let perf = last.components(separatedBy: " iou-wrk-44588 ")
    lines.append(perf[0])
    lines += perf.dropFirst().map { "iou-wrk-44588 " + $0 }
    lines += Fixtures.lines(Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/dmesg_hung.txt"))
    let (symbols, records, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    #expect(result.format == .pastedReport)
    let sources = records.compactMap { r -> SnapshotSource? in
      if case .stackSnapshot(_, let s, _, _) = r { return s }
      return nil
    }
    #expect(Set(sources) == [.procStack, .hungTask, .perfReport] && sources.count == 3)
    let hung = records.compactMap { r -> String? in
      if case .stackSnapshot(let c, .hungTask, _, _) = r { return symbols.name(c.comm) + ":\(c.tid)" }
      return nil
    }
    #expect(hung == ["uffd_iou:92"])
  }

  @Test func oneLineOfPerfReportFramesAmongProcFramesIsStillAPastedReport() throws {
    // The seed's text re-broken at its /proc frames only: 11 lines vote for a /proc stack, and the
    // perf report frames stay on the one last line, the only vote for a pasted report.
    let text = String(decoding: Fixtures.bytes(Self.seed), as: UTF8.self)
    var lines: [String] = []
    for part in text.components(separatedBy: " [<0>] ") { lines.append(lines.isEmpty ? part : "[<0>] " + part) }
    try #require(lines.count == 12 && lines.filter { $0.contains(" [k] ") }.count == 1)
    let (_, records, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    #expect(result.format == .pastedReport)
    #expect(records.contains { if case .stackSnapshot(_, .perfReport, _, _) = $0 { true } else { false } })
  }
}
