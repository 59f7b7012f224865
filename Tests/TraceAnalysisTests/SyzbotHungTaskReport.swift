import Foundation

/// A hung-task report as syzbot mails it, built from the real hung-task report of the vanilla
/// 6.12.117 run (fixtures/shared-traces/vanilla-6.12.117/threadexit/dmesg_hung.txt), which our
/// captures have in dmesg form only. The edits, each the form a syzbot mail shows:
///
/// - the mail's own lines first (greeting, `syzbot found the following issue on:`, the title
///   `INFO: task hung in io_wq_put_and_exit`, the `Reported-by:` tag);
/// - no `[   29.181810] ` timestamps (syzbot prints the report without them);
/// - frames symbolized as syzbot's symbolizer prints them: ` file.c:line` after a frame, and
///   inlined calls as frames of their own ending in ` [inline]`, before the frame they were
///   inlined into. Which calls are inlined follows from the real stack (`__wait_for_common` is
///   called from `io_wq_put_and_exit` itself, so `wait_for_common`, `wait_for_completion` and
///   `io_wq_exit_workers` were inlined there); the lines are the call sites in Debian's
///   linux-source-6.12 (io_uring/io-wq.c:1362 and 1390, io_uring/tctx.c:207, ...). Frames whose
///   call sites were not looked up keep the kernel's own form;
/// - lockdep's `Showing all locks held in the system:` section (kernel/locking/lockdep.c,
///   debug_show_all_locks and lockdep_print_held_locks, which the hung-task detector calls) naming
///   the run's worker `iou-wrk-92` tid 93 holding the mmap lock taken in lock_mm_and_find_vma (the
///   function its real sysrq backtrace shows it in); the lock address is a placeholder (`%px` of a
///   lock of that run is not known).
enum SyzbotHungTaskReport {
  static let dmesg = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/dmesg_hung.txt")

  /// Source lines and inlined callees (innermost first) that the symbolizer adds to a frame.
  static let symbolized: [String: (source: String, inlined: [String])] = [
    "__wait_for_common": ("kernel/sched/completion.c:116", ["do_wait_for_common kernel/sched/completion.c:95"]),
    "io_wq_put_and_exit": (
      "io_uring/io-wq.c:1390",
      [
        "wait_for_common kernel/sched/completion.c:127", "wait_for_completion kernel/sched/completion.c:148",
        "io_wq_exit_workers io_uring/io-wq.c:1362",
      ]
    ),
    "io_uring_clean_tctx": ("io_uring/tctx.c:207", []),
    "io_uring_cancel_generic": ("io_uring/io_uring.c:3309", []),
    "do_exit": ("kernel/exit.c:901", []),
    "__x64_sys_exit": ("kernel/exit.c:1063", []),
    "do_syscall_64": ("arch/x86/entry/common.c:78", ["do_syscall_x64 arch/x86/entry/common.c:47"]),
  ]

  /// The worker that lockdep names.
  static let lockdep = [
    "", "Showing all locks held in the system:", "1 lock held by iou-wrk-92/93:",
    " #0: ffff88800dcac9d0 (&mm->mmap_lock){++++}-{4:4}, at: lock_mm_and_find_vma+0x67/0x198", "",
    "=============================================", "",
  ]

  static let mail = [
    "Hello,", "", "syzbot found the following issue on:", "", "HEAD commit:    6.12.117", "",
    "IMPORTANT: if you fix the issue, please add the following tag to the commit:",
    "Reported-by: syzbot+0000000000000000000@syzkaller.appspotmail.com", "",
    "INFO: task hung in io_wq_put_and_exit", "",
  ]

  /// The report's lines; `withLockdep: false` leaves lockdep's section out.
  static func lines(withLockdep: Bool = true) -> [String] {
    var out = mail
    for raw in Fixtures.lines(dmesg) where !raw.isEmpty {
      guard let close = raw.firstIndex(of: "]") else { continue }
      var line = String(raw[raw.index(after: close)...].dropFirst())  // `] ` after the timestamp
      let t = line.trimmingCharacters(in: .whitespaces)
      if let plus = t.firstIndex(of: "+"), !t.hasPrefix("?"), let s = symbolized[String(t[..<plus])] {
        out += s.inlined.map { " \($0) [inline]" }
        line += " " + s.source
      }
      if line == " </TASK>", withLockdep {
        out.append(line)
        out += lockdep
        continue
      }
      out.append(line)
    }
    return out + [""]
  }
}
