import ArgumentParser

/// What the library leaves loose at the top level: an unknown subcommand (also after `help`) is a
/// usage error with a suggestion, not the root help with status 0.
enum SubcommandCheck {
  /// Throws a usage error when `arguments` start with a word that names no subcommand.
  static func check(_ arguments: [String]) throws {
    let names = IOUAnalyze.configuration.subcommands.map { $0._commandName }
    var word = arguments.first
    if word == "help" { word = arguments.dropFirst().first }
    guard let word, !word.hasPrefix("-"), !names.contains(word) else { return }
    let near = names.min { distance($0, word) < distance($1, word) }
    let hint = near.flatMap { distance($0, word) <= 3 ? " Did you mean '\($0)'?" : nil } ?? ""
    throw ValidationError("Unknown subcommand '\(word)'.\(hint) Subcommands: \(names.joined(separator: ", ")).")
  }

  /// Levenshtein distance between two words.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let current = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
        previous = current
      }
    }
    return row[b.count]
  }
}
