import ArgumentParser
import Foundation
import TraceAnalysis
import TraceCapture
import TraceReport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `iou-analyze watch`
struct WatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "watch",
    abstract: "Show live, per thread: state, CPU%, retries/s and verdict (root, tracefs); Ctrl-C ends it.",
    usage: "iou-analyze watch [<options>]",
    discussion: """
      Same tracing as 'capture', shown as a table refreshed in place on a terminal (plain lines when \
      standard output is not a terminal). The tracefs instance is removed when it ends, also when standard \
      output goes away. Exit status as 'analyze'.
      """)

  @Option(help: ArgumentHelp("Also keep the capture in this folder.", valueName: "dir"))
  var out: String?

  @OptionGroup(title: "Tracing") var tracing: CaptureArguments
  @OptionGroup(title: "Analysis") var analysis: AnalysisArguments

  func run() throws {
    let folder = out ?? NSTemporaryDirectory() + "iou-watch-\(getpid())"
    let o = try tracing.captureOptions(outDir: folder, defaultDuration: 86_400, analysis: analysis)
    let session = CaptureSession(options: o)
    let tty = isatty(1) != 0
    let screen = OutputChannel.standardOutput
    var table = WatchTable()
    var writeError: OutputError?
    session.onRefresh = { status, share in
      guard writeError == nil else { return }
      do {
        try screen.write((tty ? "\u{1B}[H\u{1B}[2J" : "") + table.render(status, share) + "\n")
        try screen.flush()
      } catch {
        // The table cannot be shown any more: stop tracing (the instance is removed on the way out).
        writeError = error as? OutputError
        stopRequested.store(true, ordering: .relaxed)
      }
    }
    defer { if out == nil { try? FileManager.default.removeItem(atPath: folder) } }
    let run = try session.run()
    if let writeError { throw writeError }
    try screen.write("\(run.input): \(run.verdict.rawValue)\n")
    try screen.flush()
    try ExitStatus.finish(run.exitCode)
  }
}

/// The rows `watch` shows, with each thread's retries since the last refresh.
struct WatchTable {
  private var previous: [Int32: Int] = [:]

  /// The table for one refresh.
  mutating func render(_ status: [LiveThreadStatus], _ share: [Int32: Double]) -> String {
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
    return lines.joined(separator: "\n")
  }
}
