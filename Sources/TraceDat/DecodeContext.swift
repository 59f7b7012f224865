import CTraceCmd
import TraceParse

/// Event ids and field layouts of one trace.dat, looked up once, and the decoding of one record:
/// fields are read at their offsets in the record (bounds-checked against its size), names are
/// looked up once per address or pid.
final class DecodeContext {
  let tep: OpaquePointer
  let symbols: SymbolTable
  let file: String
  var index = 0
  var records = 0
  var unknownStates = 0
  private var functionNames = AddressSymbols()
  /// Comm of each pid, `nil` until looked up.
  private var commNames = PidSymbols()

  private let commonType: RecordField
  private let commonPid: RecordField
  private let entry: (id: Int32, fn: RecordField)?
  private let exit: (id: Int32, fn: RecordField, call: RecordField, ret: RecordField)?
  private let sSwitch:
    (
      id: Int32, prevPid: RecordField, prevComm: RecordField, prevState: RecordField, nextPid: RecordField,
      nextComm: RecordField
    )?
  private let wakeups: [(id: Int32, pid: RecordField, comm: RecordField)]
  private let processExit: (id: Int32, pid: RecordField, comm: RecordField)?

  init(tep: OpaquePointer, symbols: SymbolTable, file: String) {
    self.tep = tep
    self.symbols = symbols
    self.file = file
    let e = EventLayout(tep, "ftrace", "funcgraph_entry")
    let x = EventLayout(tep, "ftrace", "funcgraph_exit")
    let sw = EventLayout(tep, "sched", "sched_switch")
    let pe = EventLayout(tep, "sched", "sched_process_exit")
    let wake = ["sched_wakeup", "sched_waking", "sched_wakeup_new"].compactMap { EventLayout(tep, "sched", $0) }
    // Every event starts with the same common fields; take them from any event of the file.
    let any = [e, x, sw, pe].compactMap { $0 }.first ?? wake.first
    commonType = any?["common_type"] ?? .absent
    commonPid = any?["common_pid"] ?? .absent
    entry = e.map { ($0.id, $0["func"]) }
    exit = x.map { ($0.id, $0["func"], $0["calltime"], $0["rettime"]) }
    sSwitch = sw.map { ($0.id, $0["prev_pid"], $0["prev_comm"], $0["prev_state"], $0["next_pid"], $0["next_comm"]) }
    wakeups = wake.map { ($0.id, $0["pid"], $0["comm"]) }
    processExit = pe.map { ($0.id, $0["pid"], $0["comm"]) }
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
    guard let raw = rec.pointee.data else { return }
    let data = RecordBytes(base: UnsafeRawPointer(raw), size: Int(max(rec.pointee.size, 0)))
    let type =
      commonType.isAbsent ? tep_data_type(tep, rec) : Int32(truncatingIfNeeded: data.number(commonType))
    let pid = commonPid.isAbsent ? tep_data_pid(tep, rec) : Int32(truncatingIfNeeded: data.number(commonPid))
    ctx.tid = pid
    ctx.comm = comm(pid)
    records += 1
    if let e = entry, type == e.id {
      emit(.functionEntry(ctx, function: function(data.number(e.fn))))
    } else if let e = exit, type == e.id {
      let call = data.number(e.call)
      let ret = data.number(e.ret)
      let d: Int64? = ret >= call && call != 0 ? Int64(clamping: ret - call) : nil
      emit(.functionExit(ctx, function: function(data.number(e.fn)), duration: d))
    } else if let e = sSwitch, type == e.id {
      let sw = SchedSwitch(
        prevTid: Int32(truncatingIfNeeded: data.number(e.prevPid)), prevComm: symbols.intern(data.string(e.prevComm)),
        prevState: state(data.number(e.prevState)), nextTid: Int32(truncatingIfNeeded: data.number(e.nextPid)),
        nextComm: symbols.intern(data.string(e.nextComm)))
      emit(.schedSwitch(ctx, sw))
    } else if let e = wakeups.first(where: { $0.id == type }) {
      emit(
        .schedWakeup(
          ctx, target: Int32(truncatingIfNeeded: data.number(e.pid)), comm: symbols.intern(data.string(e.comm))))
    } else if let e = processExit, type == e.id {
      emit(
        .processExit(
          ctx, tid: Int32(truncatingIfNeeded: data.number(e.pid)), comm: symbols.intern(data.string(e.comm))))
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

/// Where one field sits in an event's record.
struct RecordField {
  var offset: Int
  var size: Int
  /// A field the event does not have (reads as 0 or empty).
  static let absent = RecordField(offset: 0, size: 0)
  var isAbsent: Bool { size == 0 }
}

/// One record's bytes; reads past its end give 0 or an empty string (a corrupt record cannot make
/// the decoder read another's memory).
struct RecordBytes {
  let base: UnsafeRawPointer
  let size: Int

  /// An unsigned little-endian number field.
  @inline(__always) func number(_ f: RecordField) -> UInt64 {
    guard f.size > 0, f.offset >= 0, f.offset + f.size <= size else { return 0 }
    switch f.size {
    case 1: return UInt64(base.loadUnaligned(fromByteOffset: f.offset, as: UInt8.self))
    case 2: return UInt64(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: f.offset, as: UInt16.self)))
    case 4: return UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: f.offset, as: UInt32.self)))
    case 8: return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: f.offset, as: UInt64.self))
    default: return 0
    }
  }

  /// A fixed-size char array field, up to its NUL.
  @inline(__always) func string(_ f: RecordField) -> ByteSpan {
    guard f.size > 0, f.offset >= 0, f.offset + f.size <= size else { return ByteSpan(base: nil, count: 0) }
    let p = base.advanced(by: f.offset).assumingMemoryBound(to: UInt8.self)
    var n = 0
    while n < f.size, p[n] != 0 { n += 1 }
    return ByteSpan(base: p, count: n)
  }
}

/// One event's id and where its fields are (common fields included), read from its format once.
struct EventLayout {
  let id: Int32
  private let fields: [String: RecordField]

  init?(_ tep: OpaquePointer, _ system: String, _ name: String) {
    guard let ev = tep_find_event_by_name(tep, system, name) else { return nil }
    id = ev.pointee.id
    var f: [String: RecordField] = [:]
    for list in [ev.pointee.format.common_fields, ev.pointee.format.fields] {
      var field = list
      while let p = field {
        if let n = p.pointee.name {
          f[String(cString: n)] = RecordField(offset: Int(p.pointee.offset), size: Int(p.pointee.size))
        }
        field = p.pointee.next
      }
    }
    fields = f
  }

  /// The field called `name` (``RecordField/absent`` when the event has none).
  subscript(_ name: String) -> RecordField { fields[name] ?? .absent }
}
