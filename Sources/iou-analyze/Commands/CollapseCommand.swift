import Foundation
import TraceFold
import TraceParse

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `iou-analyze collapse FILE`: folded stacks for flame graphs.
enum CollapseCommand {
  static let spec = CommandSpec(
    name: "collapse",
    abstract: "Fold stacks into 'name;root;...;leaf weight' lines for flame graphs (FlameGraph, speedscope, inferno).",
    discussion: """
      FILE is read like 'analyze' reads it ('-' for stdin, .gz/.zst directly) and folded by its format:

      perf script: byte for byte what FlameGraph's stackcollapse-perf.pl (commit 41fee1f) prints with
        the same options. The weight is the sum of the samples' periods (1 for samples without one,
        such as tracepoints with a payload). Only the first event type seen is kept unless
        --event-filter names one. The process name leads each stack (blanks become '_'); frames are
        root first, '+0x..' offsets removed, '[unknown]' shown as '[dso]'. As in the Perl script, a
        last sample that is not followed by a blank line is not counted, lines that fit nothing are
        reported on stderr and skipped. Not supported: --inline, --context, --srcline.
      function_graph text (ftrace, trace-cmd report): the weight is each call's self time (duration
        minus its traced children) summed per stack, in whole microseconds (rounded; stacks under
        0.5 us in all are left out). Calls whose entry precedes the capture are folded as name;fn.
      /proc stacks, dmesg stack reports, pasted reports: each stack counts 1 (innermost frame last).

      Output lines are sorted bytewise. Exit status: 0, or 2 for bad input or usage.
      """,
    arguments: [
      ArgumentSpec(name: "file", help: "perf script output, a function_graph trace, stacks, or '-' for stdin.")
    ],
    options: [
      .flag("pid", help: "Append -PID to the process name ('?' when the input has only tids)."),
      .flag("tid", help: "Append -PID/TID to the process name."),
      .flag("kernel", help: "Annotate kernel frames with _[k]."),
      .flag("jit", help: "Annotate JIT frames (/tmp/perf-PID.map) with _[j]."),
      .flag("all", help: "Both annotations (--kernel --jit)."),
      .flag("addrs", help: "Show the address of frames without a symbol: [dso <ip>]."),
      .value("event-filter", "event", help: "Fold only samples of this event (default: the first event in the input)."),
      .value("format", "format", help: "Force the input format: \(TraceFormat.names) (default: sniffed)."),
    ])

  static func run(_ p: ParsedArguments, io: ConsoleIO) throws -> Int32 {
    var options = FoldOptions()
    options.includePid = p.flag("pid")
    options.includeTid = p.flag("tid")
    options.annotateKernel = p.flag("kernel")
    options.annotateJit = p.flag("jit")
    if p.flag("all") { options.setAll() }
    options.includeAddrs = p.flag("addrs")
    options.eventFilter = p.value("event-filter") ?? ""
    var forced: TraceFormat?
    if let f = p.value("format") {
      guard let format = TraceFormat(rawValue: f) else {
        throw UsageError(
          message: "The value '\(f)' is invalid for '--format': expected one of \(TraceFormat.names).", spec: spec)
      }
      forced = format
    }
    let path = p.positionals[0]
    let name = path == "-" ? "<stdin>" : path
    let source: PrefixedSource
    do {
      source = PrefixedSource(try InputOpener.open(path))
    } catch let e as ByteSourceError {
      throw TraceInputError(file: name, line: 0, kind: .open, e.message)
    }
    let format: TraceFormat
    do {
      format = try forced ?? source.sniff()
    } catch let e as ByteSourceError {
      throw TraceInputError(file: name, line: 0, kind: .brokenStream, e.message)
    }
    let out = StdoutWriter()
    if format == .perfScript {
      var folder = PerfScriptFolder(options: options)
      do {
        try folder.consume(source)
      } catch let e as ByteSourceError {
        throw TraceInputError(file: name, line: folder.lineCount, kind: .brokenStream, e.message)
      }
      if let e = folder.skippedEvent {
        io.err(
          "\(name): note: folding only '\(options.eventFilter.isEmpty ? "the first event" : options.eventFilter)' samples; '\(e)' and other events skipped (use --event-filter)"
        )
      }
      for x in folder.unrecognisedExamples {
        io.err("\(name):\(x.line): warning: not a perf script line, skipped: \(x.text)")
      }
      if folder.unrecognisedLines > folder.unrecognisedExamples.count {
        io.err("\(name): warning: \(folder.unrecognisedLines) lines skipped in all")
      }
      folder.write { out.write($0) }
    } else {
      let symbols = SymbolTable()
      let folder = RecordFolder(symbols: symbols, options: options)
      var sink = folder
      let reader = TraceFileReader(symbols: symbols, forcedFormat: format)
      let result = try reader.read(source: source, displayName: name, into: &sink)
      for d in result.diagnostics { io.err(d.formatted) }
      folder.write { out.write($0) }
    }
    out.flush()
    return 0
  }
}

/// Replays the bytes read for sniffing, then the rest of the source: stdin can be folded too.
final class PrefixedSource: ByteSource {
  private let inner: ByteSource
  private var prefix: [UInt8] = []
  private var offset = 0

  init(_ inner: ByteSource) { self.inner = inner }

  /// Reads up to 256 KiB and decides the format from its first lines.
  func sniff() throws -> TraceFormat {
    var buffer = [UInt8](repeating: 0, count: 1 << 18)
    var filled = 0
    while filled < buffer.count {
      let n = try buffer.withUnsafeMutableBytes {
        try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
      }
      if n == 0 { break }
      filled += n
      if buffer[0..<filled].filter({ $0 == 0x0A }).count > FormatSniffer.sampleLines { break }
    }
    prefix = Array(buffer[0..<filled])
    var sniffer = FormatSniffer()
    prefix.withUnsafeBufferPointer { b in
      var start = 0
      for i in 0..<b.count where b[i] == 0x0A {
        sniffer.observe(ByteSpan(base: b.baseAddress! + start, count: i - start))
        start = i + 1
        if sniffer.isDecided { return }
      }
      if start < b.count { sniffer.observe(ByteSpan(base: b.baseAddress! + start, count: b.count - start)) }
    }
    return sniffer.format ?? .ftrace
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    if offset < prefix.count {
      let n = min(buffer.count, prefix.count - offset)
      prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
      offset += n
      return n
    }
    return try inner.read(into: buffer)
  }
}

/// Buffered writes to stdout.
final class StdoutWriter {
  private var buffer: [UInt8] = []

  func write(_ bytes: UnsafeRawBufferPointer) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 20 { flush() }
  }

  func flush() {
    var done = 0
    buffer.withUnsafeBytes { b in
      while done < b.count {
        let n = Glibc.write(1, b.baseAddress! + done, b.count - done)
        if n <= 0 { break }
        done += n
      }
    }
    buffer.removeAll(keepingCapacity: true)
  }
}
