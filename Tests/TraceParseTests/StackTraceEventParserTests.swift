import Foundation
import Testing

@testable import TraceParse

/// The forms of ftrace stack-trace entries that kernel/trace/trace_output.c (Linux 6.12) prints:
/// trace_stack_print (` => ` + seq_print_ip_sym: the symbol, `+0x…/0x…` with sym-offset, ` <%016lx>`
/// with sym-addr, `[FTRACE TRAMPOLINE]`) and trace_user_stack_print (` <%016lx>` without
/// sym-userobj, `path[+0x…]` with it), after event lines in trace_print_context's columns
/// (`%16s-%-7d [%03d] %5lu.%06lu: `, irq-info off). Our captures have no stack-trace entries: the
/// columns, events and symbols are those of the vanilla 6.12.117 run (fgraph_proc.txt), the
/// offsets, sizes and addresses those that its perf.txt and sysrq.txt print for the same symbols.
@Suite struct StackTraceEventParserTests {
  static let worker = "      iou-wrk-66-67      [001]     5.177209: "
  static let other = "       rcu_sched-15      [000]     5.177210: "

  static func samples(_ lines: [String]) throws -> ([(TraceRecord, String, [String])], TraceReadResult) {
    let (symbols, records, r) = try readAll(Fixtures.temporary(Array((lines + [""]).joined(separator: "\n").utf8)))
    let s = records.compactMap { rec -> (TraceRecord, String, [String])? in
      guard case .sample(_, let e, _, let st) = rec else { return nil }
      return (rec, symbols.name(e), st.frames.map { symbols.name($0) })
    }
    return (s, r)
  }

  @Test func offsetsAddressesAndTrampolinesAreCutFromTheFrames() throws {
    let (s, r) = try Self.samples([
      Self.worker + "handle_userfault <-hugetlb_fault",
      Self.worker + "<stack trace>",
      " => fault_in_readable+0x77/0xa7 <ffffffff81118d4b>",
      " => [FTRACE TRAMPOLINE]",
      " => exc_page_fault+0x36c/0x4cb",
      " => asm_exc_page_fault",
    ])
    #expect(r.format == .ftrace && r.unrecognisedLines == 0)
    #expect(s.count == 1)
    #expect(s.first?.1 == "handle_userfault")
    #expect(s.first?.2 == ["fault_in_readable", "exc_page_fault", "asm_exc_page_fault"])
    guard case .sample(let c, _, let period, _) = try #require(s.first?.0) else { return }
    #expect(c.tid == 67 && c.cpu == 1 && c.timestamp == 5_177_209_000 && c.line == 2 && period == nil)
  }

  @Test func aUserStackExtendsTheKernelStackOfTheSameTask() throws {
    let (s, _) = try Self.samples([
      "        uffd_iou-66      [000]     5.181099: sched_switch: prev_comm=uffd_iou prev_pid=66 prev_prio=120 prev_state=D ==> next_comm=swapper/0 next_pid=0 next_prio=120",
      "        uffd_iou-66      [000]     5.181099: <stack trace>",
      " => schedule",
      " => do_nanosleep",
      "        uffd_iou-66      [000]     5.181099: <user stack trace>",
      " =>  <0000000000088573>",
      " => /uffd_iou[+0x88573]",
    ])
    #expect(s.count == 1)
    #expect(s.first?.1 == "sched_switch")
    #expect(s.first?.2 == ["schedule", "do_nanosleep", "[unknown]", "/uffd_iou"])
  }

  @Test func aStackBelongsToTheEventBeforeItOnItsOwnCPU() throws {
    // The merged output may put another CPU's event between an event and its stack.
    let (s, _) = try Self.samples([
      Self.worker + "handle_userfault <-hugetlb_fault",
      Self.other
        + "sched_switch: prev_comm=rcu_sched prev_pid=15 prev_prio=120 prev_state=I ==> next_comm=swapper/0 next_pid=0 next_prio=120",
      Self.worker + "<stack trace>",
      " => handle_userfault",
    ])
    #expect(s.count == 1 && s.first?.1 == "handle_userfault")
  }

  @Test func aStackWithNoEventOfItsTaskBeforeItIsNamedStacktrace() throws {
    let (s, _) = try Self.samples([
      Self.other
        + "sched_switch: prev_comm=rcu_sched prev_pid=15 prev_prio=120 prev_state=I ==> next_comm=swapper/0 next_pid=0 next_prio=120",
      "      iou-wrk-66-67      [000]     5.177209: <stack trace>",
      " => handle_userfault",
    ])
    #expect(s.count == 1 && s.first?.1 == "stacktrace")
  }

  @Test func framesOfAStackCutOffByTheWindowAreDropped() throws {
    let (s, r) = try Self.samples([
      " => hugetlb_fault",
      " => handle_mm_fault",
      Self.worker + "handle_userfault <-hugetlb_fault",
    ])
    #expect(r.format == .ftrace && r.unrecognisedLines == 0 && s.isEmpty)
  }

  @Test func withoutContextColumnsAStackOfAnUnknownTaskIsDropped() throws {
    let (s, r) = try Self.samples([
      Self.worker + "handle_userfault <-hugetlb_fault", "<stack trace>", " => handle_userfault",
    ])
    // context-info off prints no columns: the stack is still the one of the event before it.
    #expect(r.unrecognisedLines == 0 && s.count == 1 && s.first?.1 == "handle_userfault")
    let (none, _) = try Self.samples(["<stack trace>", " => handle_userfault", " => hugetlb_fault"])
    #expect(none.isEmpty)
  }
}
