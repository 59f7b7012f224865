import TraceParse

/// The byte stream a trace.dat helper process sends to its parent: the records it decoded, the
/// names they refer to (each sent once, before its first use), the diagnostics, and how it ended.
/// Little-endian, one tag byte per message. The parent checks every length and id: a helper that
/// dies in the middle of a message, or sends anything else, is an error, never a trap.
enum RecordStreamTag: UInt8 {
  case symbol = 0x53  // S: id u32, length u32, bytes
  case entry = 0x45  // E: context, function
  case exit = 0x58  // X: context, function, duration (i64, -1 = none)
  case schedSwitch = 0x57  // W: context, prev tid, prev comm, prev state (u32 + letter), next tid, next comm
  case wakeup = 0x4B  // K: context, target, comm
  case processExit = 0x50  // P: context, tid, comm
  case event = 0x56  // V: context, name
  case lost = 0x4C  // L: context, count (i64, -1 = unknown)
  case diagnostic = 0x47  // G: severity u8, line i64, kind (u32 + bytes), message (u32 + bytes)
  case done = 0x44  // D: lines i64, records i64
  case failure = 0x46  // F: kind (u32 + bytes), message (u32 + bytes)
}

/// Writes records into the stream (the helper's side), into one buffer that is reused after each
/// flush: a record is a few fixed-width stores, nothing is allocated per record.
struct RecordStreamWriter {
  private var storage = [UInt8](repeating: 0, count: 1 << 12)
  /// Bytes written since the last ``removeAll()``.
  private(set) var count = 0
  private var sentSymbols = 1  // id 0 is Symbol.none, known to both sides

  /// A copy of the bytes written (for tests and the final messages).
  var bytes: [UInt8] { Array(storage[0..<count]) }

  /// Calls `body` with the bytes written.
  func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    storage.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
  }

  mutating func removeAll() { count = 0 }

  @inline(__always) private mutating func reserve(_ n: Int) {
    if count + n > storage.count { storage.append(contentsOf: repeatElement(0, count: max(storage.count, n))) }
  }

  @inline(__always) private mutating func store<T: FixedWidthInteger>(_ v: T) {
    reserve(MemoryLayout<T>.size)
    let at = count
    storage.withUnsafeMutableBytes { $0.storeBytes(of: v.littleEndian, toByteOffset: at, as: T.self) }
    count += MemoryLayout<T>.size
  }

  private mutating func append(_ b: ByteSpan) {
    reserve(b.count)
    let at = count
    if let base = b.base, b.count > 0 {
      storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: at).copyMemory(from: base, byteCount: b.count) }
    }
    count += b.count
  }

  mutating func put(_ tag: RecordStreamTag) { store(tag.rawValue) }
  mutating func put(_ v: UInt8) { store(v) }
  mutating func put(_ v: UInt32) { store(v) }
  mutating func put(_ v: Int32) { store(v) }
  mutating func put(_ v: Int64) { store(v) }
  mutating func put(_ s: String) {
    var s = s
    s.withUTF8 { u in
      put(UInt32(u.count))
      append(ByteSpan(base: u.baseAddress, count: u.count))
    }
  }

  /// Sends the names interned since the last call, so every id a record uses is known.
  mutating func sendNewSymbols(_ symbols: SymbolTable) {
    while sentSymbols < symbols.count {
      put(.symbol)
      put(UInt32(sentSymbols))
      symbols.withBytes(Symbol(id: UInt32(sentSymbols))) { b in
        put(UInt32(b.count))
        append(b)
      }
      sentSymbols += 1
    }
  }

  private mutating func put(_ c: RecordContext) {
    put(Int64(c.line))
    put(c.cpu)
    put(c.tid)
    put(c.tgid)
    put(c.comm.id)
    put(c.timestamp ?? -1)
  }

  /// Appends one record (the kinds the trace.dat decoder produces; others are not sent).
  mutating func put(_ record: TraceRecord, symbols: SymbolTable) {
    sendNewSymbols(symbols)
    switch record {
    case .functionEntry(let c, let f):
      put(.entry)
      put(c)
      put(f.id)
    case .functionExit(let c, let f, let d):
      put(.exit)
      put(c)
      put((f ?? .none).id)
      put(d ?? -1)
    case .schedSwitch(let c, let sw):
      put(.schedSwitch)
      put(c)
      put(sw.prevTid)
      put(sw.prevComm.id)
      put(sw.prevState.rawValue)  // the state's letter
      put(sw.nextTid)
      put(sw.nextComm.id)
    case .schedWakeup(let c, let target, let comm):
      put(.wakeup)
      put(c)
      put(target)
      put(comm.id)
    case .processExit(let c, let tid, let comm):
      put(.processExit)
      put(c)
      put(tid)
      put(comm.id)
    case .event(let c, let name):
      put(.event)
      put(c)
      put(name.id)
    case .lost(let c, let count):
      put(.lost)
      put(c)
      put(count ?? -1)
    default:
      break
    }
  }
}

/// A stream that does not follow the format (a helper that died mid-message, or was not ours).
struct RecordStreamError: Error {
  var message: String
}

/// Reads the stream (the parent's side): re-interns names into the parent's table and hands
/// records to a sink. Feed it bytes as they arrive; it keeps an incomplete message for the next call.
struct RecordStreamReader {
  let symbols: SymbolTable
  private var symbolMap: [Symbol] = [.none]
  private var pending: [UInt8] = []
  /// Records passed on.
  private(set) var records = 0
  /// Set by the final message.
  private(set) var done: (lines: Int, records: Int)?
  /// Set when the helper reported that the file cannot be read.
  private(set) var failure: (kind: DiagnosticKind, message: String)?
  /// Diagnostics the helper reported (file name filled in by the caller).
  private(set) var diagnostics: [(severity: Diagnostic.Severity, kind: DiagnosticKind, line: Int, message: String)] =
    []

  init(symbols: SymbolTable) { self.symbols = symbols }

  /// True when part of a message is still waiting for its end.
  var hasPartialMessage: Bool { !pending.isEmpty }

  /// Consumes `chunk`, sending every complete record to `sink`.
  mutating func feed<S: TraceRecordSink>(_ chunk: UnsafeRawBufferPointer, into sink: inout S) throws {
    pending.append(contentsOf: chunk)
    var cursor = Cursor(bytes: pending)
    while cursor.remaining > 0 {
      let start = cursor.offset
      guard let consumed = try message(&cursor, into: &sink), consumed else {
        cursor.offset = start
        break
      }
    }
    pending.removeFirst(cursor.offset)
  }

  /// Reads one message; nil when it is not complete yet.
  private mutating func message<S: TraceRecordSink>(_ c: inout Cursor, into sink: inout S) throws -> Bool? {
    guard let raw = c.u8() else { return nil }
    guard let tag = RecordStreamTag(rawValue: raw) else {
      throw RecordStreamError(message: "unknown message tag \(raw) at byte \(c.offset - 1)")
    }
    if done != nil || failure != nil { throw RecordStreamError(message: "data after the final message") }
    switch tag {
    case .symbol:
      guard let id = c.u32(), let bytes = try c.block() else { return nil }
      guard Int(id) == symbolMap.count else {
        throw RecordStreamError(message: "name \(id) sent out of order (expected \(symbolMap.count))")
      }
      symbolMap.append(
        bytes.withUnsafeBufferPointer { symbols.intern(ByteSpan(base: $0.baseAddress, count: $0.count)) })
      return true
    case .entry:
      guard let ctx = try context(&c), let f = try symbol(&c) else { return nil }
      emit(.functionEntry(ctx, function: f), &sink)
    case .exit:
      guard let ctx = try context(&c), let f = try symbol(&c), let d = c.i64() else { return nil }
      emit(.functionExit(ctx, function: f == .none ? nil : f, duration: d < 0 ? nil : d), &sink)
    case .schedSwitch:
      guard let ctx = try context(&c), let prev = c.i32(), let prevComm = try symbol(&c), let state = try c.string(),
        let next = c.i32(), let nextComm = try symbol(&c)
      else { return nil }
      guard let s = TaskState(rawValue: state) else {
        throw RecordStreamError(message: "unknown task state '\(state)'")
      }
      emit(
        .schedSwitch(
          ctx, SchedSwitch(prevTid: prev, prevComm: prevComm, prevState: s, nextTid: next, nextComm: nextComm)), &sink)
    case .wakeup:
      guard let ctx = try context(&c), let target = c.i32(), let comm = try symbol(&c) else { return nil }
      emit(.schedWakeup(ctx, target: target, comm: comm), &sink)
    case .processExit:
      guard let ctx = try context(&c), let tid = c.i32(), let comm = try symbol(&c) else { return nil }
      emit(.processExit(ctx, tid: tid, comm: comm), &sink)
    case .event:
      guard let ctx = try context(&c), let name = try symbol(&c) else { return nil }
      emit(.event(ctx, name: name), &sink)
    case .lost:
      guard let ctx = try context(&c), let n = c.i64() else { return nil }
      emit(.lost(ctx, count: n < 0 ? nil : n), &sink)
    case .diagnostic:
      guard let sev = c.u8(), let line = c.i64(), let kind = try c.string(), let text = try c.string() else {
        return nil
      }
      diagnostics.append(
        (sev == 1 ? .error : .warning, DiagnosticKind(rawValue: kind) ?? .traceDat, Int(clamping: line), text))
    case .done:
      guard let lines = c.i64(), let n = c.i64() else { return nil }
      done = (Int(clamping: lines), Int(clamping: n))
    case .failure:
      guard let kind = try c.string(), let text = try c.string() else { return nil }
      failure = (DiagnosticKind(rawValue: kind) ?? .traceDat, text)
    }
    return true
  }

  private mutating func emit<S: TraceRecordSink>(_ r: TraceRecord, _ sink: inout S) {
    records += 1
    sink.receive(r)
  }

  private func symbol(_ c: inout Cursor) throws -> Symbol? {
    guard let id = c.u32() else { return nil }
    guard Int(id) < symbolMap.count else { throw RecordStreamError(message: "name \(id) used before it was sent") }
    return symbolMap[Int(id)]
  }

  private func context(_ c: inout Cursor) throws -> RecordContext? {
    guard let line = c.i64(), let cpu = c.i32(), let tid = c.i32(), let tgid = c.i32(), let comm = try symbol(&c),
      let ts = c.i64()
    else { return nil }
    var ctx = RecordContext(line: Int(clamping: line))
    ctx.cpu = cpu
    ctx.tid = tid
    ctx.tgid = tgid
    ctx.comm = comm
    ctx.timestamp = ts < 0 ? nil : ts
    return ctx
  }
}

/// Bounds-checked little-endian reads from a byte array; nil when the bytes run out.
private struct Cursor {
  let bytes: [UInt8]
  var offset = 0
  /// Longest name or message accepted (a corrupt length must not allocate gigabytes).
  static let maxString = 1 << 20

  var remaining: Int { bytes.count - offset }

  mutating func u8() -> UInt8? {
    guard remaining >= 1 else { return nil }
    offset += 1
    return bytes[offset - 1]
  }

  mutating func u32() -> UInt32? {
    guard remaining >= 4 else { return nil }
    var v: UInt32 = 0
    for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * i) }
    offset += 4
    return v
  }

  mutating func i32() -> Int32? { u32().map { Int32(bitPattern: $0) } }

  mutating func i64() -> Int64? {
    guard remaining >= 8 else { return nil }
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * i) }
    offset += 8
    return Int64(bitPattern: v)
  }

  mutating func block() throws -> [UInt8]? {
    guard let n = u32() else { return nil }
    guard n <= Self.maxString else { throw RecordStreamError(message: "a name of \(n) bytes") }
    guard remaining >= Int(n) else { return nil }
    defer { offset += Int(n) }
    return Array(bytes[offset..<(offset + Int(n))])
  }

  mutating func string() throws -> String? { try block().map { String(decoding: $0, as: UTF8.self) } }
}

/// Decodes a whole helper stream held in memory (for the fuzzer and tests; the decoder itself reads
/// the stream from the helper's pipe as it arrives).
public enum TraceDatStream {
  /// Sends the records of `bytes` to `sink`; throws ``TraceInputError`` for a stream that breaks
  /// the format, stops short of its final message, or reports a failure.
  public static func decode<S: TraceRecordSink>(
    _ bytes: UnsafeRawBufferPointer, symbols: SymbolTable, into sink: inout S
  ) throws -> (lines: Int, records: Int) {
    var reader = RecordStreamReader(symbols: symbols)
    do {
      try reader.feed(bytes, into: &sink)
    } catch let e as RecordStreamError {
      throw TraceInputError(file: "stream", line: 0, kind: .traceDat, e.message)
    }
    if let f = reader.failure { throw TraceInputError(file: "stream", line: 0, kind: f.kind, f.message) }
    guard let done = reader.done else {
      throw TraceInputError(file: "stream", line: 0, kind: .traceDat, "the stream ends before its final message")
    }
    return done
  }
}
