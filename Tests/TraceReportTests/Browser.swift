import Foundation

/// Headless Chromium (Debian's `chromium`, installed by `make test`) for the tests that must see a
/// page the way a browser runs it: the DOM after the page's scripts ran, and every console line.
enum Browser {
  /// The browser binary.
  static let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// What the browser left: the serialised DOM (`--dump-dom`) and its console messages.
  struct Page {
    var dom: String
    var console: [String]
  }

  struct Missing: Error, CustomStringConvertible {
    var description: String { "chromium is not installed: run `make test` (it installs Debian's chromium)" }
  }

  /// Loads `file` (with `query`, e.g. `?s=term`) and returns the DOM after its scripts ran.
  static func load(_ file: String, query: String = "") throws -> Page {
    let r = try run(["--dump-dom", URL(fileURLWithPath: file).absoluteString + query])
    return Page(
      dom: r.stdout, console: r.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") }.map(String.init))
  }

  /// Renders `file` into the PNG `png`, `width`×`height` pixels.
  static func screenshot(_ file: String, to png: String, width: Int, height: Int) throws {
    _ = try run([
      "--screenshot=\(png)", "--window-size=\(width),\(height)", "--hide-scrollbars",
      URL(fileURLWithPath: file).absoluteString,
    ])
  }

  private static func run(_ arguments: [String]) throws -> (stdout: String, stderr: String) {
    guard let binary else { throw Missing() }
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("iou-chromium-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments =
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
        "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0",
      ] + arguments
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // A browser that hangs is ended (the test then fails on the missing DOM).
    DispatchQueue.global().asyncAfter(deadline: .now() + 90) { if p.isRunning { p.terminate() } }
    // Read both pipes while the browser runs (a full pipe would stall it).
    nonisolated(unsafe) var errData = Data()
    let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return (String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
  }
}
