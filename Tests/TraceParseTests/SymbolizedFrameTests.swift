import Testing

@testable import TraceParse

/// The sniffer's and the kernel-log parser's rules for syzbot's symbolized frames and lockdep's
/// lock-holder lines (kernel/locking/lockdep.c lockdep_print_held_locks), on both sides.
@Suite struct SymbolizedFrameTests {
  static func check(_ s: String, _ rule: (ByteSpan) -> Bool) -> Bool {
    Array(s.utf8).withUnsafeBufferPointer { rule(ByteSpan(base: $0.baseAddress, count: $0.count).trimmed()) }
  }

  @Test func symbolizedFramesVoteForTheKernelLog() {
    let frame = { (s: String) in Self.check(s, FormatSniffer.looksLikeSymbolizedFrame) }
    #expect(frame("io_wq_put_and_exit+0x4c/0x108 io_uring/io-wq.c:1390"))
    #expect(frame("io_wq_exit_workers io_uring/io-wq.c:1362 [inline]"))
    #expect(!frame("io_wq_put_and_exit+0x4c/0x108"))  // the plain kernel form says nothing without a timestamp
    #expect(!frame("io_wq_put_and_exit+0x4c/0x108 io_uring/io-wq.c"))  // no line number
    #expect(!frame("HEAD commit:    6.12.117"))
    #expect(!frame("exc_page_fault+0x336 ([kernel.kallsyms])"))
  }

  @Test func lockHoldersAreReadWithTheirLastSlash() {
    let holder = { (s: String) in
      Array(s.utf8).withUnsafeBufferPointer {
        KernelLogParser.lockHolder(ByteSpan(base: $0.baseAddress, count: $0.count)).map { ($0.comm.string, $0.pid) }
      }
    }
    #expect(holder("1 lock held by iou-wrk-92/93:")! == ("iou-wrk-92", 93))
    #expect(holder("2 locks held by kworker/u8:1/12:")! == ("kworker/u8:1", 12))
    #expect(holder("no locks held by bash/5.")! == ("bash", 5))
    #expect(holder("1 lock held by iou-wrk-92:") == nil)  // no pid
    #expect(holder("some locks held by iou-wrk-92/93:") == nil)
    #expect(holder("1 lock held by iou-wrk-92/93") == nil)  // not the end of lockdep's line
  }
}
