import Foundation
import TraceAnalysis

/// `capture --method auto` (the default): function_graph as long as it loses nothing; when it loses
/// events it stops and counts (``HistCaptureSession``) for the rest of the duration, into the same
/// folder, which is then analysed whole (the counts decide the threads the lossy trace cannot).
public final class AutoCaptureSession {
  public let options: CaptureOptions
  /// Called once tracing is on.
  public var onStart: (() -> Void)?
  /// Called when the trace lost events and counting takes over.
  public var onSwitch: (() -> Void)?

  /// Fewest reading intervals counted after a switch.
  public static let minimumReadings = 4

  public init(options: CaptureOptions) { self.options = options }

  /// Runs the capture and returns the analysis of the saved folder.
  public func run() throws -> RunAnalysis {
    guard geteuid() == 0 else {
      throw CaptureError("capture needs root: tracefs and /proc/PID/stack are root-only (run it with sudo)")
    }
    let root = try TracefsMount.locate(override: options.tracefsRoot)
    let trace = CaptureSession(options: options)
    trace.onStart = onStart
    trace.stopOnLostEvents = HistCaptureSession.isSupported(root: root)
    let traced = try trace.run()
    guard let lost = trace.lostEventsAt, !stopRequested.load(ordering: .relaxed) else { return traced }
    if options.untilVerdict, traced.verdict == .spinning { return traced }
    // The rest of the duration (counted from when tracing began), and never fewer than
    // ``minimumReadings`` readings: the trace that lost events may decide nothing.
    let left = options.duration - lost.timeIntervalSince(trace.tracingStarted ?? lost)
    onSwitch?()
    try HistCaptureSession(options: options).count(
      seconds: max(left, Double(Self.minimumReadings) * options.readInterval))
    return try RunAnalyzer.analyze(options.outDir, options: options.analysis)
  }
}
