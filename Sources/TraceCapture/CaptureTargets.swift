/// The threads a capture session samples from the start.
extension ThreadSelector {
  /// The threads `--comm`/`--pid` name, followed by the tasks that own them (io workers: the
  /// exiting task's D state is half the evidence). `explicit` is false when none was asked for
  /// (the session then discovers its threads from the capture). Throws when threads were asked for
  /// and none runs.
  static func initialTargets(_ options: CaptureOptions) throws -> (targets: [SystemThread], explicit: Bool) {
    var targets = select(commPattern: options.commPattern, pids: options.pids)
    if (options.commPattern != nil || !options.pids.isEmpty) && targets.isEmpty {
      throw CaptureError(
        "no running thread matches \(options.commPattern.map { "--comm '\($0)'" } ?? "the given --pid") (is the workload running?)"
      )
    }
    let explicit = !targets.isEmpty
    let owners = Set(owners(of: targets))
    targets += select(commPattern: nil, pids: Array(owners)).filter { owners.contains($0.tid) }
    return (targets, explicit)
  }
}
