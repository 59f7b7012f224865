import Foundation
import FoundationXML

/// The rules of the JUnit schema that Jenkins' xunit plugin validates reports against
/// (xunit-plugin, `types/model/xsd/junit-10.xsd`), written as checks on a parsed document, plus the
/// counts CI systems read (a suite's `tests`, `failures`, `errors`, `skipped` are its cases).
/// Returns one line per broken rule; empty when the report is valid.
enum JUnitSchemaRules {
  struct ElementRule {
    var required: Set<String>
    var optional: Set<String>
    var children: Set<String>
    /// Text content allowed (mixed or string content).
    var text: Bool
  }

  static let rerun = ElementRule(
    required: ["type"], optional: ["message"], children: ["stackTrace", "system-out", "system-err"], text: true)
  static let result = ElementRule(required: [], optional: ["type", "message"], children: [], text: true)
  static let rules: [String: ElementRule] = [
    "testsuites": ElementRule(
      required: [], optional: ["name", "time", "tests", "failures", "errors"], children: ["testsuite"], text: false),
    "testsuite": ElementRule(
      required: ["name", "tests", "failures", "errors"],
      optional: ["group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"],
      children: ["testsuite", "properties", "testcase", "system-out", "system-err"], text: false),
    "properties": ElementRule(required: [], optional: [], children: ["property"], text: false),
    "property": ElementRule(required: ["name", "value"], optional: [], children: [], text: false),
    "testcase": ElementRule(
      required: ["name"], optional: ["time", "classname", "group"],
      children: [
        "skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError", "system-out",
        "system-err",
      ], text: false),
    "failure": result, "error": result, "skipped": result,
    "rerunFailure": rerun, "rerunError": rerun, "flakyFailure": rerun, "flakyError": rerun,
    "system-out": ElementRule(required: [], optional: [], children: [], text: true),
    "system-err": ElementRule(required: [], optional: [], children: [], text: true),
    "stackTrace": ElementRule(required: [], optional: [], children: [], text: true),
  ]

  /// The schema's SUREFIRE_TIME type (for `time` of suites), also applied to cases' `time`
  /// because Jenkins' JUnit plugin parses both as numbers.
  static let surefireTime = try! NSRegularExpression(pattern: "^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\\.[0-9]*)?$")

  static func violations(_ xml: String) -> [String] {
    let doc: XMLDocument
    do {
      doc = try XMLDocument(xmlString: xml)
    } catch {
      return ["not well-formed XML: \(error)"]
    }
    guard let root = doc.rootElement() else { return ["no root element"] }
    var out: [String] = []
    if root.name != "testsuites" && root.name != "testsuite" { out.append("root is <\(root.name ?? "")>") }
    check(root, path: root.name ?? "", into: &out)
    if root.name == "testsuites" { checkTotals(root, into: &out) }
    return out
  }

  static func check(_ e: XMLElement, path: String, into out: inout [String]) {
    let name = e.name ?? ""
    guard let rule = rules[name] else {
      out.append("\(path): <\(name)> is not in the schema")
      return
    }
    let attributes = Set((e.attributes ?? []).compactMap(\.name))
    for missing in rule.required.subtracting(attributes) { out.append("\(path): missing required '\(missing)'") }
    for extra in attributes.subtracting(rule.required).subtracting(rule.optional) {
      out.append("\(path): attribute '\(extra)' is not allowed")
    }
    if let time = e.attribute(forName: "time")?.stringValue,
      name == "testsuite" || name == "testsuites" || name == "testcase"
    {
      let range = NSRange(time.startIndex..., in: time)
      if time.isEmpty || surefireTime.firstMatch(in: time, range: range) == nil {
        out.append("\(path): time '\(time)' is not a SUREFIRE_TIME")
      }
    }
    for child in e.children ?? [] {
      switch child.kind {
      case .element:
        let c = child as! XMLElement
        let childName = c.name ?? ""
        if !rule.children.contains(childName) { out.append("\(path): <\(childName)> may not be inside <\(name)>") }
        check(c, path: path + "/" + childName, into: &out)
      case .text:
        if !rule.text && !(child.stringValue ?? "").allSatisfy(\.isWhitespace) {
          out.append("\(path): text is not allowed inside <\(name)>")
        }
      default: break
      }
    }
    if name == "testsuite" { checkCounts(e, path: path, into: &out) }
  }

  static func cases(_ suite: XMLElement) -> [XMLElement] { suite.elements(forName: "testcase") }

  static func checkCounts(_ suite: XMLElement, path: String, into out: inout [String]) {
    let cs = cases(suite)
    let expected: [(String, Int)] = [
      ("tests", cs.count),
      ("failures", cs.filter { !$0.elements(forName: "failure").isEmpty }.count),
      ("errors", cs.filter { !$0.elements(forName: "error").isEmpty }.count),
      ("skipped", cs.filter { !$0.elements(forName: "skipped").isEmpty }.count),
    ]
    for (attribute, n) in expected {
      guard let v = suite.attribute(forName: attribute)?.stringValue else { continue }
      if Int(v) != n { out.append("\(path): \(attribute)=\"\(v)\" but \(n) cases") }
    }
  }

  static func checkTotals(_ root: XMLElement, into out: inout [String]) {
    let suites = root.elements(forName: "testsuite")
    for attribute in ["tests", "failures", "errors"] {
      guard let v = root.attribute(forName: attribute)?.stringValue else { continue }
      let sum = suites.compactMap { $0.attribute(forName: attribute)?.stringValue.flatMap { Int($0) } }.reduce(0, +)
      if Int(v) != sum { out.append("testsuites: \(attribute)=\"\(v)\" but the suites hold \(sum)") }
    }
  }
}
