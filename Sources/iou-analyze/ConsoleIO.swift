import Foundation

/// Where the commands write: stdout for reports, stderr for diagnostics and errors.
struct ConsoleIO {
  var stdoutIsTerminal: Bool { isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

  func out(_ s: String) {
    FileHandle.standardOutput.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
  }

  func err(_ s: String) {
    FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
  }
}
