import ArgumentParser

/// Standard input can be read once: `analyze - -` would analyse it once and then an empty stream.
enum StandardInput {
  /// Rejects `-` given more than once.
  static func checkReadOnce(_ paths: [String]) throws {
    if paths.filter({ $0 == "-" }).count > 1 {
      throw ValidationError("'-' (standard input) is given more than once; standard input can be read only once.")
    }
  }
}
