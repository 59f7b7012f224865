/// Data that tells the detector what a kernel-mode fault-retry loop looks like. Rules are data,
/// not code: arch-specific fault entry names and the functions a task waits in live here, and
/// users can load their own with `--rule FILE` (JSON of this type).
public struct FaultLoopRule: Sendable, Codable, Equatable {
  /// A short name shown in reports.
  public var name: String
  /// Functions whose repeated entry, each returning without the task sleeping, is one retry
  /// (in function_graph input).
  public var retryFunctions: [String]
  /// Frames that put a sampled or snapshotted stack inside the fault path.
  public var faultPathFrames: [String]
  /// The scheduler entry whose immediate return inside a retry function shows the wait did not happen.
  public var scheduleFunctions: [String]
  /// Frames of a task waiting for its io workers to exit (the hang the spin causes).
  public var exitWaitFrames: [String]
  /// Comm prefixes of worker threads that are always reported, even when not in a fault.
  public var workerCommPrefixes: [String]
  /// Caller frames shown as the expected context of the loop (documentation in reports).
  public var expectedCallers: [String]

  /// Creates a rule.
  public init(
    name: String, retryFunctions: [String], faultPathFrames: [String], scheduleFunctions: [String],
    exitWaitFrames: [String], workerCommPrefixes: [String], expectedCallers: [String]
  ) {
    self.name = name
    self.retryFunctions = retryFunctions
    self.faultPathFrames = faultPathFrames
    self.scheduleFunctions = scheduleFunctions
    self.exitWaitFrames = exitWaitFrames
    self.workerCommPrefixes = workerCommPrefixes
    self.expectedCallers = expectedCallers
  }

  /// The built-in rule: an io-wq worker (or any task) retrying a kernel-mode page fault on a
  /// userfaultfd-registered range, on x86-64 and arm64.
  public static let userfaultfdRetry = FaultLoopRule(
    name: "kernel-mode userfaultfd fault retry",
    retryFunctions: ["handle_userfault"],
    faultPathFrames: [
      "handle_userfault", "hugetlb_handle_userfault", "handle_mm_fault", "do_user_addr_fault",
      "exc_page_fault", "asm_exc_page_fault", "do_page_fault", "el1_abort", "do_mem_abort",
    ],
    scheduleFunctions: ["schedule"],
    exitWaitFrames: ["io_wq_put_and_exit", "io_uring_clean_tctx", "io_uring_cancel_generic"],
    workerCommPrefixes: ["iou-wrk"],
    expectedCallers: [
      "fault_in_readable", "fault_in_iov_iter_readable", "iomap_file_buffered_write", "io_write",
      "io_issue_sqe", "io_wq_submit_work", "io_worker_handle_work", "io_wq_worker",
    ])
}
