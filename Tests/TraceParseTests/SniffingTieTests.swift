import Testing

@testable import TraceParse

/// Two formats with as many votes each: the sniffer's choice does not depend on the order of the
/// lines or on the order in which its table of votes is walked (which differs between tables).
@Suite struct SniffingTieTests {
  /// The format sniffed from `lines` fed in order.
  static func sniff(_ lines: [String]) -> TraceFormat? {
    var s = FormatSniffer()
    for l in lines {
      Array(l.utf8).withUnsafeBufferPointer { s.observe(ByteSpan(base: $0.baseAddress, count: $0.count)) }
    }
    return s.format
  }

  @Test func aTieBetweenFtraceAndPerfScriptIsDecidedTheSameWayEveryTime() throws {
    // Edit: one function_graph line and one perf script frame line of the vanilla threadexit
    // captures, each repeated. The graph line votes for ftrace once; the frame line for perf script
    // twice (a tab-indented frame, and a frame's shape).
    let graph = try #require(Fixtures.lines(Fixtures.vanillaGraph).first { $0.contains("handle_userfault() {") })
    let frame = try #require(
      Fixtures.lines(Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/perf.txt")).first {
        $0.hasPrefix("\t") && $0.contains("handle_userfault+")
      })
    #expect(Self.sniff([graph, frame, graph, graph]) == .ftrace)
    #expect(Self.sniff([graph, frame, graph, frame, graph]) == .perfScript)
    // Twice as many graph lines as frame lines: a tie, which goes to the format whose name sorts
    // first, whatever the order of lines and of the table.
    for _ in 0..<20 {
      #expect(Self.sniff([graph, graph, frame, frame, graph, graph]) == .ftrace)
      #expect(Self.sniff([frame, frame, graph, graph, graph, graph]) == .ftrace)
      #expect(Self.sniff([frame, graph, graph]) == .ftrace)
    }
  }
}
