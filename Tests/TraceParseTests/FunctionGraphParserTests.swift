import Foundation
import Testing

@testable import TraceParse

extension TraceRecord {
  var entryName: Symbol? { if case .functionEntry(_, let f) = self { f } else { nil } }
  var leafName: Symbol? { if case .functionLeaf(_, let f, _) = self { f } else { nil } }
  var isExit: Bool { if case .functionExit = self { true } else { false } }
  var exitName: Symbol?? { if case .functionExit(_, let f, _) = self { f } else { nil } }
  var duration: Int64? {
    switch self {
    case .functionExit(_, _, let d), .functionLeaf(_, _, let d): d
    default: nil
    }
  }
}

@Suite struct FunctionGraphParserTests {
  @Test func defaultLayoutFromTheKernelDocs() throws {
    let (s, r, result) = try readAll(Fixtures.doc("default.txt"))
    #expect(result.format == .ftrace)
    #expect(result.unrecognisedLines == 0)
    #expect(
      r.compactMap(\.entryName).map { s.name($0) }.prefix(4) == [
        "sys_open", "do_sys_open", "getname", "kmem_cache_alloc",
      ])
    #expect(r.first!.context.cpu == 0)
    #expect(r.first!.context.tid == -1)  // no proc column, no banner yet
    let leaf = r.first { $0.leafName != nil }!
    #expect(s.name(leaf.leafName!) == "__might_sleep")
    #expect(leaf.duration == 1_382)
  }

  @Test func overheadMarksAndLongDurations() throws {
    let (s, r, result) = try readAll(Fixtures.doc("overhead-2.txt"))
    #expect(result.unrecognisedLines == 0)
    #expect(r.last!.duration == 119_760_200)  // `@ 119760.2 us`
    let (_, r3, _) = try readAll(Fixtures.doc("overhead-3.txt"))
    #expect(r3.last!.duration == 3_594_274_000)  // `$ 3594274 us`, 7 digits, no fraction
    let (s1, r1, _) = try readAll(Fixtures.doc("overhead.txt"))
    // `} /* __switch_to */` names the function (its entry was not in the buffer).
    #expect(r1.first!.exitName.map { $0.map { s1.name($0) } } == "__switch_to")
    #expect(r1.first!.duration == 1_837_709)
    _ = s
  }

  @Test func procColumnGivesTidAndTruncatedComm() throws {
    let (s, r, result) = try readAll(Fixtures.doc("proc.txt"))
    #expect(result.unrecognisedLines == 0)
    #expect(r.allSatisfy { $0.context.tid == 4802 && s.name($0.context.comm) == "sh" })
  }

  @Test func abstimeColumnGivesTimestamps() throws {
    let (_, r, _) = try readAll(Fixtures.doc("abstime.txt"))
    #expect(r.first!.context.timestamp == 360_774_522_000)
    #expect(r.first!.context.cpu == 1)
  }

  @Test func tailNamesTheFunctionWithOrWithoutParentheses() throws {
    let (s, r, _) = try readAll(Fixtures.doc("tail.txt"))
    let names = r.filter(\.isExit).compactMap { $0.exitName! }.map { s.name($0) }
    #expect(names == ["kmem_cache_free", "putname"])
    let (_, n, _) = try readAll(Fixtures.doc("notail.txt"))
    #expect(n.filter(\.isExit).allSatisfy { $0.exitName! == nil })
  }

  @Test func retvalCommentsInBothSmartAndHexForms() throws {
    for file in ["retval.txt", "retval-hex.txt"] {
      let (s, r, result) = try readAll(Fixtures.doc(file))
      #expect(result.unrecognisedLines == 0)
      let exits = r.filter(\.isExit).compactMap { $0.exitName! }.map { s.name($0) }
      #expect(exits == ["cgroup_taskset_first", "cpu_cgroup_can_attach", "cgroup_migrate_execute", "cgroup_migrate"])
      #expect(
        r.compactMap(\.leafName).map { s.name($0) } == [
          "cgroup_migrate_add_task", "cgroup_taskset_next", "sched_rt_can_attach",
        ])
    }
  }

  @Test func newerKernelsRetvalFormBuiltFromTheirPrintf() throws {
    // Linux 6.12 cannot print this; newer trees print `/* ret=%lx */` (kernel/trace/trace_functions_graph.c).
    // Built from the real retval.txt lines with that printf's text.
    let text = Fixtures.lines(Fixtures.doc("retval.txt")).map {
      $0.replacingOccurrences(of: " = 0x", with: " ret=0x").replacingOccurrences(of: " = -", with: " ret=-")
    }.joined(separator: "\n")
    let (s, r, result) = try readAll(Fixtures.temporary(Array(text.utf8)))
    #expect(result.unrecognisedLines == 0)
    #expect(r.filter(\.isExit).compactMap { $0.exitName! }.map { s.name($0) }.last == "cgroup_migrate")
  }

  @Test func latencyFormatWithRelativeTime() throws {
    let (s, r, result) = try readAll(Fixtures.doc("latency-reltime.txt"))
    #expect(result.unrecognisedLines == 0)
    #expect(r.count == 9)
    #expect(r.allSatisfy { $0.context.tid == 1507 && s.name($0.context.comm) == "bash" && $0.context.cpu == 0 })
    #expect(s.name(r[0].leafName!) == "_raw_spin_lock_irqsave")
  }

  @Test func realCaptureWithProcAbstimeBannersAndEventComments() throws {
    let (s, r, result) = try readAll(Fixtures.vanillaGraph)
    #expect(result.unrecognisedLines == 0)
    #expect(result.isCutWindow)
    let entries = r.filter { $0.entryName.map { s.name($0) } == "handle_userfault" }
    #expect(entries.count == 79)
    #expect(entries.allSatisfy { $0.context.tid == 67 && s.name($0.context.comm) == "iou-wrk" })
    // `/* sched_switch: ... */` comments become sched records with the full comm.
    let d = r.compactMap { rec -> SchedSwitch? in
      if case .schedSwitch(_, let sw) = rec, sw.prevState == .uninterruptible { return sw }
      return nil
    }
    #expect(d.map(\.prevTid) == [66])
    #expect(s.name(d[0].prevComm) == "uffd_iou")
    // Context-switch banners.
    let banners = r.filter { if case .graphTaskChange = $0 { true } else { false } }
    #expect(banners.count == 37)  // grep -c '  =>  '
    // The one-line `} /* handle_userfault */` printed on another CPU than its entry.
    let tail = r.first { $0.exitName.map { $0.map { s.name($0) } } == "handle_userfault" }!
    #expect(tail.context.line == 270)
    #expect(tail.duration == 315_547_100)
  }

  @Test func linesWithoutProcTakeTheTaskFromTheLastBanner() throws {
    // funcgraph-proc off is the default layout: build it from the real capture by deleting the
    // proc column exactly as print_graph_prologue would not print it.
    let lines = Fixtures.lines(Fixtures.vanillaGraph).map { line -> String in
      guard let bar = line.range(of: ")   "), let p = line.range(of: " | ", range: bar.upperBound..<line.endIndex),
        line.hasPrefix("    ")
      else { return line }
      return String(line[..<bar.upperBound]) + String(line[p.upperBound...])
    }
    let (s, r, result) = try readAll(Fixtures.temporary(Array(lines.joined(separator: "\n").utf8)))
    #expect(result.unrecognisedLines == 0)
    let hu = r.filter { $0.entryName.map { s.name($0) } == "handle_userfault" }
    #expect(hu.count == 79)
    #expect(hu.allSatisfy { $0.context.tid == 67 })
  }
}
