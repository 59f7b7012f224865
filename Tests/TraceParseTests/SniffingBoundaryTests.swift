import Testing

@testable import TraceParse

/// Boundaries of the sniffer's per-line tests, on lines of real captures edited as each test says.
@Suite struct SniffingBoundaryTests {
  static func span<R>(_ bytes: [UInt8], _ body: (ByteSpan) -> R) -> R {
    bytes.withUnsafeBufferPointer { body(ByteSpan(base: $0.baseAddress, count: $0.count)) }
  }

  /// The bytes of the vanilla threadexit graph's first `handle_userfault() {` line.
  static func callLine() throws -> [UInt8] {
    Array(try #require(Fixtures.lines(Fixtures.vanillaGraph).first { $0.hasSuffix("handle_userfault() {") }).utf8)
  }

  /// `bytes` with `n` of them, `step` apart from the first, set to `value`.
  static func overwritten(_ bytes: [UInt8], _ n: Int, every step: Int, with value: UInt8) -> [UInt8] {
    var b = bytes
    for i in 0..<n { b[i * step] = value }
    return b
  }

  /// Edit: ``callLine()`` with 3 bytes of its function name set to NUL (binary, but it keeps its
  /// time and CPU columns).
  static func callLineWithNULs() throws -> [UInt8] {
    var b = try callLine()
    for i in [b.count - 4, b.count - 6, b.count - 8] { b[i] = 0 }
    return b
  }

  @Test func aLineIsBinaryWhenMoreThanATenthOfItsBytesAreControlBytes() throws {
    // Edit: the first 50 bytes of a function_graph line of the vanilla threadexit capture, with
    // 5 or 6 of them replaced by 0x01 (no NUL, so only the share counts).
    let head = Array(try Self.callLine().prefix(50))
    try #require(head.count == 50 && !head.contains(0))
    #expect(!Self.span(Self.overwritten(head, 5, every: 7, with: 0x01), FormatSniffer.looksBinary))
    #expect(Self.span(Self.overwritten(head, 6, every: 7, with: 0x01), FormatSniffer.looksBinary))
  }

  @Test func aBinaryLineCastsNoVoteWhateverTextItHolds() throws {
    // Edit: the same function_graph line with 3 bytes of its function name set to NUL: it keeps its
    // time and CPU columns, but it is binary and votes for nothing; as captured it votes ftrace.
    let bytes = try Self.callLine()
    let nuls = try Self.callLineWithNULs()
    #expect(Self.span(bytes, FormatSniffer.formats(of:)).contains(.ftrace))
    #expect(Self.span(nuls, FormatSniffer.looksBinary))
    #expect(Self.span(nuls, FormatSniffer.formats(of:)) == [])
  }

  @Test func notATraceBlamesBinaryDataOnlyWhenMoreThanHalfTheLinesAreBinary() throws {
    // Edit: prose lines of shared-traces/README.md (no trace) after 2 or 3 copies of the line above
    // with its NULs, 5 lines in all: 2 binary lines are not why it is no trace, 3 are.
    let prose = Fixtures.lines(Fixtures.path("shared-traces/README.md")).filter { l in
      !l.isEmpty && Self.span(Array(l.utf8), FormatSniffer.formats(of:)).isEmpty
    }
    try #require(prose.count >= 3)
    let nuls = try Self.callLineWithNULs()
    func sniffed(binary: Int) -> FormatSniffer {
      var s = FormatSniffer()
      for _ in 0..<binary { Self.span(nuls) { s.observe($0) } }
      for l in prose.prefix(5 - binary) { Self.span(Array(l.utf8)) { s.observe($0) } }
      return s
    }
    #expect(sniffed(binary: 2).format == nil)
    #expect(sniffed(binary: 2).explanation.hasPrefix("none of the first 5 lines looks like"))
    #expect(sniffed(binary: 3).explanation == "3 of the first 5 lines are binary data")
  }

  @Test func aLineWithANULIsBinaryFromThreeControlBytesOn() throws {
    // Edit: a whole function_graph line of the vanilla threadexit capture (over 30 bytes, so three
    // control bytes are under a tenth of it) with 2 or 3 of its bytes set to NUL.
    let bytes = try Self.callLine()
    try #require(bytes.count > 30)
    #expect(!Self.span(Self.overwritten(bytes, 2, every: 5, with: 0), FormatSniffer.looksBinary))
    #expect(Self.span(Self.overwritten(bytes, 3, every: 5, with: 0), FormatSniffer.looksBinary))
  }

  @Test func aFileIsBinaryWhenMoreThanHalfOfItsLinesAre() throws {
    // Edit: the first 20 lines of the vanilla threadexit graph (from its first call line on), with
    // 10 or 11 of them corrupted (every fifth byte set to 0x01: a fifth of the line, binary).
    let lines = Fixtures.lines(Fixtures.vanillaGraph)
    let first = try #require(lines.firstIndex { $0.hasSuffix("handle_userfault() {") })
    let twenty = lines[first..<(first + 20)].map { Array($0.utf8) }
    func sniffed(corrupting n: Int) -> TraceFormat? {
      var s = FormatSniffer()
      for (i, var b) in twenty.enumerated() {
        if i < n { for k in stride(from: 0, to: b.count, by: 5) { b[k] = 0x01 } }
        Self.span(b) { s.observe($0) }
      }
      return s.format
    }
    #expect(sniffed(corrupting: 10) == .ftrace)
    #expect(sniffed(corrupting: 11) == nil)
  }

  @Test func aGraphContextSwitchBannerVotesFtraceAlone() throws {
    // The dashes line around a function_graph context switch (lab/vanilla/cancel), as printed.
    let banner = try #require(
      Fixtures.lines(Fixtures.path("lab/vanilla/cancel/fgraph_proc.txt")).first { $0.hasPrefix(" ------------") })
    #expect(Self.span(Array(banner.utf8), FormatSniffer.formats(of:)) == [.ftrace])
  }

  @Test func eitherFormOfALostEventsLineIsFtrace() {
    // Built from the printf formats: the kernel's trace.c `CPU:%d [LOST %lu EVENTS]` and
    // trace-cmd report's `CPU:%d [%llu EVENTS DROPPED]`.
    for line in ["CPU:1 [LOST 4021 EVENTS]", "CPU:0 [204600 EVENTS DROPPED]"] {
      var s = FormatSniffer()
      Self.span(Array(line.utf8)) { s.observe($0) }
      #expect(s.format == .ftrace, "\(line)")
    }
  }

  @Test func theCPUCountThatOpensATraceCmdReportIsFtraceAlone() throws {
    // The first line of a real `trace-cmd report` (shared-traces/fix-fail-fault/threadexit, trace-cmd
    // 3.1.6), which prints no `version = ` line before it.
    let first = try #require(Fixtures.lines(Fixtures.traceCmdReport).first)
    try #require(first == "cpus=2")
    #expect(Self.span(Array(first.utf8), FormatSniffer.formats(of:)) == [.ftrace])
  }

  @Test func eachHeaderLineOfAKernelHistogramIsAHistVote() throws {
    // The first reading of a real `capture --method hist` file (lab/live-capture/vanilla/overrun/
    // hist-armed): the kernel's `# event histogram` and `# trigger info: hist:…` lines, and the marker
    // line iou-analyze writes before each reading.
    let lines = Fixtures.lines(Fixtures.path("lab/live-capture/vanilla/overrun/hist-armed/hist.txt"))
    for prefix in ["# event histogram", "# trigger info: hist:", "# iou-analyze hist:"] {
      let line = try #require(lines.first { $0.hasPrefix(prefix) }, "\(prefix)")
      #expect(Self.span(Array(line.utf8), FormatSniffer.formats(of:)) == [.hist], "\(line)")
    }
  }

  @Test func aHistogramEntryIsAHistVoteWithBothItsKeyAndItsHitcount() throws {
    // The worker's entry in the last retry reading of the same capture votes hist. Edits: the entry
    // cut before its ` hitcount:` (a key alone), and cut after its `{ ` (a hitcount without the key
    // that opens the line): neither votes.
    let lines = Fixtures.lines(Fixtures.path("lab/live-capture/vanilla/overrun/hist-armed/hist.txt"))
    let entry = try #require(lines.last { $0.hasPrefix("{ common_pid: iou-wrk-190 ") })
    let hitcount = try #require(entry.range(of: " hitcount:"))
    #expect(Self.span(Array(entry.utf8), FormatSniffer.formats(of:)) == [.hist])
    let keyAlone = String(entry[..<hitcount.lowerBound])
    #expect(Self.span(Array(keyAlone.utf8), FormatSniffer.formats(of:)) == [])
    let withoutOpening = String(entry.dropFirst(2))
    #expect(Self.span(Array(withoutOpening.utf8), FormatSniffer.formats(of:)) == [])
  }

  @Test func aLineOpeningWithCPUIsALostEventsLineOnlyWhenItSaysSo() throws {
    // The NMI backtrace header of a real sysrq-l dump (lab/vanilla/threadexit/sysrq.txt), with its
    // dmesg timestamp removed as `dmesg -t` and syzbot reports print it: `CPU: 1 UID: 0 PID: 97 ...`
    // opens as a lost-events line does but has neither LOST nor DROPPED: it casts no vote.
    let header = try #require(
      Fixtures.lines(Fixtures.path("lab/vanilla/threadexit/sysrq.txt")).first {
        $0.contains("] CPU: 1 UID: 0 PID: 97 ")
      })
    let untimed = header[header.index(after: try #require(header.firstIndex(of: "]")))...].drop { $0 == " " }
    try #require(untimed.hasPrefix("CPU: 1 UID: 0 PID: 97 Comm: iou-wrk-96"))
    #expect(Self.span(Array(untimed.utf8), FormatSniffer.formats(of:)) == [])
  }

  @Test func aLineThatOpensWithANumberIsAGraphLineOnlyWithBothItsColumns() throws {
    // A function_graph line with the time column has both `) ` (after the CPU) and ` |  `; a
    // /proc/PID/stat line (edit: the `stat: ` prefix of the vanilla threadexit stacks.txt removed, as
    // `cat /proc/PID/stat` prints it) opens with a number and has `) ` after the comm, but no pipe.
    let stat = try #require(
      Fixtures.lines(Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/stacks.txt")).first {
        $0.hasPrefix("stat: 93 ")
      }
    ).dropFirst(6)
    let graph = try #require(Fixtures.lines(Fixtures.vanillaGraph).first { $0.hasSuffix("handle_userfault() {") })
    func votes(_ line: String) -> [TraceFormat] {
      Self.span(Array(line.utf8)) { FormatSniffer.candidates($0.trimmed(), raw: $0) }
    }
    #expect(!votes(String(stat)).contains(.ftrace))
    #expect(votes(graph).contains(.ftrace))
  }

  @Test func aPerfHeaderWithWallClockTimeIsAHeader() throws {
    // Edit: the time of a real sample header of the vanilla threadexit perf capture replaced by
    // seconds since the epoch, as `perf record -k CLOCK_REALTIME` makes `perf script` print them
    // (1.7e9 s: past what Int64 holds at 10 decimals, within it at 9).
    let header = try #require(
      Fixtures.lines(Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/perf.txt")).first {
        $0.hasPrefix("iou-wrk-92 ")
      })
    let wall = header.replacingOccurrences(of: "22.126957:", with: "1733051234.126957:")
    try #require(wall != header)
    for line in [header, wall] {
      #expect(Self.span(Array(line.utf8)) { FormatSniffer.looksLikePerfHeader($0.trimmed()) }, "\(line)")
    }
  }

  @Test func aTraceCmdReportGraphLineIsNoPerfHeader() throws {
    // `trace-cmd report` of function_graph (shared-traces fix-fail-fault/threadexit) prints a decimal
    // time before the first `: ` as a perf sample header does; only its ` | ` column tells them apart.
    let line = try #require(
      Fixtures.lines(Fixtures.path("shared-traces/fix-fail-fault/threadexit/trace-cmd-report.txt")).first {
        $0.contains("funcgraph_entry:") && $0.hasSuffix("handle_userfault() {")
      })
    #expect(!Self.span(Array(line.utf8)) { FormatSniffer.looksLikePerfHeader($0.trimmed()) })
    #expect(!Self.span(Array(line.utf8)) { FormatSniffer.candidates($0.trimmed(), raw: $0) }.contains(.perfScript))
  }
}
