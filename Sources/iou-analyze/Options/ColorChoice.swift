import ArgumentParser
import Foundation

/// `--color auto|always|never`.
enum ColorChoice: String, CaseIterable, ExpressibleByArgument {
  case auto, always, never

  /// Whether text written to a terminal (or not) is coloured. `auto` colours a terminal unless
  /// NO_COLOR is set to a non-empty value (no-color.org); `always` and `never` override NO_COLOR.
  func colours(terminal: Bool) -> Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto:
      return terminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }
  }
}
