/// One option of a command, declared once: the same declaration parses and documents it.
struct OptionSpec {
  /// Long name without dashes (`json` for `--json`).
  var name: String
  /// Optional one-letter short name.
  var short: Character?
  /// Placeholder of the value (`n`, `file`), or nil for a flag.
  var valueName: String?
  /// May be given more than once.
  var repeatable = false
  /// One line of help.
  var help: String

  static func flag(_ name: String, short: Character? = nil, help: String) -> OptionSpec {
    OptionSpec(name: name, short: short, valueName: nil, help: help)
  }

  static func value(_ name: String, _ valueName: String, repeatable: Bool = false, help: String) -> OptionSpec {
    OptionSpec(name: name, short: nil, valueName: valueName, repeatable: repeatable, help: help)
  }
}

/// A positional argument.
struct ArgumentSpec {
  var name: String
  var help: String
  /// Accepts one or more values (`<path> ...`).
  var variadic = false
  /// May be omitted.
  var optional = false
}

/// A subcommand's interface, from which parsing and `--help` are both derived.
struct CommandSpec {
  var name: String
  var abstract: String
  var discussion: String = ""
  var arguments: [ArgumentSpec] = []
  var options: [OptionSpec] = []

  /// `iou-analyze analyze [--json] <path> ...`
  var usage: String {
    var parts = ["iou-analyze", name]
    for o in options {
      parts.append(o.valueName.map { "[--\(o.name) <\($0)>]" + (o.repeatable ? " ..." : "") } ?? "[--\(o.name)]")
    }
    for a in arguments {
      var s = "<\(a.name)>" + (a.variadic ? " ..." : "")
      if a.optional { s = "[\(s)]" }
      parts.append(s)
    }
    return parts.joined(separator: " ")
  }

  /// The full `--help` text.
  var help: String {
    var out = "OVERVIEW: \(abstract)\n"
    if !discussion.isEmpty { out += "\n\(discussion)\n" }
    out += "\nUSAGE: \(usage)\n"
    if !arguments.isEmpty {
      out += "\nARGUMENTS:\n"
      for a in arguments { out += Self.row("<\(a.name)>", a.help) }
    }
    out += "\nOPTIONS:\n"
    for o in options {
      var label = "--\(o.name)"
      if let s = o.short { label = "-\(s), " + label }
      if let v = o.valueName { label += " <\(v)>" }
      out += Self.row(label, o.help)
    }
    out += Self.row("--version", "Show the version.")
    out += Self.row("-h, --help", "Show help information.")
    return out
  }

  private static func row(_ label: String, _ help: String) -> String {
    let pad =
      label.count < 26 ? String(repeating: " ", count: 26 - label.count) : "\n" + String(repeating: " ", count: 28)
    return "  \(label)\(pad)\(help)\n"
  }
}
