import Foundation
import Testing
import TraceParse

@testable import TraceAnalysis

/// The tracker's own state on real captures: finishing is idempotent, the live status crosses into
/// SPINNING exactly at the minimum retries, CPUs a thread never ran on stay out of its window, and
/// the schedule() evidence of a loop counts single calls.
@Suite struct TrackerStateTests {
  static let graph = Fixtures.lines(Fixtures.vanillaGraph)
  static let retries = CaptureEdits.entries(graph, comm: "iou-wrk-67")
  /// The line of the sched_switch that takes the worker off the CPU (state S) in its first fault call.
  static let firstSwitchOut = (retries[0]..<graph.count).first {
    graph[$0].contains("sched_switch: prev_comm=iou-wrk-66 prev_pid=67 ")
  }

  /// A tracker fed `path` to its end, not finished.
  func tracked(_ path: String, minRetries: Int = 10) throws -> (ThreadTracker, TraceReadResult) {
    let symbols = SymbolTable()
    var th = Thresholds()
    th.minRetries = minRetries
    let tracker = ThreadTracker(symbols: symbols, thresholds: th)
    let reader = TraceFileReader(symbols: symbols, forcedFormat: nil)
    var sink = tracker
    let read = try reader.read(path: path, displayName: path, into: &sink)
    return (tracker, read)
  }

  @Test func analysingTwiceGivesTheSameResult() throws {
    for path in [Fixtures.vanillaGraph, Fixtures.fixGraph, Fixtures.kill9Graph] {
      let (tracker, read) = try tracked(path)
      let first = FaultLoopDetector(tracker: tracker).analyze(file: path, read: read)
      let second = FaultLoopDetector(tracker: tracker).analyze(file: path, read: read)
      #expect(first == second)
      #expect(first.threads.contains { !$0.episodes.isEmpty })
    }
  }

  @Test func recordsAfterTheEndChangeNothing() throws {
    let (tracker, read) = try tracked(Fixtures.fixGraph)
    let first = FaultLoopDetector(tracker: tracker).analyze(file: "f", read: read)
    tracker.receive(.lost(RecordContext(line: 1), count: 5))
    #expect(FaultLoopDetector(tracker: tracker).analyze(file: "f", read: read) == first)
  }

  /// Cut: the capture up to (not including) the line after the exit of the loop's `n`th retry, i.e.
  /// just before the entry of retry `n + 1`.
  func cutAfterRetry(_ n: Int) -> String {
    Fixtures.temporary(Array(Self.graph[..<Self.retries[n + 1]]))
  }

  @Test func theLiveStatusSaysSpinningAtTheTenthRetryAndNotBefore() throws {
    let (ten, _) = try tracked(cutAfterRetry(10))
    #expect(ten.liveStatus().first { $0.tid == 67 }?.verdict == .spinning)
    #expect(ten.spinningThreads == [67])
    let (nine, _) = try tracked(cutAfterRetry(9))
    #expect(nine.liveStatus().first { $0.tid == 67 }?.verdict == .inconclusive)
    #expect(nine.spinningThreads.isEmpty)
  }

  @Test func theLiveStatusSaysSleepingOnceTheOpenFaultCallIsSwitchedOutBlocked() throws {
    // Cuts inside the worker's first fault call (it sleeps 315 ms): just before and just after the
    // sched_switch that takes it off the CPU in state S.
    let entry = Self.retries[0]
    let out = try #require(Self.firstSwitchOut)
    let (running, _) = try tracked(Fixtures.temporary(Array(Self.graph[..<out])))
    #expect(running.liveStatus().first { $0.tid == 67 }?.verdict == .inconclusive)
    let (asleep, _) = try tracked(Fixtures.temporary(Array(Self.graph[...out])))
    let status = try #require(asleep.liveStatus().first { $0.tid == 67 })
    #expect(status.verdict == .sleeping && status.state == "S")
    #expect(status.since == CaptureEdits.timestamp(Self.graph[entry]))
  }

  @Test func aCaptureThatEndsInsideASleepingFaultCallEndsInOneSleepingCall() throws {
    // Cut: the vanilla graph up to the sched_switch that takes the worker off the CPU in its first
    // fault call.
    let out = try #require(Self.firstSwitchOut)
    let w = try #require(try analyze(Fixtures.temporary(Array(Self.graph[...out]))).thread(67))
    #expect(w.verdict == .sleeping && w.episodes.count == 1)
    #expect(w.episodes[0].faultCalls == 1 && w.episodes[0].untilEndOfCapture)
    #expect(w.episodes[0].facts.first == .stillBlockedAtEnd)
  }

  @Test func oneQuickRetryAtTheEndAfterASleepWithoutQuickRetriesIsUndecided() throws {
    // Cut after the loop's first retry: the first call slept with no quick retry before it, so one
    // quick retry at the end is not "as many as before sleeping", and too few for a loop.
    let w = try #require(try analyze(cutAfterRetry(1)).thread(67))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .inconclusive])
    #expect(w.episodes[1].facts == [.tooFewRetriesAtEnd(retries: 1, needed: 10)])
  }

  @Test func withALoopOfOneRetryOnlyTheRetryingThreadSpins() throws {
    // --min-retries 1, cut after the loop's first retry: the threads that never retried do not spin.
    let (one, _) = try tracked(cutAfterRetry(1), minRetries: 1)
    #expect(one.threads.count > 1)
    #expect(one.spinningThreads == [67])
  }

  @Test func aLoopOfTwoWithOneScheduleReturnedAtOnceSaysSo() throws {
    // Cut inside the loop's 2nd retry, before its schedule(): one schedule() returned at once, in the
    // 1st. With --min-retries 2 the two retries are a loop.
    let second = Self.retries[2]
    let schedule = try #require((second..<Self.graph.count).first { Self.graph[$0].hasSuffix("schedule() {") })
    let cut = Fixtures.temporary(Array(Self.graph[..<schedule]))
    let w = try #require(try analyze(cut) { $0.thresholds.minRetries = 2 }.thread(67))
    let spin = try #require(w.episodes.last)
    #expect(spin.verdict == .spinning && spin.faultCalls == 2)
    #expect(spin.facts.contains(.scheduleReturnedAtOnce(returnedAtOnce: 1, calls: 1)))
    #expect(spin.scheduleReturnedAtOnce == true && w.scheduleReturnedAtOnce == true)
  }

  @Test func aScheduleLeafInALoopReturnedAtOnce() throws {
    // Edit: the worker's lines of the vanilla graph as printed with max_graph_depth 2, so that each
    // schedule() of the loop (nothing printed inside it) is a leaf `schedule();`. The first call's
    // schedule(), in which it switched out, keeps its braces.
    let limited = CaptureEdits.depthLimited(Self.graph, comm: "iou-wrk-67", depth: 2)
    try #require(limited.filter { $0.hasSuffix(" schedule();") && $0.contains(" iou-wrk-67 ") }.count == 77)
    let w = try #require(try analyze(Fixtures.temporary(limited)).thread(67))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .spinning])
    #expect(w.episodes[1].facts.contains(.scheduleReturnedAtOnce(returnedAtOnce: 77, calls: 77)))
  }

  @Test func aRetryLeafWithoutADurationEndsWhereItStarts() throws {
    // Edits: the vanilla graph as printed with max_graph_depth 1 and funcgraph-duration off, so each
    // retry of the loop is a leaf `handle_userfault();` with no duration; then, as in
    // RuleBoundaryTests' loop that ends, the worker's lines from its 41st retry on are dropped and
    // every line from there on is stamped 100 ms later.
    let cut = Self.retries[41]
    let shifted = CaptureEdits.shift(Self.graph, from: cut, by: 100_000_000)
    let limited = CaptureEdits.depthLimited(
      Array(shifted[..<cut]) + shifted[cut...].filter { !$0.contains(" iou-wrk-67 ") }, comm: "iou-wrk-67", depth: 1)
    let lines = CaptureEdits.withoutDurations(limited)
    let leaves = lines.indices.filter {
      lines[$0].contains(" iou-wrk-67 ") && lines[$0].hasSuffix("| handle_userfault();")
    }
    try #require(leaves.count == 40)
    let w = try #require(try analyze(Fixtures.temporary(lines)).thread(67))
    #expect(w.episodes.map(\.verdict) == [.sleeping, .spinning, .resolved])
    let loop = w.episodes[1]
    #expect(loop.faultCalls == 40 && !loop.untilEndOfCapture)
    #expect(loop.endNs == CaptureEdits.timestamp(lines[leaves[39]]))
  }

  /// The verdict of the worker (tid 81) of `lines`, an edit of lab/vanilla/kill9, with a marker
  /// `CPU:n [LOST 10 EVENTS]` just after the entry of its first fault call.
  func kill9WorkerVerdict(_ lines: [String]) throws -> (Int) throws -> Verdict? {
    let first = try #require(CaptureEdits.entries(lines, comm: "iou-wrk-81").first)
    return { cpu in
      var edited = lines
      edited.insert("CPU:\(cpu) [LOST 10 EVENTS]", at: first + 1)
      return try analyze(Fixtures.temporary(edited)).thread(81)?.verdict
    }
  }

  @Test func lostEventsOnTheOnlyCPUAWorkerRanOnCountAndOnAnotherDoNot() throws {
    // lab/vanilla/kill9: the worker (tid 81) ran on CPU 1 only; edit: a marker after its first fault.
    let lines = Fixtures.lines(Fixtures.path("lab/vanilla/kill9/fgraph_proc.txt"))
    let verdict = try kill9WorkerVerdict(lines)
    #expect(try verdict(0) == .resolved)
    #expect(try verdict(1) == .inconclusive)
  }

  @Test func cpusFrom63UpShareOneBitOfTheMaskAndLowerOnesDoNot() throws {
    // lab/vanilla/kill9, edited: CPU 1 relabelled CPU 70 (a machine with more than 64 CPUs) in the
    // graph's CPU column and banners; then a marker after the worker's first fault, on CPU n.
    let lines = Fixtures.lines(Fixtures.path("lab/vanilla/kill9/fgraph_proc.txt")).map { line in
      line.replacingOccurrences(of: "|   1)", with: "|  70)").replacingOccurrences(of: " 1)  ", with: "70)  ")
    }
    let verdict = try kill9WorkerVerdict(lines)
    #expect(try verdict(0) == .resolved)
    #expect(try verdict(62) == .resolved)
    #expect(try verdict(64) == .inconclusive)  // may have been the worker's: CPUs from 63 up are one bit
    #expect(try verdict(70) == .inconclusive)
  }

  @Test func aThreadsCallStackKeepsAt4096OpenCalls() throws {
    // Edit: the vanilla graph cut after the worker's first handle_userfault() entry, and that entry
    // line repeated after it (entries without exits, as a graph whose exits were lost): up to the
    // limit every entry is kept, past it none.
    let first = Self.retries[0]
    let head = Array(Self.graph[...first])
    let depth = try #require(try tracked(Fixtures.temporary(head)).0.threads[67]).stack.count
    try #require(depth > 0 && depth < TrackedThread.maxStackDepth)
    #expect(TrackedThread.maxStackDepth == 4096)
    for extra in [TrackedThread.maxStackDepth - depth, 5000] {
      let lines = head + Array(repeating: Self.graph[first], count: extra)
      let t = try #require(try tracked(Fixtures.temporary(lines)).0.threads[67])
      #expect(t.stack.count == TrackedThread.maxStackDepth, "\(extra) more entries")
    }
  }

  @Test func everyLostMarkerIsCountedAndTheFirst4096AreKeptForPictures() throws {
    // Edit: 5000 markers `CPU:1 [LOST 2 EVENTS]` appended to the real capture lab/vanilla/kill9.
    let lines = Fixtures.lines(Fixtures.path("lab/vanilla/kill9/fgraph_proc.txt"))
    let f = try analyze(Fixtures.temporary(lines + Array(repeating: "CPU:1 [LOST 2 EVENTS]", count: 5000))).files[0]
    #expect(f.lostEvents == 10_000)
    #expect(f.lostMarks.count == 4096 && f.lostMarks.last?.line == lines.count + 4096)
  }

  @Test func theLiveStatusShowsAPlainThreadInTheFaultPathDuringItsFirstCallAndAfter() throws {
    // lab/vanilla/write-signal: uffd_io-81, not an io worker, takes the fault in write(2). Cuts: just
    // after the entry of its first handle_userfault() call (open), and just before its second entry.
    let lines = Fixtures.lines(Fixtures.path("lab/vanilla/write-signal/fgraph_proc.txt"))
    let entries = CaptureEdits.entries(lines, comm: "uffd_io-81")
    for cut in [entries[0] + 1, entries[1]] {
      let (tracker, _) = try tracked(Fixtures.temporary(Array(lines[..<cut])))
      let status = tracker.liveStatus().first { $0.tid == 81 }
      #expect(status?.faultCalls == 1, "cut at line \(cut)")
    }
  }

  @Test func theLiveStatusLeavesOutThreadsThatAreNeitherWorkersNorInTheFaultPath() throws {
    // The vanilla graph: rcu_sched (tid 15) only switches in and out; the worker (67) spins.
    let (tracker, _) = try tracked(Fixtures.vanillaGraph)
    let tids = Set(tracker.liveStatus().map(\.tid))
    #expect(tids.contains(67) && !tids.contains(15) && tracker.threads[15] != nil)
  }

  @Test func procStatSamplesWithoutStacksAreNotCalledEventsOnly() throws {
    // Edit: the /proc captures of the fixed kernel without their stack lines (stat lines only): the
    // worker is idle and in no fault path, but /proc counters are not "events only".
    let lines = Fixtures.lines(Fixtures.path("shared-traces/fix-fail-fault/threadexit/stacks.txt"))
      .filter { !$0.hasPrefix("[<") }
    let run = try analyze(Fixtures.temporary(lines))
    #expect(run.files[0].threads.allSatisfy { $0.verdict == .notInFault })
    #expect(!run.files[0].notes.contains(.eventsOnly))
  }

  @Test func schedEventsAloneAreCalledEventsOnly() throws {
    // Edit: the vanilla graph with only its sched event lines kept (function lines dropped): the
    // worker is in scope, in no fault path as far as these lines show.
    let lines = Self.graph.filter { $0.contains("/* sched_") || $0.hasPrefix("#") }
    let f = try analyze(Fixtures.temporary(lines)).files[0]
    #expect(f.threads.contains { $0.isWorker })
    #expect(f.threads.allSatisfy { $0.verdict == .notInFault && $0.evidence.contains(.noFaultPath) })
    #expect(f.notes.contains(.eventsOnly))
  }

  @Test func lostEventsOnAnyCPUCountWhenTheGraphHasNoCPUColumn() throws {
    // lab/vanilla/kill9, edited: the CPU column (`funcgraph-cpu` off) cut from every line and banner,
    // so no CPU of the worker (tid 81) is known; then a marker after its first fault, on CPU n.
    let lines = Fixtures.lines(Fixtures.path("lab/vanilla/kill9/fgraph_proc.txt")).map { line -> String in
      guard let cpu = line.range(of: #"^ \d+\) |(?<=\|  ) +\d+\) "#, options: .regularExpression) else { return line }
      return line.replacingCharacters(in: cpu, with: cpu.lowerBound == line.startIndex ? " " : "")
    }
    let first = try #require(CaptureEdits.entries(lines, comm: "iou-wrk-81").first)
    try #require(!lines[first].contains(")   iou-wrk-81") && !lines.contains { $0.hasPrefix(" 1) ") })
    let verdict = try kill9WorkerVerdict(lines)
    #expect(try verdict(0) == .inconclusive)
    #expect(try verdict(1) == .inconclusive)
    #expect(try analyze(Fixtures.temporary(lines)).thread(81)?.verdict == .resolved)
  }

  @Test func lostEventsOnAnotherCPUThanTheOnlyOneAWorkerRanOnDoNotCount() throws {
    // lab/vanilla/kill9, edited: CPUs 0 and 1 swapped in the graph's CPU column and banners, so the
    // worker (tid 81) ran on CPU 0 only; then a marker after its first fault, on CPU n.
    func swapped(_ line: String) -> String {
      for (a, b) in [(" 0)", " 1)"), (" 1)", " 0)")] {
        if line.hasPrefix(a) { return b + line.dropFirst(3) }  // a banner
        if line.contains("|  \(a)") { return line.replacingOccurrences(of: "|  \(a)", with: "|  \(b)") }
      }
      return line
    }
    let lines = Fixtures.lines(Fixtures.path("lab/vanilla/kill9/fgraph_proc.txt")).map(swapped)
    let first = try #require(CaptureEdits.entries(lines, comm: "iou-wrk-81").first)
    #expect(lines[first].contains("|   0)"))
    let verdict = try kill9WorkerVerdict(lines)
    #expect(try verdict(1) == .resolved)
    #expect(try verdict(0) == .inconclusive)
  }

  @Test func aWindowEndingInsideTheFirstFaultCallNamesTheFaultFunction() throws {
    // Cut: the first 250 lines, which end while the worker sleeps in its first handle_userfault().
    let w = try #require(try analyze(Fixtures.temporary(Array(Self.graph.prefix(250)))).thread(67))
    #expect(w.verdict == .sleeping)
    #expect(w.loopStack == ["handle_userfault"])
    #expect(w.caveats.contains(.callersHidden(function: "handle_userfault")))
  }
}
