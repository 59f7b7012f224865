/// One function_graph call line as ``GraphLineDecoder`` reads it: its columns and its call, before
/// any state of the parser is applied (the task a CPU runs, timestamp order, open stack traces).
/// Compact, so that a chunk of lines read on another core fits in a small buffer.
/// Unknown numbers are -1 (no printed timestamp or duration is negative).
struct GraphLine {
  /// What the call part says.
  enum Call: UInt8 {
    /// `func() {`
    case entry
    /// `func();`
    case leaf
    /// `}` or `} /* func */`
    case exit
  }

  /// The call.
  var call: Call
  /// True for trace-cmd's `funcgraph_entry`/`funcgraph_exit` event lines, which carry their own
  /// task columns; false for tracefs function_graph columns.
  var isEventLine: Bool
  /// True when the line printed a `comm-pid` (tracefs columns with funcgraph-proc; always for events).
  var hasProc: Bool
  /// CPU, or -1.
  var cpu: Int32
  /// Thread id, or -1.
  var tid: Int32
  /// Thread-group id, or -1.
  var tgid: Int32
  /// The printed comm.
  var comm: Symbol
  /// The function (``Symbol/none`` for a `}` that names none).
  var function: Symbol
  /// Timestamp in ns, or -1.
  var timestamp: Int64
  /// Duration in ns, or -1.
  var duration: Int64

  /// An empty line of `call`, to be filled in.
  init(call: Call, isEventLine: Bool) {
    self.call = call
    self.isEventLine = isEventLine
    hasProc = false
    cpu = -1
    tid = -1
    tgid = -1
    comm = .none
    function = .none
    timestamp = -1
    duration = -1
  }

}
