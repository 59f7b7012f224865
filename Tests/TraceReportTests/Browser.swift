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
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("iou-chromium-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let errPath = scratch.appendingPathComponent("stderr").path
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let p = Process()
    // coreutils' timeout ends a browser that hangs (the test then fails on the missing DOM).
    p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    p.arguments =
      [
        "60", binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
        "--user-data-dir=\(scratch.appendingPathComponent("profile").path)", "--enable-logging=stderr", "--v=0",
      ] + arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try err.close()
    let errData = FileManager.default.contents(atPath: errPath) ?? Data()
    return (String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
  }
}
