import Foundation
import Testing

@testable import TraceParse

/// gzip accepts zero bytes after the last member (tape or dd padding); so do we (issue 10: such a
/// file was rejected "after 0 bytes" and its lines discarded).
@Suite struct GzipPaddingTests {
  func gzip(_ path: String) throws -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-c", path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return [UInt8](data)
  }

  @Test func trailingZeroPaddingIsAccepted() throws {
    let padded = try gzip(Fixtures.fixGraph) + [UInt8](repeating: 0, count: 10_240)
    let (_, records, result) = try readAll(Fixtures.temporary(padded, suffix: ".gz"))
    let (_, all, _) = try readAll(Fixtures.fixGraph)
    #expect(records.count == all.count)
    #expect(!result.diagnostics.contains { $0.kind == .brokenStream })
  }

  @Test func otherTrailingBytesAreABrokenStreamNamingTheBytesDecompressed() throws {
    let junk = try gzip(Fixtures.fixGraph) + Array("junk".utf8)
    #expect {
      _ = try readAll(Fixtures.temporary(junk, suffix: ".gz"))
    } throws: { e in
      guard let d = (e as? TraceInputError)?.diagnostic else { return false }
      let size = Fixtures.bytes(Fixtures.fixGraph).count
      return d.kind == .brokenStream && d.message.contains("after \(size) decompressed bytes")
    }
  }
}
