import Foundation

/// Number formatting shared by the reports.
public enum Format {
  /// `315.5 ms`, `92 µs`, `2.01 s`.
  public static func duration(_ ns: Int64) -> String {
    let v = Double(ns)
    if v >= 1e9 { return String(format: "%.2f s", v / 1e9) }
    if v >= 1e6 { return String(format: "%.1f ms", v / 1e6) }
    if v >= 1e3 { return String(format: "%.0f µs", v / 1e3) }
    return "\(ns) ns"
  }

  /// Seconds as a duration text.
  public static func seconds(_ s: Double) -> String { duration(Int64(s * 1e9)) }

  /// A timestamp in seconds with microseconds, as ftrace prints it.
  public static func timestamp(_ ns: Int64?) -> String {
    guard let ns else { return "?" }
    return String(format: "%.6f", Double(ns) / 1e9)
  }
}
