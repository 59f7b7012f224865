import Foundation
import Testing

@testable import TraceParse

@Suite struct EventLineParserTests {
  @Test func traceCmdReportSchedAndFuncgraphLines() throws {
    let (s, r, result) = try readAll(Fixtures.traceCmdReport)
    #expect(result.format == .ftrace)
    #expect(result.unrecognisedLines == 0)
    let switches = r.compactMap { rec -> (RecordContext, SchedSwitch)? in
      if case .schedSwitch(let c, let sw) = rec { return (c, sw) }
      return nil
    }
    // `trace-cmd:255 [120] S ==> swapper/1:0 [120]`
    let first = switches[0]
    #expect(first.1.prevTid == 255 && s.name(first.1.prevComm) == "trace-cmd" && first.1.prevState == .sleeping)
    #expect(first.1.nextTid == 0 && s.name(first.1.nextComm) == "swapper/1")
    #expect(first.0.timestamp == 59_269_786_000)
    // `kworker/0:0:7`-style comms that contain ':' keep it.
    #expect(switches.contains { s.name($0.1.prevComm) == "kworker/0:0" && $0.1.prevTid == 7 })
    // funcgraph_entry lines of `iou-wrk-363-364`: comm with dashes, pid after the last one.
    let hu = r.filter {
      $0.entryName.map { s.name($0) } == "handle_userfault" || $0.leafName.map { s.name($0) } == "handle_userfault"
    }
    #expect(hu.count == 2)
    #expect(hu.allSatisfy { $0.context.tid == 364 && s.name($0.context.comm) == "iou-wrk-363" })
  }

  @Test func tracefsEventLinesWithAndWithoutFlagsAndTgid() throws {
    // The real sched_switch payload from the vanilla capture, printed in the tracefs event-line
    // layouts of kernel/trace/trace_output.c (`%16s-%-7d`, optional `(%7d)` tgid, `[%03d]`,
    // irq-info flags of 4 or 5 chars, `%5llu.%06lu: `); these layouts are not in our captures.
    let payload =
      "prev_comm=iou-wrk-66 prev_pid=67 prev_prio=120 prev_state=D|K ==> next_comm=swapper/0 next_pid=0 next_prio=120"
    let lines = [
      "      iou-wrk-66-67      [000] d..2.     5.177209: sched_switch: \(payload)",
      "      iou-wrk-66-67      [000] d..2     5.177210: sched_switch: \(payload)",
      "      iou-wrk-66-67      (     65) [000] d..2.     5.177211: sched_switch: \(payload)",
      "           <...>-67      (-------) [000]     5.177212: sched_switch: \(payload)",
      "    DOM Worker-67      [000] .....     5.177213: sched_switch: \(payload)",
    ]
    let (s, r, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    #expect(result.unrecognisedLines == 0)
    #expect(r.count == 5)
    for rec in r {
      guard case .schedSwitch(let c, let sw) = rec else {
        Issue.record("not a sched_switch: \(rec)")
        continue
      }
      #expect(
        c.tid == 67 && sw.prevTid == 67 && sw.prevState == .uninterruptible && s.name(sw.prevComm) == "iou-wrk-66")
    }
    #expect(r[2].context.tgid == 65)
    #expect(s.name(r[3].context.comm) == "<...>")
    #expect(s.name(r[4].context.comm) == "DOM Worker")
  }

  @Test func functionTracerLinesAndBufferStartedAnnotation() throws {
    let (s, r, result) = try readAll(Fixtures.doc("annotate-events.txt"))
    #expect(result.unrecognisedLines == 0)
    #expect(r.compactMap(\.leafName).map { s.name($0) }.contains("rcu_idle_exit"))
  }

  @Test func lostEventLinesInBothPrintedForms() throws {
    var lines = Fixtures.lines(Fixtures.fixGraph)
    lines.insert("CPU:1 [LOST 4021 EVENTS]", at: 300)  // trace.c print_trace_line
    lines.insert("CPU:0 [LOST EVENTS]", at: 200)
    var report = Fixtures.lines(Fixtures.traceCmdReport)
    report.insert("CPU:0 [204600 EVENTS DROPPED]", at: 100)  // trace-cmd report's form
    for text in [lines, report] {
      let (_, r, result) = try readAll(Fixtures.temporary(Array(text.joined(separator: "\n").utf8)))
      #expect(result.unrecognisedLines == 0)
      let lost = r.compactMap { rec -> Int64?? in if case .lost(_, let n) = rec { return n } else { return nil } }
      #expect(!lost.isEmpty)
    }
  }
}
