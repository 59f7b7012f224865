/// The columns of an ftrace event line as printed by tracefs `trace`/`trace_pipe` and
/// `trace-cmd report`: `comm-pid [(tgid)] [cpu] [flags] timestamp: event: payload`.
struct EventLine {
  var comm: ByteSpan
  var pid: Int32
  var tgid: Int32
  var cpu: Int32
  var timestamp: Int64?
  var name: ByteSpan
  var payload: ByteSpan
  /// What the line is.
  var kind = Kind.event

  /// The kinds of line that share these columns.
  enum Kind {
    /// `event: payload`.
    case event
    /// The function tracer: `func <-parent`; `name` is the function, `payload` its caller.
    case functionCall
    /// `<stack trace>` (trace_stack_print in kernel/trace/trace_output.c): ` => func` lines follow.
    case kernelStack
    /// `<user stack trace>` (trace_user_stack_print): ` => ` lines with user addresses follow.
    case userStack
  }

  /// True when this is a function tracer line.
  var isFunctionCall: Bool { kind == .functionCall }

  /// Splits `line`, or returns nil when it is not an event line.
  static func split(_ line: ByteSpan) -> EventLine? {
    guard let head = Head.read(line) else { return nil }
    return split(line, after: head)
  }

  /// The task columns up to `[cpu]`: `comm-pid [(tgid)] [cpu]`.
  struct Head {
    var comm: ByteSpan
    var pid: Int32
    var tgid: Int32
    var cpu: Int32
    /// Index of the line's first `[` (the cpu's).
    var open: Int
    /// Index after the `]`.
    var end: Int

    /// Reads the head of `line`, or nil when it has none.
    static func read(_ line: ByteSpan) -> Head? {
      guard let open = line.firstIndex(of: UInt8(ascii: "[")) else { return nil }
      guard let cpuNum = line.parseUnsigned(from: open + 1), cpuNum.end < line.count,
        line[cpuNum.end] == UInt8(ascii: "]")
      else { return nil }
      var head = line.slice(0, open).trimmed()
      var tgid: Int32 = -1
      if head.count > 0, head[head.count - 1] == UInt8(ascii: ")"),
        let lp = head.lastIndex(of: UInt8(ascii: "("))
      {
        let inner = head.slice(lp + 1, head.count - 1).trimmed()
        if let v = inner.asUnsigned() { tgid = Int32(truncatingIfNeeded: v) }
        head = head.slice(0, lp).trimmed()
      }
      guard let (comm, pid) = head.splitTaskID(at: UInt8(ascii: "-")) else { return nil }
      return Head(
        comm: comm, pid: pid, tgid: tgid, cpu: Int32(truncatingIfNeeded: cpuNum.value), open: open,
        end: cpuNum.end + 1)
    }
  }

  /// Splits the rest of `line` after its `head` (read from these bytes, or from the same bytes of
  /// an earlier line).
  static func split(_ line: ByteSpan, after head: Head) -> EventLine? {
    let comm = head.comm
    let pid = head.pid
    let tgid = head.tgid
    // After `[cpu]`: optional flags column, then `timestamp:`.
    var i = line.skipSpaces(from: head.end)
    var ts: Int64?
    for _ in 0..<2 {
      var end = i
      while end < line.count, line[end] != 0x20 { end += 1 }
      let token = line.slice(i, end)
      if token.count > 1, token[token.count - 1] == UInt8(ascii: ":"),
        let v = token.parseDecimal(from: 0, scaleDigits: 9), v.end == token.count - 1
      {
        // `secs.usecs` with the default clocks; a raw integer (counter, x86-tsc) is kept as is.
        ts = token.firstIndex(of: UInt8(ascii: ".")) == nil ? token.parseUnsigned(from: 0)?.value : v.value
        i = line.skipSpaces(from: end)
        break
      }
      i = line.skipSpaces(from: end)
    }
    guard ts != nil else { return nil }
    let rest = line.suffix(from: i).trimmed()
    if rest.equals("<stack trace>") || rest.equals("<user stack trace>") {
      return EventLine(
        comm: comm, pid: pid, tgid: tgid, cpu: head.cpu,
        timestamp: ts, name: rest, payload: .empty, kind: rest.count == 13 ? .kernelStack : .userStack)
    }
    guard let colon = line.firstIndex(of: UInt8(ascii: ":"), from: i), colon > i,
      line.slice(i, colon).firstIndex(of: 0x20) == nil
    else {
      // The function tracer: `func <-parent` with no event name.
      guard let arrow = line.firstIndex(of: " <-", from: i), arrow > i else { return nil }
      return EventLine(
        comm: comm, pid: pid, tgid: tgid, cpu: head.cpu,
        timestamp: ts, name: line.slice(i, arrow), payload: line.suffix(from: arrow + 3), kind: .functionCall)
    }
    let name = line.slice(i, colon)
    let payload = line.suffix(from: line.skipSpaces(from: colon + 1))
    return EventLine(
      comm: comm, pid: pid, tgid: tgid, cpu: head.cpu,
      timestamp: ts, name: name, payload: payload)
  }
}
