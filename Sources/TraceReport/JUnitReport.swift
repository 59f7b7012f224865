import Foundation
import TraceAnalysis

/// Renders analyses and comparisons as JUnit XML for CI systems, within the rules of the JUnit
/// schema that Jenkins' xunit plugin validates against (junit-10.xsd): `testsuites` holds only
/// `testsuite`s; a suite has `name`, `tests`, `failures` and `errors`; a case has `name`, and
/// `classname` and `time` at most; results are `failure`, `error`, `skipped` or `system-out`.
///
/// An analysis gives one suite per file and one case per thread: SPINNING is a failure,
/// INCONCLUSIVE is skipped, a file that could not be read is an error (an empty one is skipped).
/// A comparison gives one suite with the verdict's case (a failure only when NOT CONFIRMED, skipped
/// when INCONCLUSIVE) and one passing case per residual hang, so the report agrees with the exit
/// status. `time` is the seconds of trace a case was decided from: a thread's traced span, a file's
/// capture span (0 when the format has no times).
public enum JUnitReport {
  /// The report of analysed runs.
  public static func render(_ runs: [RunAnalysis]) -> String {
    var suites: [Suite] = []
    for run in runs {
      let folder = run.files.count > 1 || run.files.first?.file != run.input ? run.input : nil
      for f in run.files { suites.append(suite(f, folder: folder)) }
    }
    return document("iou-analyze analyze", suites)
  }

  /// The report of a comparison: the verdict and the residual hangs, nothing else.
  public static func render(_ c: Comparison) -> String {
    let reasons = c.reasons.map(Wording.text).joined(separator: "\n")
    let outcome: Outcome
    switch c.verdict {
    case .confirmed: outcome = .passed(output: "CONFIRMED\n" + reasons)
    case .notConfirmed: outcome = .failed(type: "NOT CONFIRMED", message: "NOT CONFIRMED", details: reasons)
    case .inconclusive: outcome = .skipped(message: "INCONCLUSIVE: " + reasons)
    }
    let span = (c.before.files + c.after.files).map(captureSeconds).reduce(0, +)
    var cases = [Case(classname: "compare", name: "the fix stops the spin", time: span, outcome: outcome)]
    for h in c.residualHangs {
      let file = c.after.files.first { $0.file == h.file }
      cases.append(
        Case(
          classname: "compare.residual-hang", name: "\(h.comm) (tid \(h.tid))", time: file.map(captureSeconds) ?? 0,
          outcome: .passed(output: "residual hang: \(Wording.text(h.kind)) [\(h.file)]")))
    }
    let properties = [("before", c.before.input), ("after", c.after.input), ("verdict", c.verdict.rawValue)]
    let name = "compare \(c.before.input) → \(c.after.input)"
    return document("iou-analyze compare", [Suite(name: name, file: nil, properties: properties, cases: cases)])
  }

  // MARK: - Model

  enum Outcome {
    case passed(output: String)
    case failed(type: String, message: String, details: String)
    case skipped(message: String)
    case error(message: String)
  }

  struct Case {
    var classname: String
    var name: String
    var time: Double
    var outcome: Outcome
  }

  struct Suite {
    var name: String
    var file: String?
    var time: Double = 0
    var properties: [(String, String)]
    var cases: [Case]

    init(name: String, file: String?, time: Double? = nil, properties: [(String, String)], cases: [Case]) {
      self.name = name
      self.file = file
      self.properties = properties
      self.cases = cases
      self.time = time ?? cases.map(\.time).reduce(0, +)
    }

    func count(_ kind: (Outcome) -> Bool) -> Int { cases.filter { kind($0.outcome) }.count }
    var failures: Int { count { if case .failed = $0 { true } else { false } } }
    var errors: Int { count { if case .error = $0 { true } else { false } } }
    var skipped: Int { count { if case .skipped = $0 { true } else { false } } }
  }

  static func suite(_ f: FileAnalysis, folder: String?) -> Suite {
    let classname = className(file: f.file, folder: folder)
    var cases: [Case] = []
    if let why = f.skipped {
      cases.append(
        Case(
          classname: classname, name: "read", time: 0,
          outcome: f.isEmpty ? .skipped(message: Wording.text(why)) : .error(message: Wording.text(why))))
    }
    for t in f.threads {
      let details = (t.evidence.map(Wording.text) + t.caveats.map { "caveat: \(Wording.text($0))" })
        .joined(separator: "\n")
      let sequence = Wording.sequence(t.sequence)
      let outcome: Outcome
      switch t.verdict {
      case .spinning:
        outcome = .failed(type: "SPINNING", message: "SPINNING (\(sequence))", details: details)
      case .inconclusive:
        let why = t.caveats.first.map(Wording.text) ?? t.evidence.first.map(Wording.text) ?? ""
        outcome = .skipped(message: "INCONCLUSIVE: \(why)")
      default:
        outcome = .passed(output: "\(t.verdict.rawValue) (\(sequence))\n\(details)")
      }
      cases.append(
        Case(classname: classname, name: "\(t.comm) (tid \(t.tid))", time: tracedSeconds(t), outcome: outcome))
    }
    var properties = [("format", f.format)]
    if let worst = f.worst { properties.append(("verdict", worst.rawValue)) }
    return Suite(name: f.file, file: f.file, time: captureSeconds(f), properties: properties, cases: cases)
  }

  /// `analyze.threadexit.fgraph_proc` for `…/threadexit/fgraph_proc.txt` read from a run folder:
  /// the command, the run folder and the capture's name without extensions, dots made `_` (CI
  /// systems split class names at dots into package and class).
  static func className(file: String, folder: String?) -> String {
    func base(_ path: String) -> String {
      var name = (path as NSString).lastPathComponent
      for ext in [".gz", ".zst"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
      if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
      let cleaned = name.map { $0 == "." || $0 == "<" || $0 == ">" ? "_" : $0 }
      return String(cleaned).trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }
    var parts = ["analyze"]
    if let folder { parts.append(base(folder + ".x")) }
    parts.append(base(file))
    return parts.filter { !$0.isEmpty }.joined(separator: ".")
  }

  static func tracedSeconds(_ t: ThreadVerdict) -> Double {
    guard let start = t.episodes.compactMap(\.startNs).min(), let end = t.episodes.compactMap(\.endNs).max(),
      end > start
    else { return 0 }
    return Double(end - start) / 1e9
  }

  static func captureSeconds(_ f: FileAnalysis) -> Double {
    guard let s = f.captureStartNs, let e = f.captureEndNs, e > s else { return 0 }
    return Double(e - s) / 1e9
  }

  // MARK: - XML

  static func document(_ name: String, _ suites: [Suite]) -> String {
    let tests = suites.map(\.cases.count).reduce(0, +)
    let failures = suites.map(\.failures).reduce(0, +)
    let errors = suites.map(\.errors).reduce(0, +)
    let time = suites.map(\.time).reduce(0, +)
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites name=\"\(escape(name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\""
    out += " time=\"\(seconds(time))\">\n"
    for s in suites { out += xml(s) }
    return out + "</testsuites>\n"
  }

  static func xml(_ s: Suite) -> String {
    var out = "  <testsuite name=\"\(escape(s.name))\" tests=\"\(s.cases.count)\" failures=\"\(s.failures)\""
    out += " errors=\"\(s.errors)\" skipped=\"\(s.skipped)\" time=\"\(seconds(s.time))\""
    if let file = s.file { out += " file=\"\(escape(file))\"" }
    out += ">\n    <properties>\n"
    for (k, v) in s.properties { out += "      <property name=\"\(escape(k))\" value=\"\(escape(v))\"/>\n" }
    out += "    </properties>\n"
    for c in s.cases {
      out +=
        "    <testcase classname=\"\(escape(c.classname))\" name=\"\(escape(c.name))\" time=\"\(seconds(c.time))\">\n"
      switch c.outcome {
      case .passed(let output): out += "      <system-out>\(escape(output, attribute: false))</system-out>\n"
      case .failed(let type, let message, let details):
        out +=
          "      <failure type=\"\(escape(type))\" message=\"\(escape(message))\">\(escape(details, attribute: false))</failure>\n"
      case .skipped(let message): out += "      <skipped message=\"\(escape(message))\"/>\n"
      case .error(let message): out += "      <error message=\"\(escape(message))\"/>\n"
      }
      out += "    </testcase>\n"
    }
    return out + "  </testsuite>\n"
  }

  /// Seconds as the schema's SUREFIRE_TIME pattern takes them: digits, a point, six decimals.
  static func seconds(_ s: Double) -> String { String(format: "%.6f", s.isFinite && s > 0 ? s : 0) }

  /// XML text and attribute escaping; control characters XML 1.0 forbids become `?`. In attributes,
  /// line ends are character references (a parser would turn a raw one into a space).
  static func escape(_ s: String, attribute: Bool = true) -> String {
    var out = ""
    for ch in s.unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\n": out += attribute ? "&#10;" : "\n"
      default:
        if ch.value < 0x20 && ch != "\t" { out += "?" } else { out.unicodeScalars.append(ch) }
      }
    }
    return out
  }
}
