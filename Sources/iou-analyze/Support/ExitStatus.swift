import ArgumentParser

/// The exit statuses iou-analyze documents (README, `--help`).
enum ExitStatus {
  /// No thread spins / CONFIRMED.
  static let healthy: Int32 = 0
  /// A thread spins / NOT CONFIRMED.
  static let spinning: Int32 = 1
  /// Bad input, bad usage, or output that could not be written.
  static let failure: Int32 = 2
  /// Inconclusive (e.g. events lost inside the only window).
  static let inconclusive: Int32 = 3

  /// The status of several results: spin (1) beats inconclusive (3) beats healthy (0); 2 beats all.
  static func worst(_ a: Int32, _ b: Int32) -> Int32 {
    func rank(_ c: Int32) -> Int { c == 1 ? 3 : c == 2 ? 4 : c == 3 ? 2 : 0 }
    return rank(a) >= rank(b) ? a : b
  }

  /// Ends a command's `run()` with `status` (0 returns normally).
  static func finish(_ status: Int32) throws {
    if status != 0 { throw ExitCode(status) }
  }

  /// The text shown at the end of every command's `--help`.
  static let help = """
    Exit status: 0 no thread spins (compare: CONFIRMED), 1 a thread spins (NOT CONFIRMED), 2 bad input, \
    bad usage or output that could not be written, 3 inconclusive.
    """
}
