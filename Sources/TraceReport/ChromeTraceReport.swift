import Foundation
import TraceAnalysis

/// Renders analyses as Chrome trace-event JSON (the Trace Event Format that Perfetto UI and
/// chrome://tracing open), every kind of evidence on a track: one process per capture file, named
/// after the file and its folder, one thread track per thread and per blocked task, with
/// - each phase (SLEEPING, SPINNING, ...) as a complete event ("X") with its facts as args,
/// - each fault retry of a SPINNING phase as an instant event ("i", thread scope) with its line,
/// - each call-chain sample as an instant event with its stack (root first) in args,
/// - each snapshot (/proc stack or stat sample, dump) as an instant event with the task state,
/// - each stretch a task was blocked in D as a complete event, a hung-task report as an instant,
/// - each lost-events marker as a process-scoped instant event.
public enum ChromeTraceReport {
  /// The trace of runs (each file becomes a process).
  public static func render(_ runs: [RunAnalysis]) throws -> String {
    var events: [[String: Any]] = []
    var pid = 0
    for run in runs {
      for f in run.files where f.skipped == nil {
        pid += 1
        events += file(f, pid: pid)
      }
    }
    let doc: [String: Any] = ["traceEvents": events, "displayTimeUnit": "ms"]
    let data = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// The events of one capture.
  static func file(_ f: FileAnalysis, pid: Int) -> [[String: Any]] {
    let url = URL(fileURLWithPath: f.file)
    let folder = url.deletingLastPathComponent().lastPathComponent
    var events: [[String: Any]] = [
      meta(
        "process_name", pid: pid, tid: 0,
        name: folder.isEmpty ? url.lastPathComponent : "\(url.lastPathComponent) (\(folder))"),
      meta("process_labels", pid: pid, tid: 0, args: ["labels": "\(f.format), \(f.lines) lines"]),
      meta("process_sort_index", pid: pid, tid: 0, args: ["sort_index": pid]),
    ]
    let start = f.captureStartNs ?? 0
    for t in f.threads {
      let tid = Int(t.tid)
      events.append(meta("thread_name", pid: pid, tid: tid, name: "\(t.comm) (\(t.tid))"))
      for e in t.episodes {
        guard let s = e.startNs else { continue }
        events.append([
          "name": e.verdict.rawValue, "cat": "phase", "ph": "X", "pid": pid, "tid": tid, "ts": micros(s),
          "dur": micros(max(e.endNs ?? s, s) - s),
          "args": [
            "lines": "\(e.firstLine)-\(e.lastLine)", "faultCalls": e.faultCalls, "facts": e.facts.map(Wording.text),
          ],
        ])
        for r in e.retries {
          guard let at = r.startNs else { continue }
          events.append(instant("retry", cat: "retry", pid: pid, tid: tid, at: at, args: ["line": r.line]))
        }
      }
      for s in t.samples {
        guard let at = s.timestampNs else { continue }
        let stack = s.stack < t.sampleStacks.count ? t.sampleStacks[s.stack] : []
        events.append(
          instant(
            s.inFaultPath ? "sample in the fault path" : "sample", cat: "sample", pid: pid, tid: tid, at: at,
            args: ["line": s.line, "stack": stack]))
      }
      events += snapshots(t.snapshots, pid: pid, tid: tid)
    }
    for b in f.blockedTasks {
      let tid = Int(b.tid)
      events.append(meta("thread_name", pid: pid, tid: tid, name: "\(b.comm) (\(b.tid)) blocked in D"))
      let args: [String: Any] = [
        "line": b.line, "evidence": b.evidence.map(Wording.text), "stack": b.stack, "reportedHung": b.reportedHung,
      ]
      if let since = b.sinceNs {
        let end = b.blockedForNs.map { since.addingSaturated($0) } ?? f.captureEndNs ?? since
        events.append([
          "name": "blocked in D", "cat": "blocked", "ph": "X", "pid": pid, "tid": tid, "ts": micros(since),
          "dur": micros(max(end, since) - since), "args": args,
        ])
      } else {
        let at = b.snapshots.first?.timestampNs ?? start
        events.append(
          instant(
            b.reportedHung ? "reported hung" : "blocked in D", cat: "blocked", pid: pid, tid: tid, at: at, args: args))
      }
      events += snapshots(b.snapshots, pid: pid, tid: tid)
    }
    for m in f.lostMarks {
      var e = instant(
        "events lost", cat: "lost", pid: pid, tid: 0, at: m.timestampNs ?? start,
        args: ["line": m.line, "cpu": Int(m.cpu), "events": m.events.map { Int($0) } ?? -1])
      e["s"] = "p"
      events.append(e)
    }
    return events
  }

  static func snapshots(_ marks: [SnapshotMark], pid: Int, tid: Int) -> [[String: Any]] {
    marks.compactMap { m in
      guard let at = m.timestampNs else { return nil }
      var args: [String: Any] = ["line": m.line, "state": m.state?.rawValue ?? "?", "inFaultPath": m.inFaultPath]
      if let ticks = m.cpuTicks { args["cpuTicks"] = ticks }
      return instant(
        m.cpuTicks == nil ? "stack snapshot" : "stat sample", cat: "snapshot", pid: pid, tid: tid, at: at, args: args)
    }
  }

  private static func instant(
    _ name: String, cat: String, pid: Int, tid: Int, at: Int64, args: [String: Any]
  ) -> [String: Any] {
    ["name": name, "cat": cat, "ph": "i", "s": "t", "pid": pid, "tid": tid, "ts": micros(at), "args": args]
  }

  private static func meta(_ kind: String, pid: Int, tid: Int, name: String) -> [String: Any] {
    meta(kind, pid: pid, tid: tid, args: ["name": name])
  }

  private static func meta(_ kind: String, pid: Int, tid: Int, args: [String: Any]) -> [String: Any] {
    ["name": kind, "ph": "M", "pid": pid, "tid": tid, "args": args]
  }

  /// Trace-event timestamps are microseconds (fractions allowed).
  private static func micros(_ ns: Int64) -> Double { Double(ns) / 1000 }
}
