import CTraceCmd
import Foundation
import TraceParse

/// Reads trace-cmd's `trace.dat` through libtracecmd/libtraceevent: funcgraph_entry/funcgraph_exit and
/// sched events become records directly (no text round trip), in timestamp order over all CPUs, with
/// the buffer's missed-event counts as lost markers. A record's "line" is its 1-based index.
public struct TraceDatDecoder: TraceDatDecoding {
  /// A decoder.
  public init() {}

  public func read<S: TraceRecordSink>(path: String, displayName: String, symbols: SymbolTable, into sink: inout S)
    throws -> TraceReadResult
  {
    guard path != "-" else {
      throw TraceInputError(
        file: displayName, line: 0, kind: .traceDat, "trace.dat cannot be read from stdin: give its path")
    }
    tracecmd_set_loglevel(TEP_LOG_NONE)
    guard let handle = tracecmd_open(path, Int32(TRACECMD_FL_LOAD_NO_PLUGINS.rawValue)) else {
      throw TraceInputError(
        file: displayName, line: 0, kind: .traceDat,
        "libtracecmd cannot open this trace.dat (truncated, corrupt, or a version it does not read)")
    }
    defer { tracecmd_close(handle) }
    guard let tep = tracecmd_get_tep(handle) else {
      throw TraceInputError(file: displayName, line: 0, kind: .traceDat, "no event formats in this trace.dat")
    }
    let context = DecodeContext(tep: tep, symbols: symbols, file: displayName)
    var result: Int32 = 0
    withUnsafeMutablePointer(to: &sink) { sinkPointer in
      let box = SinkBox(context: context) { sinkPointer.pointee.receive($0) }
      let unmanaged = Unmanaged.passRetained(box)
      defer { unmanaged.release() }
      result = tracecmd_iterate_events(
        handle, nil, 0,
        { _, record, _, data in
          guard let record, let data else { return 0 }
          Unmanaged<SinkBox>.fromOpaque(data).takeUnretainedValue().handle(record)
          return 0
        }, unmanaged.toOpaque())
    }
    if result < 0 || context.records == 0 && context.index == 0 {
      throw TraceInputError(
        file: displayName, line: 0, kind: .traceDat, "libtracecmd could not read the events of this trace.dat")
    }
    var log = DiagnosticLog(file: displayName)
    if context.unknownStates > 0 {
      log.add(
        .warning, .traceDat, line: 0, "\(context.unknownStates) sched_switch records with an unknown prev_state")
    }
    return TraceReadResult(
      format: .traceDat, lines: context.index,
      bytes: Int64((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0),
      recognisedLines: context.records, unrecognisedLines: 0, isCutWindow: false, diagnostics: log.summarized)
  }
}

/// Carries the sink through libtracecmd's C callback.
final class SinkBox {
  let context: DecodeContext
  let emit: (TraceRecord) -> Void
  init(context: DecodeContext, emit: @escaping (TraceRecord) -> Void) {
    self.context = context
    self.emit = emit
  }

  func handle(_ record: UnsafeMutablePointer<tep_record>) {
    context.decode(record, emit)
  }
}
