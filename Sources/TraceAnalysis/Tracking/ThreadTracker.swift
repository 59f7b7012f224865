import TraceParse

/// A lost-events marker: anything spanning it is uncertain.
struct LostMarker {
  var line: Int
  var cpu: Int32
  var count: Int64?
  /// The marker's time, or the last one before it.
  var timestamp: Int64?
}

/// Builds per-thread state from a record stream: rebuilt call stacks (per thread; per CPU through
/// context-switch banners when the proc column is off), on/off-CPU intervals with the sleep state,
/// and the fault-call phases that the detector turns into verdicts. Memory is bounded by
/// threads × stack depth plus a few phases per thread, not by the file size.
public final class ThreadTracker: TraceRecordSink {
  let symbols: SymbolTable
  let roles: SymbolRoles
  let thresholds: Thresholds
  /// Every thread seen, for the tracker's whole life (none is ever removed).
  var threads: [Int32: TrackedThread] = [:]
  /// The thread of the last record, unretained: ``threads`` keeps it alive, and a function record
  /// borrows it (``withOwner(_:_:)``) without a retain and a release.
  private var last: Unmanaged<TrackedThread>?
  var lost: [LostMarker] = []
  var lostTotal = 0
  /// Events lost so far (lost-events markers; what a live capture watches for `--method auto`).
  public var lostEventCount: Int { lostTotal }
  var sawSchedSwitch = false
  var sawFunctionRecords = false
  var sawSamples = false
  var sawSnapshots = false
  var firstTimestamp: Int64?
  var lastTimestamp: Int64?
  // Read only when closing threads' phases, and a thread exists only after a record set it.
  var lastLine = 0  // mutants: equivalent
  var records = 0
  /// Set once ``finish()`` closed the open phases.
  var finished = false
  /// Sampled input: a sample was printed without a period (`perf script -F` without `period`,
  /// ftrace stack traces), so no sampled CPU share is known.
  var sawSampleWithoutPeriod = false
  /// Sampled input: the sum of the sample periods on each CPU (when the CPU column is printed).
  /// Periods count the sampled event, whatever it is (ns for cpu-clock, cycles for cycles).
  var samplePeriodsPerCPU: [Int32: Int64] = [:]
  /// Sampled input: the CPUs on which the idle task (tid 0) was sampled. Any other was never idle.
  var cpusSampledIdle: Set<Int32> = []
  /// What a pasted report states about a task (claims, not measurements), by tid.
  var claims: [Int32: [ReportedClaim]] = [:]
  /// lockdep's lock-holder lines (``KernelLogParser/heldLocksEvent``) name tasks this way.
  let heldLocksEvent: Symbol
  /// Readings of tracefs histograms (hist input), for ``FaultLoopDetector/addCountedVerdicts(_:)``.
  var counted = CountedReadings()

  /// A tracker classifying symbols of `symbols` with `rule`.
  public init(symbols: SymbolTable, rule: FaultLoopRule = .userfaultfdRetry, thresholds: Thresholds = Thresholds()) {
    self.symbols = symbols
    roles = SymbolRoles(symbols: symbols, rule: rule)
    self.thresholds = thresholds
    heldLocksEvent = symbols.intern(KernelLogParser.heldLocksEvent)
  }

  @inline(__always)
  func thread(_ tid: Int32) -> TrackedThread {
    if let u = last, u._withUnsafeGuaranteedRef({ $0.tid == tid }) { return u.takeUnretainedValue() }
    if let t = threads[tid] {
      last = Unmanaged.passUnretained(t)
      return t
    }
    let t = TrackedThread(tid: tid)
    threads[tid] = t
    last = Unmanaged.passUnretained(t)
    return t
  }

  /// The thread a line belongs to; lines with no tid and no CPU banner get a per-CPU pseudo thread.
  @inline(__always)
  private func owner(_ ctx: RecordContext) -> TrackedThread {
    let t = thread(ownerTid(ctx))
    noteOwner(t, ctx)
    return t
  }

  /// Calls `body` with ``owner(_:)`` of `ctx`; the thread of the last record is lent as it is.
  @inline(__always)
  private func withOwner(_ ctx: RecordContext, _ body: (TrackedThread) -> Void) {
    let tid = ownerTid(ctx)
    if let u = last, u._withUnsafeGuaranteedRef({ $0.tid == tid }) {
      u._withUnsafeGuaranteedRef { t in
        noteOwner(t, ctx)
        body(t)
      }
    } else {
      body(owner(ctx))
    }
  }

  /// The tid of the thread a line belongs to (see ``owner(_:)``).
  @inline(__always)
  private func ownerTid(_ ctx: RecordContext) -> Int32 {
    ctx.tid >= 0 ? ctx.tid : -2 - max(ctx.cpu, 0)
  }

  /// What a line tells of the thread it belongs to: its CPU, its tgid and (unless a fuller one is
  /// known) its comm.
  @inline(__always)
  private func noteOwner(_ t: TrackedThread, _ ctx: RecordContext) {
    t.noteCPU(ctx.cpu)
    // Only the idle task (tid 0, never reported: the detector keeps tids above 0) has tgid 0, so
    // `>= 0` and `> 0` give the same reports.
    if ctx.tgid >= 0 { t.tgid = ctx.tgid }  // mutants: equivalent
    if ctx.comm != .none, !t.commIsFull { t.comm = ctx.comm }
  }

  private func setFullComm(_ t: TrackedThread, _ comm: Symbol) {
    guard comm != .none else { return }
    t.comm = comm
    t.commIsFull = true
  }

  /// Counts a record and the span of lines and times seen (first thing for every record).
  @inline(__always)
  private func noteRecord(_ ctx: RecordContext) {
    records += 1
    lastLine = ctx.line
    if let ts = ctx.timestamp {
      if firstTimestamp == nil { firstTimestamp = ts }
      lastTimestamp = max(lastTimestamp ?? ts, ts)
    }
  }

  /// Takes one record. Inlined where a reader specialised for the tracker emits one: a function
  /// record (nearly all of a graph) goes straight to its handler, without being built as a
  /// ``TraceRecord`` and switched on.
  @inline(__always)
  public func receive(_ record: TraceRecord) {
    switch record {
    case .functionEntry(let ctx, let fn): functionEntry(ctx, fn)
    case .functionExit(let ctx, let fn, let duration): functionExit(ctx, fn, duration)
    case .functionLeaf(let ctx, let fn, let duration): functionLeaf(ctx, fn, duration)
    default: receiveOther(record)
    }
  }

  private func functionEntry(_ ctx: RecordContext, _ fn: Symbol) {
    guard !finished else { return }
    noteRecord(ctx)
    sawFunctionRecords = true
    withOwner(ctx) { enter($0, fn, ctx) }
  }

  private func functionExit(_ ctx: RecordContext, _ fn: Symbol?, _ duration: Int64?) {
    guard !finished else { return }
    noteRecord(ctx)
    sawFunctionRecords = true
    withOwner(ctx) { exit($0, fn, duration, ctx) }
  }

  private func functionLeaf(_ ctx: RecordContext, _ fn: Symbol, _ duration: Int64?) {
    guard !finished else { return }
    noteRecord(ctx)
    sawFunctionRecords = true
    withOwner(ctx) { leaf($0, fn, duration, ctx) }
  }

  /// The records other than function calls.
  private func receiveOther(_ record: TraceRecord) {
    guard !finished else { return }
    // One switch, each case counting its record first.
    switch record {
    case .functionEntry, .functionExit, .functionLeaf: return  // ``receive(_:)`` takes them
    case .schedSwitch(let ctx, let sw):
      noteRecord(ctx)
      sawSchedSwitch = true
      switchOut(sw, ctx)
      switchIn(sw, ctx)
    case .schedWakeup(let ctx, let target, let comm):
      noteRecord(ctx)
      let t = thread(target)
      setFullComm(t, comm)
      if t.fault.openCall != nil { t.fault.openCall!.wakeups += 1 }
    case .processExit(let ctx, let tid, let comm):
      noteRecord(ctx)
      let t = thread(tid)
      setFullComm(t, comm)
      t.sched.exit = (ctx.line, ctx.timestamp)
    case .graphTaskChange(let ctx, let prevTid, _, _):
      // The next task's own lines name it (the parser gives them the banner's task); the task the
      // banner switches away from is a thread of the trace (`--thread` finds it).
      noteRecord(ctx)
      _ = thread(prevTid)
    case .lost(let ctx, let count):
      noteRecord(ctx)
      lost.append(LostMarker(line: ctx.line, cpu: ctx.cpu, count: count, timestamp: ctx.timestamp ?? lastTimestamp))
      lostTotal = Int(Int64(lostTotal).addingSaturated(count ?? 1))
    case .event(let ctx, let name):
      noteRecord(ctx)
      let t = owner(ctx)
      if name == heldLocksEvent { t.snap.namedByLockdep = true }
    case .claim(let ctx, let claim):
      noteRecord(ctx)
      claims[owner(ctx).tid, default: []].append(claim)
    case .histogram(let ctx, let h):
      noteRecord(ctx)
      counted.add(h, at: ctx) { roles.role($0).contains(.retry) }
    case .sample(let ctx, let event, let period, let stack):
      noteRecord(ctx)
      sawSamples = true
      recordSample(owner(ctx), ctx, event, period, stack)
    case .stackSnapshot(let ctx, let source, let state, let stack):
      noteRecord(ctx)
      sawSnapshots = true
      recordSnapshot(owner(ctx), ctx, source, state, stack)
    case .cpuTimeSample(let ctx, let state, let user, let system):
      noteRecord(ctx)
      sawSnapshots = true
      let t = owner(ctx)
      t.snap.cpuTimes.add(
        CPUTimes.Sample(
          timestamp: ctx.timestamp, state: state, ticks: user.addingSaturated(system), systemTicks: system,
          line: ctx.line))
    }
  }

  // MARK: - function_graph

  // enter, exit and leaf have one caller each (functionEntry, functionExit, functionLeaf), which
  // they are inlined into.

  @inline(__always) private func enter(_ t: TrackedThread, _ fn: Symbol, _ ctx: RecordContext) {
    let role = roles.role(fn)
    if role.contains(.retry), t.fault.openCall == nil {
      beginCall(t, fn, ctx)
    } else if role.contains(.schedule), t.fault.openCall != nil, t.fault.openCall!.openSchedule == nil {
      t.fault.openCall!.openSchedule = OpenSchedule(depth: t.stack.count)
    }
    if t.stack.count < TrackedThread.maxStackDepth {
      t.stack.append(Frame(function: fn, timestamp: ctx.timestamp, line: ctx.line))
    }
  }

  private func beginCall(_ t: TrackedThread, _ fn: Symbol, _ ctx: RecordContext) {
    t.fault.openCall = FaultCall(start: ctx.timestamp, line: ctx.line)
    if t.fault.firstFaultLine == nil { t.fault.firstFaultLine = ctx.line }
    if t.fault.loopStack.isEmpty { t.fault.loopStack = t.stack.map(\.function) + [fn] }
  }

  @inline(__always) private func exit(_ t: TrackedThread, _ fn: Symbol?, _ duration: Int64?, _ ctx: RecordContext) {
    guard !t.stack.isEmpty else {
      t.fault.orphanExits += 1
      // `} /* handle_userfault */` with no entry: a call that began before the capture.
      if let fn, roles.role(fn).contains(.retry), t.fault.openCall == nil {
        var call = FaultCall(start: startOf(ctx.timestamp, duration), line: ctx.line)
        if let duration { call.longestSchedule = duration }
        if t.fault.firstFaultLine == nil { t.fault.firstFaultLine = ctx.line }
        if t.fault.loopStack.isEmpty { t.fault.loopStack = [fn] }
        endCall(t, call, end: ctx.timestamp, line: ctx.line)
      }
      return
    }
    var target = t.stack.count - 1
    if let fn, t.stack[target].function != fn {
      // Find the named frame; if it is not open at all, this exit is an orphan.
      if let i = t.stack.lastIndex(where: { $0.function == fn }) {
        target = i
      } else {
        t.fault.orphanExits += 1
        return
      }
    }
    while t.stack.count > target {
      let frame = t.stack.removeLast()
      let isTarget = t.stack.count == target
      closeFrame(t, frame, duration: isTarget ? duration : nil, ctx)
    }
  }

  @inline(__always) private func leaf(_ t: TrackedThread, _ fn: Symbol, _ duration: Int64?, _ ctx: RecordContext) {
    let role = roles.role(fn)
    if role.contains(.retry), t.fault.openCall == nil {
      // A retry call with no traced children: it cannot have switched out (the switch event
      // would have been printed inside it). Long ones count as slept only by inference.
      var call = FaultCall(start: ctx.timestamp, line: ctx.line)
      if let duration { call.longestSchedule = duration }
      if t.fault.firstFaultLine == nil { t.fault.firstFaultLine = ctx.line }
      if t.fault.loopStack.isEmpty { t.fault.loopStack = t.stack.map(\.function) + [fn] }
      let end = ctx.timestamp.map { $0.addingSaturated(max(0, duration ?? 0)) }
      endCall(t, call, end: end, line: ctx.line)
    } else if role.contains(.schedule), t.fault.openCall != nil {
      t.fault.openCall!.schedules += 1
      t.fault.openCall!.schedulesReturnedAtOnce += 1
    }
  }

  private func closeFrame(_ t: TrackedThread, _ frame: Frame, duration: Int64?, _ ctx: RecordContext) {
    let role = roles.role(frame.function)
    let elapsed =
      duration ?? ctx.timestamp.flatMap { end in frame.timestamp.map { max(0, end.subtractingSaturated($0)) } }
    if let s = t.fault.openCall?.openSchedule, s.depth == t.stack.count {
      t.fault.openCall!.schedules += 1
      if !s.switched { t.fault.openCall!.schedulesReturnedAtOnce += 1 }
      t.fault.openCall!.longestSchedule = max(t.fault.openCall!.longestSchedule, elapsed ?? 0)
      t.fault.openCall!.openSchedule = nil
    }
    if role.contains(.retry), let call = t.fault.openCall {
      endCall(t, call, end: ctx.timestamp, line: ctx.line)
    }
  }

  private func startOf(_ end: Int64?, _ duration: Int64?) -> Int64? {
    guard let end, let duration else { return end }
    return end.subtractingSaturated(duration)
  }

  // MARK: - scheduler

  private func switchOut(_ sw: SchedSwitch, _ ctx: RecordContext) {
    let t = thread(sw.prevTid)
    setFullComm(t, sw.prevComm)
    t.noteCPU(ctx.cpu)
    t.sched.switchedOut = SwitchOut(timestamp: ctx.timestamp, state: sw.prevState, line: ctx.line)
    if sw.prevState == .dead {
      t.sched.exit = (ctx.line, ctx.timestamp)
    }
    if t.fault.openCall == nil, t.fault.run != nil, sw.prevState.isBlocked {
      // Blocked between two retries: whatever loop this was, it sleeps.
      flushRun(t, atEnd: false)
    }
    if t.fault.openCall != nil {
      if sw.prevState.isBlocked {
        // A call that slept counts no schedule() that returned at once: only retry runs report them.
        t.fault.openCall!.sleptBlocked = true
      } else {
        t.fault.openCall!.preemptions += 1
        if t.fault.openCall!.openSchedule != nil { t.fault.openCall!.openSchedule!.switched = true }
      }
    }
  }

  private func switchIn(_ sw: SchedSwitch, _ ctx: RecordContext) {
    let t = thread(sw.nextTid)
    setFullComm(t, sw.nextComm)
    t.noteCPU(ctx.cpu)
    if let out = t.sched.switchedOut, let at = out.timestamp, let now = ctx.timestamp {
      let off = max(0, now.subtractingSaturated(at))
      let blocked = out.state.isBlocked
      if t.fault.openCall != nil {
        t.fault.openCall!.offCPUTime = t.fault.openCall!.offCPUTime.addingSaturated(off)
        if blocked { t.fault.openCall!.blockedTime = t.fault.openCall!.blockedTime.addingSaturated(off) }
      } else if t.fault.run != nil {
        t.fault.run!.offCPUTime = t.fault.run!.offCPUTime.addingSaturated(off)
      }
    }
    t.sched.switchedOut = nil
  }

  // MARK: - samples and snapshots

  private func recordSample(
    _ t: TrackedThread, _ ctx: RecordContext, _ event: Symbol, _ period: Int64?, _ stack: StackFrames
  ) {
    t.sampled.samples += 1
    if t.tid == 0, ctx.cpu >= 0 { cpusSampledIdle.insert(ctx.cpu) }
    if let period {
      t.sampled.samplePeriodSum = t.sampled.samplePeriodSum.addingSaturated(period)
      if ctx.cpu >= 0 { samplePeriodsPerCPU[ctx.cpu] = (samplePeriodsPerCPU[ctx.cpu] ?? 0).addingSaturated(period) }
    } else {
      sawSampleWithoutPeriod = true
    }
    var inFault = false
    var retry = false
    for f in stack.frames {
      let r = roles.role(f)
      if r.contains(.faultPath) { inFault = true }
      if r.contains(.retry) { retry = true }
    }
    t.sampled.markSample(line: ctx.line, timestamp: ctx.timestamp, inFault: inFault, frames: stack.frames)
    guard inFault else { return }
    t.sampled.faultSamples += 1
    if retry { t.sampled.retrySamples += 1 }
    if t.sampled.faultSamples == 1 {  // the first (samples without a time column have no timestamp to test)
      t.sampled.firstFaultSample = ctx.timestamp
    }
    t.sampled.lastFaultSample = ctx.timestamp
    t.sampled.faultSampleLines = LineRange(t.sampled.faultSampleLines?.first ?? ctx.line, ctx.line)
    if t.sampled.sampleStack.isEmpty
      || (retry && !t.sampled.sampleStack.contains(where: { roles.role($0).contains(.retry) }))
    {
      t.sampled.sampleStack = stack.frames.reversed()
    }
  }

  private func recordSnapshot(
    _ t: TrackedThread, _ ctx: RecordContext, _ source: SnapshotSource, _ state: TaskState?, _ stack: StackFrames
  ) {
    var inFault = false
    var exitWait = false
    for f in stack.frames {
      let r = roles.role(f)
      if r.contains(.faultPath) { inFault = true }
      if r.contains(.exitWait) { exitWait = true }
    }
    if t.snap.snapshots.count < SnapshotState.maxSnapshots {
      t.snap.snapshots.append(
        SnapshotState.Snapshot(
          source: source, state: state, line: ctx.line, timestamp: ctx.timestamp, inFault: inFault, exitWait: exitWait,
          frames: stack.frames))
    }
  }
}
