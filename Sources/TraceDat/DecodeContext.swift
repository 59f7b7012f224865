import CTraceCmd
import TraceParse

/// Event ids and field layouts of one trace.dat, looked up once, and the decoding of one record.
final class DecodeContext {
  let tep: OpaquePointer
  let symbols: SymbolTable
  let file: String
  var index = 0
  var records = 0
  var unknownStates = 0
  private var functionNames: [UInt64: Symbol] = [:]
  private var commNames: [Int32: Symbol] = [:]

  private let entry: EventLayout?
  private let exit: EventLayout?
  private let sSwitch: EventLayout?
  private let wakeups: [EventLayout]
  private let processExit: EventLayout?

  init(tep: OpaquePointer, symbols: SymbolTable, file: String) {
    self.tep = tep
    self.symbols = symbols
    self.file = file
    entry = EventLayout(tep, "ftrace", "funcgraph_entry")
    exit = EventLayout(tep, "ftrace", "funcgraph_exit")
    sSwitch = EventLayout(tep, "sched", "sched_switch")
    wakeups = ["sched_wakeup", "sched_waking", "sched_wakeup_new"].compactMap { EventLayout(tep, "sched", $0) }
    processExit = EventLayout(tep, "sched", "sched_process_exit")
  }

  func decode(_ rec: UnsafeMutablePointer<tep_record>, _ emit: (TraceRecord) -> Void) {
    index += 1
    var ctx = RecordContext(line: index)
    ctx.cpu = rec.pointee.cpu
    ctx.timestamp = Int64(clamping: rec.pointee.ts)
    if rec.pointee.missed_events != 0 {
      let n = rec.pointee.missed_events
      emit(.lost(ctx, count: n > 0 ? n : nil))
    }
    let type = tep_data_type(tep, rec)
    let pid = tep_data_pid(tep, rec)
    ctx.tid = pid
    ctx.comm = comm(pid)
    records += 1
    let data = UnsafeRawPointer(rec.pointee.data!)
    if let e = entry, type == e.id {
      emit(.functionEntry(ctx, function: function(e.number(data, "func"))))
    } else if let e = exit, type == e.id {
      let call = e.number(data, "calltime")
      let ret = e.number(data, "rettime")
      let d: Int64? = ret >= call && call != 0 ? Int64(ret - call) : nil
      emit(.functionExit(ctx, function: function(e.number(data, "func")), duration: d))
    } else if let e = sSwitch, type == e.id {
      let sw = SchedSwitch(
        prevTid: Int32(truncatingIfNeeded: e.number(data, "prev_pid")),
        prevComm: symbols.intern(e.string(data, "prev_comm")),
        prevState: state(e.number(data, "prev_state")), nextTid: Int32(truncatingIfNeeded: e.number(data, "next_pid")),
        nextComm: symbols.intern(e.string(data, "next_comm")))
      emit(.schedSwitch(ctx, sw))
    } else if let e = wakeups.first(where: { $0.id == type }) {
      emit(
        .schedWakeup(
          ctx, target: Int32(truncatingIfNeeded: e.number(data, "pid")), comm: symbols.intern(e.string(data, "comm"))))
    } else if let e = processExit, type == e.id {
      emit(
        .processExit(
          ctx, tid: Int32(truncatingIfNeeded: e.number(data, "pid")), comm: symbols.intern(e.string(data, "comm"))))
    } else if let ev = tep_find_event(tep, type), let name = ev.pointee.name {
      emit(.event(ctx, name: symbols.intern(String(cString: name))))
    }
  }

  /// prev_state as the kernel reports it (TASK_REPORT bits; TASK_REPORT_MAX marks preemption).
  private func state(_ raw: UInt64) -> TaskState {
    let bits = raw & 0xFF
    if bits == 0 { return .running }
    // Bits 0-7: S D T t X Z P I.
    let states: [TaskState] = [.sleeping, .uninterruptible, .stopped, .stopped, .dead, .dead, .other, .idle]
    let i = bits.trailingZeroBitCount
    guard i < states.count else {
      unknownStates += 1
      return .other
    }
    return states[i]
  }

  private func function(_ address: UInt64) -> Symbol {
    if let s = functionNames[address] { return s }
    let s: Symbol
    if let name = tep_find_function(tep, address) {
      s = symbols.intern(String(cString: name))
    } else {
      s = symbols.intern("0x" + String(address, radix: 16))
    }
    functionNames[address] = s
    return s
  }

  private func comm(_ pid: Int32) -> Symbol {
    if let s = commNames[pid] { return s }
    let s = tep_data_comm_from_pid(tep, pid).map { symbols.intern(String(cString: $0)) } ?? .none
    commNames[pid] = s
    return s
  }
}

/// One event's id and the fields we read from it.
struct EventLayout {
  let id: Int32
  let fields: [String: (offset: Int, size: Int)]

  init?(_ tep: OpaquePointer, _ system: String, _ name: String) {
    guard let ev = tep_find_event_by_name(tep, system, name) else { return nil }
    id = ev.pointee.id
    var f: [String: (Int, Int)] = [:]
    var field = ev.pointee.format.fields
    while let p = field {
      if let n = p.pointee.name { f[String(cString: n)] = (Int(p.pointee.offset), Int(p.pointee.size)) }
      field = p.pointee.next
    }
    fields = f
  }

  /// An unsigned little-endian number field (0 when absent).
  func number(_ data: UnsafeRawPointer, _ name: String) -> UInt64 {
    guard let f = fields[name] else { return 0 }
    switch f.size {
    case 1: return UInt64(data.loadUnaligned(fromByteOffset: f.offset, as: UInt8.self))
    case 2: return UInt64(data.loadUnaligned(fromByteOffset: f.offset, as: UInt16.self))
    case 4: return UInt64(data.loadUnaligned(fromByteOffset: f.offset, as: UInt32.self))
    default: return data.loadUnaligned(fromByteOffset: f.offset, as: UInt64.self)
    }
  }

  /// A fixed-size char array field, up to its NUL.
  func string(_ data: UnsafeRawPointer, _ name: String) -> ByteSpan {
    guard let f = fields[name] else { return ByteSpan(base: nil, count: 0) }
    let p = data.advanced(by: f.offset).assumingMemoryBound(to: UInt8.self)
    var n = 0
    while n < f.size, p[n] != 0 { n += 1 }
    return ByteSpan(base: p, count: n)
  }
}
