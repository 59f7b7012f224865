import CZlib
import CZstd
import Foundation
import Testing

@testable import TraceParse

/// gzip-compresses `input` in memory (windowBits 15+16 = gzip wrapper).
func gzip(_ input: [UInt8]) -> [UInt8] {
  var stream = z_stream()
  deflateInit2_(
    &stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
  var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
  var inCopy = input
  let produced = inCopy.withUnsafeMutableBufferPointer { inp in
    out.withUnsafeMutableBufferPointer { o in
      stream.next_in = inp.baseAddress
      stream.avail_in = uInt(inp.count)
      stream.next_out = o.baseAddress
      stream.avail_out = uInt(o.count)
      deflate(&stream, Z_FINISH)
      return o.count - Int(stream.avail_out)
    }
  }
  deflateEnd(&stream)
  return Array(out[0..<produced])
}

func zstd(_ input: [UInt8]) -> [UInt8] {
  var out = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
  let n = out.withUnsafeMutableBytes { o in
    input.withUnsafeBytes { i in ZSTD_compress(o.baseAddress, o.count, i.baseAddress, i.count, 3) }
  }
  return Array(out[0..<n])
}

@Suite struct CompressedInputTests {
  let plain = Fixtures.bytes(Fixtures.fixGraph)

  func recordCount(_ path: String) throws -> (Int, TraceReadResult) {
    let (_, records, result) = try readAll(path)
    return (records.count, result)
  }

  @Test func gzipInputGivesTheSameRecordsAsThePlainFile() throws {
    let (expected, _) = try recordCount(Fixtures.fixGraph)
    let (got, result) = try recordCount(Fixtures.temporary(gzip(plain), suffix: ".gz"))
    #expect(got == expected)
    #expect(result.bytes == Int64(plain.count))
  }

  @Test func concatenatedGzipMembersAreReadOneAfterTheOther() throws {
    let half = plain.count / 2
    let cut = plain[..<half].lastIndex(of: 0x0A)! + 1
    let twoMembers = gzip(Array(plain[..<cut])) + gzip(Array(plain[cut...]))
    let (got, _) = try recordCount(Fixtures.temporary(twoMembers, suffix: ".gz"))
    let (expected, _) = try recordCount(Fixtures.fixGraph)
    #expect(got == expected)
  }

  @Test func zstdInputGivesTheSameRecordsAsThePlainFile() throws {
    let (expected, _) = try recordCount(Fixtures.fixGraph)
    let (got, _) = try recordCount(Fixtures.temporary(zstd(plain), suffix: ".zst"))
    #expect(got == expected)
  }

  @Test func aTruncatedGzipFileIsAnErrorNotAShortTrace() throws {
    let z = gzip(plain)
    let path = Fixtures.temporary(Array(z[..<(z.count / 2)]), suffix: ".gz")
    #expect {
      _ = try readAll(path)
    } throws: { e in
      (e as? TraceInputError)?.diagnostic.message.contains("truncated") == true
    }
  }

  @Test func aCorruptedZstdStreamIsAnErrorNamingTheFile() throws {
    var z = zstd(plain)
    for i in stride(from: 20, to: min(z.count, 400), by: 3) { z[i] ^= 0x5A }
    let path = Fixtures.temporary(z, suffix: ".zst")
    #expect {
      _ = try readAll(path)
    } throws: { e in
      guard let d = (e as? TraceInputError)?.diagnostic else { return false }
      return d.file == path && (d.message.contains("zstd") || d.kind == .notATrace)
    }
  }
}
