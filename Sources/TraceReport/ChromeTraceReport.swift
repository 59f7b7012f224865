import Foundation
import TraceAnalysis

/// Renders the phases of each thread as Chrome trace-event JSON, which Perfetto UI and
/// chrome://tracing open: one track per thread (grouped by file), one complete event ("X") per
/// phase (SLEEPING, SPINNING, ...) and per stretch a task was blocked in D, with the evidence as args.
public enum ChromeTraceReport {
  /// The trace of runs (each file becomes a process track group).
  public static func render(_ runs: [RunAnalysis]) throws -> String {
    var events: [[String: Any]] = []
    var pid = 0
    for run in runs {
      for f in run.files where f.skipped == nil {
        pid += 1
        events.append(meta("process_name", pid: pid, tid: 0, name: f.file))
        for t in f.threads {
          events.append(meta("thread_name", pid: pid, tid: Int(t.tid), name: "\(t.comm) (\(t.tid))"))
          for e in t.episodes {
            guard let start = e.startNs else { continue }
            let end = max(e.endNs ?? start, start)
            events.append([
              "name": e.verdict.rawValue, "cat": "fault-path", "ph": "X", "pid": pid, "tid": Int(t.tid),
              "ts": micros(start), "dur": micros(end - start),
              "args": [
                "lines": "\(e.firstLine)-\(e.lastLine)", "faultCalls": e.faultCalls, "facts": e.facts.map(Wording.text),
              ],
            ])
          }
        }
        for b in f.blockedTasks {
          guard let since = b.sinceNs else { continue }
          events.append(meta("thread_name", pid: pid, tid: Int(b.tid), name: "\(b.comm) (\(b.tid))"))
          events.append([
            "name": "blocked in D", "cat": "sched", "ph": "X", "pid": pid, "tid": Int(b.tid), "ts": micros(since),
            "dur": micros(b.blockedForNs ?? 0),
            "args": ["line": b.line, "evidence": b.evidence.map(Wording.text), "stack": b.stack],
          ])
        }
      }
    }
    let doc: [String: Any] = ["traceEvents": events, "displayTimeUnit": "ms"]
    let data = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  private static func meta(_ kind: String, pid: Int, tid: Int, name: String) -> [String: Any] {
    ["name": kind, "ph": "M", "pid": pid, "tid": tid, "args": ["name": name]]
  }

  /// Trace-event timestamps are microseconds (fractions allowed).
  private static func micros(_ ns: Int64) -> Double { Double(ns) / 1000 }
}
