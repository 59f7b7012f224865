import Foundation
import Testing

@testable import TraceAnalysis

/// What a capture is said to lack, and the commands hinted, follow from its records.
@Suite struct CaptureNoteTests {
  static let busy = Fixtures.path("lab/vanilla/busy-uffd-iouring")

  @Test func aGraphWithoutSchedEventsSaysSoAndHintsThem() throws {
    let f = try analyze("\(Self.busy)/fgraph_nosched.txt.gz").files[0]
    #expect(f.notes.contains(.noSchedSwitch) && f.captureHints.contains(.enableSchedEvents))
  }

  @Test func leavesAloneAreAGraph() throws {
    // Edit: every line of the capture without sched events dropped but its leaves (`func();`).
    let lines = try Fixtures.gunzip("\(Self.busy)/fgraph_nosched.txt.gz").filter { $0.hasSuffix("();") }
    try #require(lines.count > 100)
    let f = try analyze(Fixtures.temporary(lines)).files[0]
    #expect(f.notes.contains(.noSchedSwitch) && !f.notes.contains(.eventsOnly))
  }

  @Test func aWindowCutFromALongerTraceSaysSo() throws {
    // The vanilla threadexit graph opens with its `# cut:` line (the first 5999 lines of `trace`);
    // edit: the same capture without that line.
    let lines = Fixtures.lines(Fixtures.vanillaGraph)
    try #require(lines[0].hasPrefix("# cut: "))
    #expect(try analyze(Fixtures.vanillaGraph).files[0].notes.contains(.cutWindow))
    #expect(!(try analyze(Fixtures.temporary(Array(lines.dropFirst()))).files[0].notes.contains(.cutWindow)))
  }

  @Test func aCaptureWithNoThreadInScopeSaysSoAndOneWithAWorkerDoesNot() throws {
    // lab/vanilla/nouffd/perf.txt (the control without userfaultfd): no io worker sampled, no thread
    // in the fault path, no blocked task. The vanilla graph has its spinning worker.
    let control = try analyze(Fixtures.path("lab/vanilla/nouffd/perf.txt")).files[0]
    #expect(control.threads.isEmpty)
    #expect(control.notes.contains(.noThreadInScope(blockedTasksSeen: false)))
    let vanilla = try analyze(Fixtures.vanillaGraph).files[0]
    #expect(!vanilla.threads.isEmpty)
    #expect(!vanilla.notes.contains { if case .noThreadInScope = $0 { true } else { false } })
  }

  @Test func aGraphWithoutItsTimeColumnSaysSoAndHintsIt() throws {
    // Edit: the absolute-time column (`funcgraph-abstime`) cut from every line of the vanilla
    // threadexit capture, as the kernel prints the graph with that option off.
    let lines = Fixtures.lines(Fixtures.vanillaGraph)
    let untimed = lines.map { l -> String in
      guard let bar = l.firstIndex(of: "|"), Double(l[..<bar].trimmingCharacters(in: .whitespaces)) != nil else {
        return l
      }
      return String(l[l.index(after: bar)...])
    }
    try #require(untimed.contains { $0.hasPrefix("   0)   iou-wrk-67") })
    let f = try analyze(Fixtures.temporary(untimed)).files[0]
    #expect(f.notes.contains(.noTimestamps) && f.captureHints.contains(.enableAbsoluteTimestamps))
    // Without times no gap can be measured: the loop at the end is taken as still going on.
    let w = try #require(f.threads.first { $0.tid == 67 })
    #expect(w.verdict == .spinning && w.episodes.last?.untilEndOfCapture == true)
    let timed = try analyze(Fixtures.vanillaGraph).files[0]
    #expect(!timed.notes.contains(.noTimestamps) && !timed.captureHints.contains(.enableAbsoluteTimestamps))
  }

  @Test func aGraphWithSchedEventsDoesNot() throws {
    let f = try analyze("\(Self.busy)/fgraph_proc.txt.gz").files[0]
    #expect(!f.notes.contains(.noSchedSwitch) && !f.captureHints.contains(.enableSchedEvents))
  }

  @Test func perfSamplesAreNoGraphThatLacksSchedEventsOrTimestamps() throws {
    let f = try analyze("\(Self.busy)/perf.txt").files[0]
    #expect(!f.notes.contains(.noSchedSwitch) && !f.notes.contains(.noTimestamps) && !f.notes.contains(.eventsOnly))
    #expect(!f.captureHints.contains(.enableSchedEvents))
  }
  @Test func procSnapshotsWithoutAFaultAreNoEventsOnlyCapture() throws {
    // lab/iowq-fail-fault/threadexit: /proc samples of tasks none of which is in the fault path.
    let f = try analyze(Fixtures.path("lab/iowq-fail-fault/threadexit/stacks.txt")).files[0]
    #expect(f.threads.allSatisfy { $0.verdict == .notInFault })
    #expect(!f.notes.contains(.eventsOnly))
    // Edit: its stack lines dropped (`stat:` samples alone): still /proc samples, not events only.
    let stats = Fixtures.lines(Fixtures.path("lab/iowq-fail-fault/threadexit/stacks.txt")).filter {
      !$0.hasPrefix("[<") && $0 != "stack:"
    }
    let s = try analyze(Fixtures.temporary(stats)).files[0]
    #expect(s.format == "proc-stack" && !s.notes.contains(.eventsOnly))
  }
  @Test func anUndecidedCaptureSaysWhatToRecordAndADecidedOneDoesNot() throws {
    // The hung-task log alone names the blocked task but not what its worker does: INCONCLUSIVE.
    let hung = try analyze(Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/dmesg_hung.txt")).files[0]
    #expect(hung.captureHints.contains(.recordFaultPathTrace) && hung.captureHints.contains(.recordPerfSamples))
    let graph = try analyze(Fixtures.vanillaGraph).files[0]
    #expect(graph.threads.contains { $0.verdict == .spinning })
    #expect(!graph.captureHints.contains(.recordFaultPathTrace) && !graph.captureHints.contains(.recordPerfSamples))
  }
}
