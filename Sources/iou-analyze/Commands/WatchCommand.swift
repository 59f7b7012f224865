import Foundation
import TraceAnalysis
import TraceCapture

/// `iou-analyze watch`
enum WatchCommand {
  static let spec = CommandSpec(
    name: "watch",
    abstract: "Show live, per thread: state, CPU%, retries/s and verdict (root, tracefs); Ctrl-C ends it.",
    discussion: """
      Same tracing as `capture`, shown as a table refreshed in place on a terminal (plain lines when
      stdout is not a terminal). The tracefs instance is removed when it ends.
      """,
    options: [.value("out", "dir", help: "Also keep the capture in this folder.")] + CaptureOptionSpecs.options
      + AnalysisOptionSpecs.options)

  static func run(_ p: ParsedArguments, io: ConsoleIO) throws -> Int32 {
    let keep = p.value("out")
    let out = keep ?? NSTemporaryDirectory() + "iou-watch-\(getpid())"
    let o = try CaptureOptionSpecs.make(p, spec, outDir: out, defaultDuration: 86_400)
    let session = CaptureSession(options: o)
    let tty = io.stdoutIsTerminal
    var previous: [Int32: Int] = [:]
    session.onRefresh = { status, share in
      func row(_ cells: [String]) -> String {
        let widths = [8, 16, 6, 6, 10, 14]
        return zip(cells, widths + [0]).map { c, w in
          c.count >= w ? c + (w > 0 ? " " : "") : c + String(repeating: " ", count: w - c.count)
        }.joined()
      }
      var lines = [
        "iou-analyze watch — \(Date())  (Ctrl-C to stop)",
        row(["TID", "COMM", "STATE", "CPU%", "RETRIES/s", "VERDICT", "SINCE"]),
      ]
      for s in status {
        let rate = s.faultCalls - (previous[s.tid] ?? s.faultCalls)
        previous[s.tid] = s.faultCalls
        let cpu = share[s.tid].map { String(format: "%.0f", $0 * 100) } ?? "-"
        let since = s.since.map { Format.timestamp($0) } ?? "-"
        lines.append(row([String(s.tid), s.comm, s.state, cpu, String(rate), s.verdict.rawValue, since]))
      }
      if status.isEmpty { lines.append("(no io worker and no thread in the fault path yet)") }
      io.out((tty ? "\u{1B}[H\u{1B}[2J" : "") + lines.joined(separator: "\n"))
    }
    defer { if keep == nil { try? FileManager.default.removeItem(atPath: out) } }
    let run = try session.run()
    io.out("\(run.input): \(run.verdict.rawValue)")
    return run.exitCode
  }
}
