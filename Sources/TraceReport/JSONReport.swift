import Foundation
import TraceAnalysis

/// Renders analyses as JSON of one shape for every command and number of paths: an object with
/// `schemaVersion`, the `command`, the overall `verdict` and `exitCode`, every run in `runs`, and for
/// `compare` the `comparison` (verdict, reasons, residual hangs; its two runs are `runs[0]` and
/// `runs[1]`). Keys are sorted; numbers carry their unit in the key (`durationNs`, `cpuSharePercent`).
/// `docs/schema/iou-analyze.schema.json` describes it.
public enum JSONReport {
  /// The JSON of `analyze` over `runs` (one per path).
  public static func render(_ runs: [RunAnalysis]) throws -> String {
    let worst = runs.map(\.verdict).max() ?? .notInFault
    return try encode(
      Document(
        command: "analyze", verdict: worst.rawValue, exitCode: worst.exitCode, runs: runs,
        comparison: nil))
  }

  /// The JSON of `compare`.
  public static func render(_ c: Comparison) throws -> String {
    try encode(
      Document(
        command: "compare", verdict: c.verdict.rawValue, exitCode: c.verdict.exitCode, runs: [c.before, c.after],
        comparison: ComparisonSummary(verdict: c.verdict, reasons: c.reasons, residualHangs: c.residualHangs)))
  }

  /// The top-level object (decodable, for programs that read the reports back).
  public struct Document: Codable, Sendable, Equatable {
    /// ``RunAnalysis/schemaVersion`` of the writer.
    public var schemaVersion: Int = RunAnalysis.schemaVersion
    /// `analyze` or `compare`.
    public var command: String
    /// The worst run verdict, or the comparison's verdict.
    public var verdict: String
    /// The exit code the command gives.
    public var exitCode: Int32
    /// One run per path (`compare`: before, then after).
    public var runs: [RunAnalysis]
    /// `compare` only.
    public var comparison: ComparisonSummary?
  }

  /// A comparison without its runs (they are the document's `runs`).
  public struct ComparisonSummary: Codable, Sendable, Equatable {
    public var verdict: ComparisonVerdict
    public var reasons: [ComparisonReason]
    public var residualHangs: [ResidualHang]
  }

  private static func encode(_ document: Document) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
  }
}
