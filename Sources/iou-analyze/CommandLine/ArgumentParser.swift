/// A wrong command line: the message is printed with the usage, and the process exits 2.
struct UsageError: Error {
  var message: String
  var spec: CommandSpec?
}

/// What the user asked for, after parsing against a ``CommandSpec``.
struct ParsedArguments {
  var flags: Set<String> = []
  var values: [String: [String]] = [:]
  var positionals: [String] = []
  var wantsHelp = false

  func flag(_ name: String) -> Bool { flags.contains(name) }
  func value(_ name: String) -> String? { values[name]?.last }
  func all(_ name: String) -> [String] { values[name] ?? [] }

  /// An integer option, or a usage error naming it.
  func int(_ name: String, in range: ClosedRange<Int>, spec: CommandSpec) throws -> Int? {
    guard let v = value(name) else { return nil }
    guard let n = Int(v), range.contains(n) else {
      throw UsageError(
        message:
          "The value '\(v)' is invalid for '--\(name)': expected a whole number from \(range.lowerBound) to \(range.upperBound).",
        spec: spec)
    }
    return n
  }
}

/// Parses arguments with swift-argument-parser's conventions: `--name value`, `--name=value`,
/// short flags, `--` ends options, `-` is a positional (stdin), `-h/--help` anywhere.
enum ArgumentParser {
  static func parse(_ args: [String], _ spec: CommandSpec) throws -> ParsedArguments {
    var out = ParsedArguments()
    var i = 0
    var optionsEnded = false
    while i < args.count {
      let arg = args[i]
      i += 1
      if optionsEnded || arg == "-" || !arg.hasPrefix("-") {
        out.positionals.append(arg)
        continue
      }
      if arg == "--" {
        optionsEnded = true
        continue
      }
      if arg == "-h" || arg == "--help" {
        out.wantsHelp = true
        continue
      }
      var name: String
      var inline: String?
      if arg.hasPrefix("--") {
        name = String(arg.dropFirst(2))
        if let eq = name.firstIndex(of: "=") {
          inline = String(name[name.index(after: eq)...])
          name = String(name[..<eq])
        }
      } else {
        guard arg.count == 2, let o = spec.options.first(where: { $0.short == arg.last }) else {
          throw UsageError(message: "Unknown option '\(arg)'", spec: spec)
        }
        name = o.name
      }
      guard let option = spec.options.first(where: { $0.name == name }) else {
        throw UsageError(message: "Unknown option '\(arg)'", spec: spec)
      }
      if option.valueName == nil {
        if inline != nil { throw UsageError(message: "Option '--\(name)' takes no value", spec: spec) }
        out.flags.insert(name)
        continue
      }
      let value: String
      if let inline {
        value = inline
      } else {
        guard i < args.count else {
          throw UsageError(message: "Missing value for '--\(name) <\(option.valueName!)>'", spec: spec)
        }
        value = args[i]
        i += 1
      }
      if !option.repeatable, out.values[name] != nil {
        throw UsageError(message: "Option '--\(name)' given more than once", spec: spec)
      }
      out.values[name, default: []].append(value)
    }
    if out.wantsHelp { return out }
    let required = spec.arguments.filter { !$0.optional }
    if out.positionals.count < required.count {
      throw UsageError(message: "Missing expected argument '<\(required[out.positionals.count].name)>'", spec: spec)
    }
    if !spec.arguments.contains(where: \.variadic), out.positionals.count > spec.arguments.count {
      throw UsageError(message: "Unexpected argument '\(out.positionals[spec.arguments.count])'", spec: spec)
    }
    return out
  }
}
