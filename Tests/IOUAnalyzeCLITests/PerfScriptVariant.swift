import Foundation

/// A real `perf script` capture re-printed with another field set, for the variants our captures
/// have no example of. The sample headers are re-printed with the printf formats of Linux 6.12's
/// tools/perf/builtin-script.c (perf_sample__fprintf_start and process_event): `%s ` comm (a call
/// chain follows), `%7d ` tid, `[%03d] ` cpu, `%12s: ` time, `%10lu ` period, `%s: ` event.
/// Frame lines are kept, or have their leading blanks removed (`indent: false`, as old perf and
/// pasted text show them). Nothing else changes: the samples, their order and frames are real.
struct PerfScriptVariant {
  var time = true
  var cpu = true
  var period = true
  var indent = true
  /// Relabels every sample's event (e.g. `cycles`); nil keeps `cpu-clock`.
  var event: String?

  /// The capture at `path` re-printed.
  func reprint(_ path: String) -> String {
    let text = String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      if line.isEmpty || line.hasPrefix("#") { return String(line) }
      if line.hasPrefix("\t") || line.hasPrefix(" ") {
        return indent ? String(line) : String(line.drop { $0 == "\t" || $0 == " " })
      }
      // Real headers: `comm tid [cpu] time: period event: ` (6 fields, no blanks in these comms).
      let f = line.split(separator: " ")
      precondition(f.count == 6, "not a sample header: \(line)")
      var out = "\(f[0]) " + Self.pad(String(f[1]), 7) + " "
      if cpu { out += "\(f[2]) " }
      if time { out += Self.pad(String(f[3].dropLast()), 12) + ": " }
      if period { out += Self.pad(String(f[4]), 10) + " " }
      out += "\(event ?? String(f[5].dropLast())): "
      return out
    }.joined(separator: "\n")
  }

  private static func pad(_ s: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - s.count)) + s
  }
}
