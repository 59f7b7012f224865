import TraceParse
import TraceReport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Messages on standard error, all in one style: `iou-analyze: FILE:LINE: message`.
enum Console {
  /// The program name that starts every message.
  static let program = "iou-analyze"

  /// Writes one line to stderr, control bytes from the input escaped. A failing stderr is ignored:
  /// there is nowhere left to report it.
  static func say(_ line: String) {
    let safe = TextEscaping.terminal(line)
    let bytes = Array((safe.hasSuffix("\n") ? safe : safe + "\n").utf8)
    bytes.withUnsafeBytes { b in
      var done = 0
      while done < b.count {
        let n = Glibc.write(2, b.baseAddress! + done, b.count - done)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        done += n
      }
    }
  }

  /// An error not tied to a file: `iou-analyze: message`.
  static func error(_ message: String) { say("\(program): \(message)") }

  /// A problem in the input: `iou-analyze: FILE:LINE: message` for errors and
  /// `iou-analyze: FILE:LINE: warning: message` for warnings (no line when it is 0).
  static func report(_ d: Diagnostic) { say(line(d)) }

  /// The text of ``report(_:)``.
  static func line(_ d: Diagnostic) -> String {
    let place = d.line > 0 ? "\(d.file):\(d.line)" : d.file
    let severity = d.severity == .warning ? "warning: " : ""
    return "\(program): \(place): \(severity)\(d.message)"
  }

  /// A remark about a file: `iou-analyze: FILE: note: message`.
  static func note(_ file: String, _ message: String) { say("\(program): \(file): note: \(message)") }

  /// True when standard error is a terminal (progress lines are shown then).
  static var stderrIsTerminal: Bool { isatty(2) != 0 }
}

extension Console {
  /// Rewrites the progress line on a terminal's stderr.
  static func progress(_ text: String) { writeRaw("\r\(text)\u{1B}[K") }

  /// Clears the progress line.
  static func clearProgress() { writeRaw("\r\u{1B}[K") }

  private static func writeRaw(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress!, $0.count) }
  }
}
