import Foundation
import TraceAnalysis

/// Renders analyses as JSON (stable key order, `schemaVersion` at the top level).
public enum JSONReport {
  /// JSON of any report value.
  public static func render<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }
}
