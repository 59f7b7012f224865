import Foundation
import TraceParse

/// Turns a finished ``ThreadTracker`` into per-thread verdicts with evidence, and finds the
/// tasks blocked waiting for them.
public struct FaultLoopDetector {
  let tracker: ThreadTracker
  var thresholds: Thresholds { tracker.thresholds }

  /// A detector over `tracker` (after the last record).
  public init(tracker: ThreadTracker) { self.tracker = tracker }

  /// The analysis of the file: closes the tracker's open phases first (``ThreadTracker/finish()``,
  /// idempotent), then only reads, so analysing twice gives the same result.
  public func analyze(file: String, read: TraceReadResult) -> FileAnalysis {
    tracker.finish()
    let symbols = tracker.symbols
    var verdicts: [ThreadVerdict] = []
    var blocked: [BlockedTask] = []
    // Threads by tid, then the per-CPU stand-ins (tid -2 - cpu) of lines without a task column. The
    // idle task (tid 0) never faults or blocks, no tid is -1, and tids are unique keys of the sort.
    let threads = tracker.threads.values.filter { $0.tid > 0 }.sorted { $0.tid < $1.tid }  // mutants: equivalent
    let pseudo = tracker.threads.values.filter { $0.tid < -1 }.sorted { $0.tid > $1.tid }  // mutants: equivalent
    for t in threads + pseudo {
      let comm = symbols.name(t.comm)
      let isWorker = tracker.roles.isWorker(comm)
      // An io worker is always in scope. Sampled and snapshot input: any task takes ordinary page
      // faults, so another task is in scope only when a sample or stack shows the retry function.
      let retryShot = t.snap.snapshots.contains { s in
        s.inFault && s.frames.contains { tracker.roles.role($0).contains(.retry) }
      }
      let inFault = t.fault.totalCalls > 0 || t.sampled.retrySamples > 0 || retryShot
      if let b = blockedTask(t, comm) { blocked.append(b) }
      guard isWorker || inFault || burnsCPUInKernelUnseen(t) else { continue }
      verdicts.append(verdict(for: t, comm: comm, isWorker: isWorker))
    }
    addCountedVerdicts(&verdicts)
    linkOwners(&verdicts, &blocked)
    corroborate(&verdicts, blocked)
    var notes: [CaptureNote] = []
    var hints: [CaptureHint] = []
    describeCapture(verdicts, blocked, read, &notes, &hints)
    return FileAnalysis(
      file: file, format: read.format.rawValue, lines: read.lines, captureStartNs: tracker.firstTimestamp,
      captureEndNs: tracker.lastTimestamp, threads: verdicts, blockedTasks: blocked, notes: notes, captureHints: hints,
      lostEvents: tracker.lostTotal,
      lostMarks: tracker.lost.prefix(FileAnalysis.lostMarkLimit).map {
        LostEventsMark(line: $0.line, cpu: $0.cpu, events: $0.count, timestampNs: $0.timestamp)
      }, diagnostics: read.diagnostics, skipped: nil)
  }

  // MARK: - one thread

  private func verdict(for t: TrackedThread, comm: String, isWorker: Bool) -> ThreadVerdict {
    let symbols = tracker.symbols
    var v = ThreadVerdict(
      tid: t.tid, comm: comm.isEmpty ? "?" : comm, tgid: t.tgid, ownerTid: Self.ownerTid(comm),
      isWorker: isWorker, verdict: .notInFault, episodes: t.episodes, evidence: [], caveats: [], loopStack: [],
      retriesPerSecond: nil, cpuSharePercent: nil, scheduleReturnedAtOnce: nil)
    // Threads here have a tid above 0 or are per-CPU stand-ins (-2 - cpu): `< 0` and `< 1` read the same.
    if t.tid < 0 { v.caveats.append(.noTaskColumn(cpu: -2 - t.tid)) }  // mutants: equivalent
    if !t.episodes.isEmpty {
      v.verdict = Self.threadVerdict(t.episodes)
      v.loopStack = t.fault.loopStack.map { symbols.name($0) }
      if let worst = t.episodes.last(where: { $0.verdict == v.verdict }) {
        v.evidence.append(
          .phase(
            verdict: worst.verdict, lines: LineRange(worst.firstLine, worst.lastLine), startNs: worst.startNs,
            endNs: worst.endNs))
        v.evidence.append(contentsOf: worst.facts.map { ThreadEvidence.phaseFact(fact: $0) })
        // A loop of retries never lasts 0 or 1 ns (10 calls, timestamps in µs or ns): `d > 0` only keeps a
        // capture with equal timestamps from a division by zero, and `> 1` would read the same.
        if worst.verdict == .spinning, let d = worst.durationNs, d > 0 {  // mutants: equivalent
          v.retriesPerSecond = Double(worst.faultCalls) / (Double(d) / 1e9)
        }
      }
      if let spin = t.episodes.last(where: { $0.verdict == .spinning }) {
        v.scheduleReturnedAtOnce = spin.scheduleReturnedAtOnce
        v.cpuSharePercent = spin.cpuSharePercent
      }
      if t.fault.callersHidden { v.caveats.append(.callersHidden(function: v.loopStack.first ?? "?")) }
    }
    if t.sampled.samples > 0 { applySamples(t, &v) }
    if !t.snap.snapshots.isEmpty || !t.snap.cpuTimes.isEmpty { applySnapshots(t, &v) }
    applyNamedOnly(t, &v)
    applyLostEvents(t, &v)
    if v.verdict == .notInFault, t.sampled.faultSamples == 0 { v.evidence.append(.noFaultPath) }
    v.samples = t.sampled.sampleMarks.map {
      SampleMark(line: $0.line, timestampNs: $0.timestamp, inFaultPath: $0.inFault, stack: $0.stack)
    }
    v.sampleStacks = t.sampled.sampleStacks.map { $0.reversed().map { symbols.name($0) } }
    v.snapshots = Self.snapshotMarks(t)
    return v
  }

  /// A loop or an undecidable phase anywhere decides; otherwise the thread is in its last state
  /// (SLEEPING → RESOLVED is RESOLVED, RESOLVED → SLEEPING is SLEEPING).
  static func threadVerdict(_ episodes: [Episode]) -> Verdict {
    let worst = episodes.map(\.verdict).max()!
    if worst == .spinning || worst == .inconclusive { return worst }
    return episodes.last!.verdict
  }

  static func ownerTid(_ comm: String) -> Int32? {
    guard comm.hasPrefix("iou-wrk-") || comm.hasPrefix("iou-sqp-") else { return nil }
    return Int32(comm.dropFirst(8))
  }

  private func applyLostEvents(_ t: TrackedThread, _ v: inout ThreadVerdict) {
    guard !tracker.lost.isEmpty, let from = t.fault.firstFaultLine ?? t.sampled.faultSampleLines?.first else { return }
    let inWindow = tracker.lost.filter { $0.line >= from && t.ranOn($0.cpu) }
    guard let first = inWindow.first else { return }
    let n = Int(inWindow.reduce(Int64(0)) { $0.addingSaturated($1.count ?? 0) })
    // A loop of enough retries with no loss among them stands whatever was lost around it.
    let losses = inWindow.map(\.line)
    let intact = v.episodes.filter { $0.verdict == .spinning }.map { ($0, Self.longestIntactRun($0, losses)) }
      .max { $0.1 < $1.1 }
    if v.verdict == .spinning, let (loop, retries) = intact, retries >= thresholds.minRetries {
      v.caveats.append(
        .lostEventsBesideIntactLoop(
          line: first.line, cpu: first.cpu, events: n, retries: retries,
          loopLines: LineRange(loop.firstLine, loop.lastLine)))
      return
    }
    v.caveats.append(.lostEvents(line: first.line, cpu: first.cpu, events: n))
    if v.verdict != .notInFault { v.verdict = .inconclusive }
  }

  /// The most back-to-back retries of a SPINNING phase with no lost-event marker (`losses`, lines in
  /// order) between them. Retries past the phase's ``Episode/retryMarkLimit`` marks come after its
  /// last mark.
  static func longestIntactRun(_ e: Episode, _ losses: [Int]) -> Int {
    let inside = losses.filter { $0 > e.firstLine && $0 < e.lastLine }
    // A SPINNING phase has retries, and each of them ends up in some run: the result is never 0, so
    // starting `best` at 0 or at 1 is the same.
    var best = 0  // mutants: equivalent
    var run = 0
    var k = 0
    for m in e.retries {
      while k < inside.count, inside[k] < m.line {
        best = max(best, run)
        run = 0
        k += 1
      }
      run += 1
    }
    if k == inside.count { run += e.faultCalls - e.retries.count }
    return max(best, run)
  }

  // MARK: - blocked tasks

  /// The thread's stack snapshots and /proc stat samples in line order, for pictures.
  static func snapshotMarks(_ t: TrackedThread) -> [SnapshotMark] {
    let stacks = t.snap.snapshots.map {
      SnapshotMark(line: $0.line, timestampNs: $0.timestamp, state: $0.state, inFaultPath: $0.inFault)
    }
    let stats = t.snap.cpuTimes.kept.map {
      SnapshotMark(line: $0.line, timestampNs: $0.timestamp, state: $0.state, inFaultPath: false, cpuTicks: $0.ticks)
    }
    // A snapshot's line is its first frame's, a sample's its stat line's: no two marks of a thread
    // share a line, so `<` and `<=` sort them alike.
    return (stacks + stats).sorted { $0.line < $1.line }  // mutants: equivalent
  }

  private func blockedTask(_ t: TrackedThread, _ comm: String) -> BlockedTask? {
    let symbols = tracker.symbols
    var b = BlockedTask(
      tid: t.tid, comm: comm.isEmpty ? "?" : comm, stack: [], sinceNs: nil, line: 0, blockedForNs: nil,
      untilEndOfCapture: false, reportedHung: false, waitsForWorkers: false, workers: [], evidence: [])
    b.snapshots = Self.snapshotMarks(t)
    if let out = t.sched.switchedOut, out.state == .uninterruptible, !t.sched.exited {
      b.sinceNs = out.timestamp
      b.line = out.line
      b.untilEndOfCapture = true
      if let s = out.timestamp, let e = tracker.lastTimestamp { b.blockedForNs = max(0, e.subtractingSaturated(s)) }
      b.evidence.append(.switchedOutInD(line: out.line, timestampNs: out.timestamp, blockedForNs: b.blockedForNs))
    }
    var sightings = 0
    for s in t.snap.snapshots where s.state == .uninterruptible || s.source == .hungTask || s.exitWait {
      if b.stack.isEmpty || s.exitWait { b.stack = s.frames.map { symbols.name($0) } }
      if s.exitWait { b.waitsForWorkers = true }
      if s.source == .hungTask { b.reportedHung = true }
      if b.line == 0 { b.line = s.line }
      sightings += 1
      if sightings <= Self.sightingsListed {
        b.evidence.append(.sighting(sighting: sighting(s, frames: 3)))
      }
    }
    if sightings > Self.sightingsListed { b.evidence.append(.moreSightings(count: sightings - Self.sightingsListed)) }
    guard b.untilEndOfCapture || !b.stack.isEmpty else { return nil }
    if PseudoTid.isPseudo(t.tid) { b.evidence.append(.placeholderTid(tid: t.tid)) }
    return b
  }

  /// Blocked-task sightings listed one by one; the rest are counted.
  static let sightingsListed = 3

  func sighting(_ s: SnapshotState.Snapshot, frames: Int) -> StackSighting {
    StackSighting(
      source: s.source, line: s.line, state: s.state, frames: s.frames.prefix(frames).map { tracker.symbols.name($0) })
  }

  private func linkOwners(_ verdicts: inout [ThreadVerdict], _ blocked: inout [BlockedTask]) {
    var workersOf: [Int32: [Int32]] = [:]
    for v in verdicts { if let o = v.ownerTid { workersOf[o, default: []].append(v.tid) } }
    for i in blocked.indices { blocked[i].workers = workersOf[blocked[i].tid] ?? [] }
  }

  /// Snapshot and sampled evidence is weak alone. A worker caught on-CPU in the fault path (or
  /// burning a CPU) while the task that owns it is blocked waiting for its workers to exit is the
  /// signature of the loop.
  private func corroborate(_ verdicts: inout [ThreadVerdict], _ blocked: [BlockedTask]) {
    let waiter = blocked.first(where: \.waitsForWorkers)
    for i in verdicts.indices where verdicts[i].verdict == .inconclusive && verdicts[i].awaitsCorroboration {
      guard let w = waiter else { continue }
      verdicts[i].verdict = .spinning
      verdicts[i].caveats.removeAll(where: \.awaitsCorroboration)
      verdicts[i].evidence.append(
        .ownerWaitsForWorkers(
          tid: w.tid, comm: w.comm,
          frame: w.stack.first { $0.hasPrefix("io_wq_put_and_exit") } ?? w.stack.first ?? "io_wq_put_and_exit"))
      verdicts[i].caveats.append(.weakerThanTrace)
    }
  }

  // MARK: - what the capture shows

  private func describeCapture(
    _ verdicts: [ThreadVerdict], _ blocked: [BlockedTask], _ read: TraceReadResult, _ notes: inout [CaptureNote],
    _ hints: inout [CaptureHint]
  ) {
    if read.isCutWindow { notes.append(.cutWindow) }
    if tracker.sawFunctionRecords, !tracker.sawSchedSwitch {
      notes.append(.noSchedSwitch)
      hints.append(.enableSchedEvents)
    }
    if tracker.sawFunctionRecords, tracker.firstTimestamp == nil {
      notes.append(.noTimestamps)
      hints.append(.enableAbsoluteTimestamps)
    }
    if !tracker.sawFunctionRecords, !tracker.sawSamples, !tracker.sawSnapshots,
      verdicts.allSatisfy({ $0.verdict == .notInFault })
    {
      notes.append(.eventsOnly)
    }
    if verdicts.contains(where: { $0.verdict == .inconclusive }) || verdicts.isEmpty && !blocked.isEmpty {
      hints.append(.recordFaultPathTrace)
      hints.append(.recordPerfSamples)
    }
    if tracker.lostTotal > 0 {
      notes.append(.lostEventMarkers(count: tracker.lost.count))
      hints.append(.largerBuffer)
    }
    if verdicts.isEmpty { notes.append(.noThreadInScope(blockedTasksSeen: !blocked.isEmpty)) }
  }
}
