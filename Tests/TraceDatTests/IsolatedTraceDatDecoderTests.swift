import Foundation
import Testing
import TraceAnalysis
import TraceParse

@testable import TraceDat

/// libtracecmd runs in a helper process (issue 10: one changed byte made it crash the whole run).
@Suite struct IsolatedTraceDatDecoderTests {
  let dat = folder.appendingPathComponent("trace.dat").path

  /// The CLI, built beside this test bundle: it is the helper (it calls TraceDatWorker first).
  static var cli: String {
    let candidates = [
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("iou-analyze").path,
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("iou-analyze")
        .path,
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
  }

  func analyzeIsolated(_ path: String) throws -> RunAnalysis {
    var o = AnalysisOptions()
    o.traceDat = IsolatedTraceDatDecoder(executable: Self.cli)
    return try RunAnalyzer.analyze(path, options: o)
  }

  @Test func givesTheSameAnalysisAsTheInProcessDecoder() throws {
    let isolated = try analyzeIsolated(dat)
    let direct = try analyze(dat)
    #expect(isolated.files[0].format == "trace.dat")
    #expect(isolated == direct)
  }

  /// The real trace.dat with byte 224 (in its header) set to 0xFF: libtracecmd dereferences a bad
  /// pointer in tracecmd_open_fd → tracecmd_close (found by mutating each byte of the file).
  func corruptCopy() -> String {
    var bytes = [UInt8](FileManager.default.contents(atPath: dat)!)
    bytes[224] = 0xFF
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).dat").path
    #expect(FileManager.default.createFile(atPath: p, contents: Data(bytes)))
    return p
  }

  @Test func aCrashOfLibtracecmdIsOneErrorForThatFile() throws {
    let bad = corruptCopy()
    #expect {
      _ = try analyzeIsolated(bad)
    } throws: { e in
      guard let d = (e as? TraceInputError)?.diagnostic else { return false }
      return d.kind == .traceDat && d.file == bad && d.message.contains("libtracecmd crashed (SIGSEGV)")
    }
  }

  @Test func inAFolderTheCorruptFileIsSkippedAndTheOthersAnalysed() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: dat, toPath: dir.appendingPathComponent("good.dat").path)
    try FileManager.default.moveItem(atPath: corruptCopy(), toPath: dir.appendingPathComponent("bad.dat").path)
    let run = try analyzeIsolated(dir.path)
    let bad = try #require(run.files.first { $0.file.hasSuffix("bad.dat") })
    guard case .unreadable(let d)? = bad.skipped else {
      Issue.record("the corrupt file was not skipped as unreadable")
      return
    }
    #expect(d.kind == .traceDat && d.message.contains("SIGSEGV"))
    let good = try #require(run.files.first { $0.file.hasSuffix("good.dat") })
    #expect(good.skipped == nil)
    #expect(good.threads.contains { $0.tid == 364 })
  }

  @Test func aGzippedTraceDatIsDecompressedNotCalledCorrupt() throws {
    let gz = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).dat.gz").path
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "gzip -c \"$0\" > \"$1\"", dat, gz]
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    let run = try analyzeIsolated(gz)
    #expect(run.files[0].format == "trace.dat")
    #expect(run.files[0].threads == (try analyze(dat)).files[0].threads)
  }

  @Test func aHelperThatHangsIsKilledAfterTheStallTimeout() throws {
    // A script that sleeps stands for a helper stuck inside libtracecmd: it never writes anything.
    // Written through a close-on-exec descriptor: other tests start processes at the same time, and
    // a child that inherited a descriptor open for writing makes exec fail with ETXTBSY.
    let script = FileManager.default.temporaryDirectory.appendingPathComponent("iou-\(UUID().uuidString).sh").path
    let text = Array("#!/bin/sh\nexec sleep 30\n".utf8)
    let fd = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    #expect(fd >= 0 && write(fd, text, text.count) == text.count)
    close(fd)
    let decoder = IsolatedTraceDatDecoder(executable: script, stallTimeout: 1)
    let symbols = SymbolTable()
    // A fork between another test's fork and exec may still hold the descriptor for a moment.
    var message = ""
    for _ in 0..<20 {
      var sink = Discard()
      do {
        _ = try decoder.read(path: dat, displayName: "x.dat", symbols: symbols, into: &sink)
        message = "no error"
      } catch let e as TraceInputError {
        message = e.diagnostic.message
      }
      if !message.contains("Text file busy") { break }
      usleep(100_000)
    }
    #expect(message.contains("stopped responding"), "\(message)")
  }

  @Test func aStreamCutInTheMiddleOfAMessageIsAnError() throws {
    var w = RecordStreamWriter()
    let symbols = SymbolTable()
    var ctx = RecordContext(line: 1)
    ctx.tid = 7
    ctx.comm = symbols.intern("iou-wrk-6")
    w.put(.functionEntry(ctx, function: symbols.intern("handle_userfault")), symbols: symbols)
    let bytes = w.bytes
    var sink = Discard()
    #expect(throws: TraceInputError.self) {
      _ = try bytes.dropLast(3).withUnsafeBytes { try TraceDatStream.decode($0, symbols: SymbolTable(), into: &sink) }
    }
    var complete = w
    complete.put(.done)
    complete.put(Int64(1))
    complete.put(Int64(1))
    let target = SymbolTable()
    var collect = Collect()
    let done = try complete.bytes.withUnsafeBytes { try TraceDatStream.decode($0, symbols: target, into: &collect) }
    #expect(done.records == 1)
    guard case .functionEntry(let c, let f) = collect.records.first else {
      Issue.record("no entry record")
      return
    }
    #expect(target.name(f) == "handle_userfault")
    #expect(target.name(c.comm) == "iou-wrk-6")
    #expect(c.tid == 7)
  }
}

private struct Discard: TraceRecordSink {
  mutating func receive(_ record: TraceRecord) {}
}

private struct Collect: TraceRecordSink {
  var records: [TraceRecord] = []
  mutating func receive(_ record: TraceRecord) { records.append(record) }
}
