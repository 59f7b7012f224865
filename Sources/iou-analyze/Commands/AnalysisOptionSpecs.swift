import Foundation
import TraceAnalysis
import TraceDat
import TraceParse

/// Options shared by `analyze` and `compare`: input format and detector thresholds.
enum AnalysisOptionSpecs {
  static let options: [OptionSpec] = [
    .value("format", "format", help: "Force the input format: \(TraceFormat.names) (default: sniffed)."),
    .value("min-retries", "n", help: "Back-to-back retries without sleeping that make a loop (default 10)."),
    .value("max-retry-gap-ms", "ms", help: "Longest gap between retries of one loop (default 50)."),
    .value(
      "hang-ms", "ms", help: "Time blocked in D up to the end of the capture that counts as a hang (default 500)."),
    .value("rule", "file", help: "Load the fault-loop rule from a JSON file (default: built-in userfaultfd rule)."),
    .value("thread", "tid", repeatable: true, help: "Only report this thread (repeatable)."),
  ]

  static func make(_ p: ParsedArguments, _ spec: CommandSpec) throws -> AnalysisOptions {
    var o = AnalysisOptions()
    o.traceDat = TraceDatDecoder()
    if isatty(2) != 0 {
      o.progress = { file, lines in
        FileHandle.standardError.write(Data("\r\(file): \(lines >> 20) M lines read…\u{1B}[K".utf8))
      }
    }
    if let f = p.value("format") {
      guard let format = TraceFormat(rawValue: f) else {
        throw UsageError(
          message: "The value '\(f)' is invalid for '--format': expected one of \(TraceFormat.names).", spec: spec)
      }
      o.format = format
    }
    if let n = try p.int("min-retries", in: 2...1_000_000, spec: spec) { o.thresholds.minRetries = n }
    if let n = try p.int("max-retry-gap-ms", in: 1...3_600_000, spec: spec) {
      o.thresholds.maxRetryGap = Int64(n) * 1_000_000
    }
    if let n = try p.int("hang-ms", in: 1...86_400_000, spec: spec) { o.thresholds.hangMinimum = Int64(n) * 1_000_000 }
    if let path = p.value("rule") {
      do {
        o.rule = try JSONDecoder().decode(FaultLoopRule.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
      } catch {
        throw UsageError(message: "Cannot load rule '\(path)': \(error.localizedDescription)", spec: spec)
      }
    }
    for t in p.all("thread") {
      guard let tid = Int32(t), tid >= 0 else {
        throw UsageError(message: "The value '\(t)' is invalid for '--thread': expected a thread id.", spec: spec)
      }
      o.threads.insert(tid)
    }
    return o
  }
}
