/// Decodes the payload of scheduler events in both printed forms:
/// the kernel's `key=value` text (tracefs, function_graph comments) and trace-cmd's
/// libtraceevent handlers (`comm:pid [prio] S ==> comm:pid [prio]`).
struct SchedEventDecoder {
  let symbols: SymbolTable

  /// Returns a record for `name`+`payload`, or nil when the event is not a known sched event
  /// (the caller keeps it as a plain event), or `.failure` when its payload is malformed.
  enum Result {
    case record(TraceRecord)
    case notSched
    case malformed(String)
  }

  func decode(name: ByteSpan, payload: ByteSpan, context: RecordContext) -> Result {
    if name.equals("sched_switch") { return decodeSwitch(payload, context) }
    if name.equals("sched_wakeup") || name.equals("sched_waking") || name.equals("sched_wakeup_new") {
      return decodeWakeup(payload, context)
    }
    if name.equals("sched_process_exit") || name.equals("sched_process_free") {
      guard let (comm, pid) = keyedCommPid(payload) else {
        return .malformed("expected `comm=NAME pid=N` in \(name.string)")
      }
      return .record(.processExit(context, tid: pid, comm: symbols.intern(comm)))
    }
    return .notSched
  }

  private func decodeSwitch(_ p: ByteSpan, _ ctx: RecordContext) -> Result {
    if p.matches("prev_comm=") {
      guard let prevPidAt = p.firstIndex(of: " prev_pid="),
        let prevPid = p.parseSigned(from: prevPidAt + 10),
        let stateAt = p.firstIndex(of: "prev_state=", from: prevPid.end),
        let nextCommAt = p.firstIndex(of: "next_comm=", from: stateAt),
        let nextPidAt = p.firstIndex(of: " next_pid=", from: nextCommAt),
        let nextPid = p.parseSigned(from: nextPidAt + 10)
      else { return .malformed("expected `prev_comm= prev_pid= prev_state= ==> next_comm= next_pid=`") }
      var stateEnd = stateAt + 11
      while stateEnd < p.count, p[stateEnd] != 0x20 { stateEnd += 1 }
      let sw = SchedSwitch(
        prevTid: Int32(truncatingIfNeeded: prevPid.value), prevComm: symbols.intern(p.slice(10, prevPidAt)),
        prevState: TaskState(code: p.slice(stateAt + 11, stateEnd)),
        nextTid: Int32(truncatingIfNeeded: nextPid.value),
        nextComm: symbols.intern(p.slice(nextCommAt + 10, nextPidAt)))
      return .record(.schedSwitch(ctx, sw))
    }
    // trace-cmd: `prev:pid [prio] STATE ==> next:pid [prio]`
    guard let arrow = p.firstIndex(of: " ==> ") else {
      return .malformed("expected `prev_comm=...` or `comm:pid [prio] STATE ==> comm:pid [prio]`")
    }
    let left = p.slice(0, arrow)
    let right = p.suffix(from: arrow + 5)
    guard let lb = left.lastIndex(of: UInt8(ascii: "[")),
      let rb = left.firstIndex(of: UInt8(ascii: "]"), from: lb),
      let prev = colonCommPid(left.slice(0, lb).trimmed()),
      let next = colonCommPid(bracketHead(right))
    else { return .malformed("cannot read trace-cmd sched_switch `comm:pid [prio] S ==> comm:pid [prio]`") }
    let state = left.suffix(from: rb + 1).trimmed()
    let sw = SchedSwitch(
      prevTid: prev.pid, prevComm: symbols.intern(prev.comm), prevState: TaskState(code: state),
      nextTid: next.pid, nextComm: symbols.intern(next.comm))
    return .record(.schedSwitch(ctx, sw))
  }

  private func decodeWakeup(_ p: ByteSpan, _ ctx: RecordContext) -> Result {
    if let (comm, pid) = keyedCommPid(p) {
      return .record(.schedWakeup(ctx, target: pid, comm: symbols.intern(comm)))
    }
    if let t = colonCommPid(bracketHead(p)) {
      return .record(.schedWakeup(ctx, target: t.pid, comm: symbols.intern(t.comm)))
    }
    return .malformed("expected `comm=NAME pid=N` or `comm:pid [prio]` in a wakeup event")
  }

  /// `comm=NAME pid=N ...` (NAME may contain spaces).
  private func keyedCommPid(_ p: ByteSpan) -> (ByteSpan, Int32)? {
    guard p.matches("comm="), let at = p.firstIndex(of: " pid="), let pid = p.parseSigned(from: at + 5) else {
      return nil
    }
    return (p.slice(5, at), Int32(truncatingIfNeeded: pid.value))
  }

  /// The text before ` [` (trace-cmd's `comm:pid [prio]`), or all of it.
  private func bracketHead(_ p: ByteSpan) -> ByteSpan {
    if let b = p.firstIndex(of: " [") { return p.slice(0, b).trimmed() }
    return p.trimmed()
  }

  /// `comm:pid` where comm may itself contain ':' (`kworker/0:1:13`).
  private func colonCommPid(_ s: ByteSpan) -> (comm: ByteSpan, pid: Int32)? {
    guard let task = s.splitTaskID(at: UInt8(ascii: ":")) else { return nil }
    return (task.name, task.id)
  }
}
