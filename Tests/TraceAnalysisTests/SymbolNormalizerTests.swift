import Testing

@testable import TraceAnalysis

/// The base names rules match: the name up to its first `+` (offset) or `.` (compiler suffix).
@Suite struct SymbolNormalizerTests {
  /// Names as the lab's captures print them (perf frames, sysrq stacks, a whole-kernel graph).
  @Test(arguments: [
    ("handle_userfault+0x1d9", "handle_userfault"),
    ("handle_userfault+0x0/0x4a0", "handle_userfault"),
    ("finish_task_switch.isra.0+0xf5/0x1a5", "finish_task_switch"),
    ("sched_balance_newidle.constprop.0", "sched_balance_newidle"),
    ("clear_buddies.isra.0", "clear_buddies"),
    ("io_wq_worker", "io_wq_worker"),
  ])
  func capturedNames(name: String, base: String) {
    #expect(SymbolNormalizer.normalize(name) == base)
  }

  /// Non-ASCII names cannot be captured from this kernel; built by hand: a `+` or `.` that a
  /// combining mark joins into another Character does not cut the name, one standing alone does.
  @Test func nonASCIINamesCutAtWholeCharacters() {
    #expect(SymbolNormalizer.normalize("f\u{E9}te+0x10") == "f\u{E9}te")
    #expect(SymbolNormalizer.normalize("a+\u{301}b.c") == "a+\u{301}b")
    #expect(SymbolNormalizer.normalize("a.\u{301}b+c") == "a.\u{301}b")
    #expect(SymbolNormalizer.normalize("\u{E9}.\u{E9}") == "\u{E9}")
  }
}
