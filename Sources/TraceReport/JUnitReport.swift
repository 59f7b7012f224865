import Foundation
import TraceAnalysis

/// Renders analyses as JUnit XML for CI systems: one test case per thread in scope (SPINNING is a
/// failure, INCONCLUSIVE is skipped with its reason) and one per file that could not be read (an error).
public enum JUnitReport {
  /// The report of runs (one test suite each).
  public static func render(_ runs: [RunAnalysis]) -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
      + runs.map { suite($0, name: "iou-analyze \($0.input)") }.joined() + "</testsuites>\n"
  }

  /// The report of a comparison: one case for the verdict, one per residual hang, and both runs.
  public static func render(_ c: Comparison) -> String {
    var cases = "    <testcase classname=\"compare\" name=\"the fix stops the spin\">\n"
    let reasons = c.reasons.map(Wording.text).joined(separator: "\n")
    switch c.verdict {
    case .confirmed: cases += "      <system-out>\(escape(reasons))</system-out>\n"
    case .notConfirmed: cases += "      <failure message=\"NOT CONFIRMED\">\(escape(reasons))</failure>\n"
    case .inconclusive: cases += "      <skipped message=\"INCONCLUSIVE: \(escape(reasons))\"/>\n"
    }
    cases += "    </testcase>\n"
    for h in c.residualHangs {
      cases += "    <testcase classname=\"compare.residual-hang\" name=\"\(escape("\(h.comm) tid \(h.tid)"))\">\n"
      cases += "      <system-out>\(escape("\(Wording.text(h.kind)) [\(h.file)]"))</system-out>\n    </testcase>\n"
    }
    let failures = c.verdict == .notConfirmed ? 1 : 0
    let skipped = c.verdict == .inconclusive ? 1 : 0
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
    out += "  <testsuite name=\"iou-analyze compare\" tests=\"\(1 + c.residualHangs.count)\" failures=\"\(failures)\""
    out += " errors=\"0\" skipped=\"\(skipped)\">\n\(cases)  </testsuite>\n"
    out += suite(c.before, name: "before \(c.before.input)") + suite(c.after, name: "after \(c.after.input)")
    return out + "</testsuites>\n"
  }

  static func suite(_ run: RunAnalysis, name: String) -> String {
    var cases = ""
    var tests = 0
    var failures = 0
    var errors = 0
    var skipped = 0
    for f in run.files {
      if let why = f.skipped {
        tests += 1
        cases += "    <testcase classname=\"\(escape(f.file))\" name=\"read\">\n"
        if f.isEmpty {
          skipped += 1
          cases += "      <skipped message=\"\(escape(Wording.text(why)))\"/>\n    </testcase>\n"
        } else {
          errors += 1
          cases += "      <error message=\"\(escape(Wording.text(why)))\"/>\n    </testcase>\n"
        }
        continue
      }
      for t in f.threads {
        tests += 1
        cases += "    <testcase classname=\"\(escape(f.file))\" name=\"\(escape("\(t.comm) tid \(t.tid)"))\">\n"
        let details = escape(
          (t.evidence.map(Wording.text) + t.caveats.map { "caveat: \(Wording.text($0))" }).joined(separator: "\n"))
        switch t.verdict {
        case .spinning:
          failures += 1
          cases += "      <failure message=\"SPINNING (\(Wording.sequence(t.sequence)))\">\(details)</failure>\n"
        case .inconclusive:
          skipped += 1
          let why = t.caveats.first.map(Wording.text) ?? t.evidence.first.map(Wording.text) ?? ""
          cases += "      <skipped message=\"INCONCLUSIVE: \(escape(why))\"/>\n"
        default:
          cases +=
            "      <system-out>\(escape(t.verdict.rawValue + " (" + Wording.sequence(t.sequence) + ")\n"))\(details)</system-out>\n"
        }
        cases += "    </testcase>\n"
      }
    }
    return "  <testsuite name=\"\(escape(name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\""
      + " skipped=\"\(skipped)\">\n\(cases)  </testsuite>\n"
  }

  /// XML text and attribute escaping.
  static func escape(_ s: String) -> String {
    var out = ""
    for ch in s.unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if ch.value < 0x20 && ch != "\t" && ch != "\n" { out += "?" } else { out.unicodeScalars.append(ch) }
      }
    }
    return out
  }
}
