import ArgumentParser
import Foundation
import TraceAnalysis
import TraceDat
import TraceParse

/// Options shared by `analyze`, `compare`, `capture` and `watch`: input format and detector thresholds.
struct AnalysisArguments: ParsableArguments {
  @Option(help: "Force the input format (default: sniffed from the first lines).")
  var format: TraceFormat?

  @Option(help: ArgumentHelp("Back-to-back retries without sleeping that make a loop.", valueName: "n"))
  var minRetries: Int = Thresholds().minRetries

  @Option(help: ArgumentHelp("Longest gap between retries of one loop, in milliseconds.", valueName: "ms"))
  var maxRetryGapMs: Int = Int(Thresholds().maxRetryGap / 1_000_000)

  @Option(
    help: ArgumentHelp(
      "Time blocked in D up to the end of the capture that counts as a hang, in milliseconds.", valueName: "ms"))
  var hangMs: Int = Int(Thresholds().hangMinimum / 1_000_000)

  @Option(
    help: ArgumentHelp(
      "Load the fault-loop rule from a JSON file (a FaultLoopRule; default: the built-in userfaultfd rule).",
      valueName: "file"))
  var rule: String?

  @Option(help: ArgumentHelp("Only report this thread (repeatable).", valueName: "tid"))
  var thread: [Int32] = []

  func validate() throws {
    guard (2...1_000_000).contains(minRetries) else {
      throw ValidationError("--min-retries must be a whole number from 2 to 1000000 (got \(minRetries)).")
    }
    guard (1...3_600_000).contains(maxRetryGapMs) else {
      throw ValidationError("--max-retry-gap-ms must be from 1 to 3600000 (got \(maxRetryGapMs)).")
    }
    guard (1...86_400_000).contains(hangMs) else {
      throw ValidationError("--hang-ms must be from 1 to 86400000 (got \(hangMs)).")
    }
    if let bad = thread.first(where: { $0 < 0 }) {
      throw ValidationError("--thread takes a thread id, not \(bad).")
    }
  }

  /// The library's options; `progress` is shown on stderr when it is a terminal.
  func analysisOptions(progress: Bool) throws -> AnalysisOptions {
    var o = AnalysisOptions()
    o.traceDat = IsolatedTraceDatDecoder()
    if progress {
      o.progress = { file, lines in Console.progress("\(file): \(lines >> 20) M lines read…") }
    }
    o.format = format
    o.thresholds.minRetries = minRetries
    o.thresholds.maxRetryGap = Int64(maxRetryGapMs) * 1_000_000
    o.thresholds.hangMinimum = Int64(hangMs) * 1_000_000
    if let rule {
      let data: Data
      do {
        data = try Data(contentsOf: URL(fileURLWithPath: rule))
      } catch {
        throw FileError(file: rule, message: "cannot read the rule file")
      }
      do {
        o.rule = try JSONDecoder().decode(FaultLoopRule.self, from: data)
      } catch {
        throw FileError(file: rule, message: "not a fault-loop rule: \(RuleError.describe(error, in: data))")
      }
    }
    o.threads = Set(thread)
    return o
  }
}

/// Words for a rule file that does not decode.
enum RuleError {
  /// What is wrong and where, from a `DecodingError` (instead of "The data isn't in the correct format").
  static func describe(_ error: Error, in data: Data) -> String {
    guard let e = error as? DecodingError else { return "\(error)" }
    func path(_ c: DecodingError.Context) -> String {
      let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return p.isEmpty ? "" : " at \(p)"
    }
    switch e {
    case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)'\(path(c))"
    case .typeMismatch(_, let c): return "wrong type\(path(c)): \(c.debugDescription)"
    case .valueNotFound(_, let c): return "missing value\(path(c))"
    case .dataCorrupted(let c):
      let underlying = (c.underlyingError as NSError?)?.userInfo["NSDebugDescription"] as? String
      return "not valid JSON\(path(c))" + ((underlying ?? syntaxError(data)).map { ": \($0)" } ?? "")
    @unknown default: return "\(e)"
    }
  }

  /// Where the JSON syntax breaks, as `line L, column C` (the decoder does not say; the parser gives
  /// a character offset).
  static func syntaxError(_ data: Data) -> String? {
    do {
      _ = try JSONSerialization.jsonObject(with: data)
      return nil
    } catch {
      guard let text = (error as NSError).userInfo["NSDebugDescription"] as? String else { return nil }
      guard let r = text.range(of: "character "), let offset = Int(text[r.upperBound...].prefix { $0.isNumber }) else {
        return text.hasPrefix("Unexpected end of file") ? "the file ends before the JSON does" : text
      }
      let before = data.prefix(offset)
      let line = before.filter { $0 == 0x0A }.count + 1
      let column = offset - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
      let what = text.components(separatedBy: " around").first ?? text
      return "\(what.prefix(1).lowercased())\(what.dropFirst()) at line \(line), column \(column)"
    }
  }
}
