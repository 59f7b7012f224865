/// The outcome of comparing a before-fix and an after-fix capture of the same scenario.
public enum ComparisonVerdict: String, Sendable, Codable {
  /// Before spins in the fault loop; after has none spinning and its fault-path threads sleep or resolve.
  case confirmed = "CONFIRMED"
  /// After still spins.
  case notConfirmed = "NOT CONFIRMED"
  /// The captures cannot decide: before does not show the spin, or after cannot be decided.
  case inconclusive = "INCONCLUSIVE"

  /// Exit code for `compare`.
  public var exitCode: Int32 {
    switch self {
    case .confirmed: 0
    case .notConfirmed: 1
    case .inconclusive: 3
    }
  }
}

/// What keeps a task from ending after the fix.
public enum ResidualHangKind: Sendable, Codable, Equatable {
  /// Asleep in the fault path from `fromLine` to the end of the capture: the fault is never served.
  case asleepInFaultPath(function: String, fromLine: Int, durationNs: Int64?)
  /// Blocked in D (in `frame` when a stack shows it) up to the end of the capture, or named by a
  /// hung-task report.
  case blockedInD(frame: String?, blockedForNs: Int64?, reportedHung: Bool)
}

/// A task that stays blocked after the fix: the spin stopped, but something still never ends.
public struct ResidualHang: Sendable, Codable, Equatable {
  /// File that shows it.
  public var file: String
  /// Thread id and comm.
  public var tid: Int32
  public var comm: String
  /// What it is blocked in and for how long.
  public var kind: ResidualHangKind
}

/// Why a comparison came out as it did.
public enum ComparisonReason: Sendable, Codable, Equatable {
  /// BEFORE and AFTER are the same path: a capture compared with itself says nothing about a fix.
  case samePath(path: String)
  /// BEFORE spins in `captures` captures (e.g. this thread in this file).
  case beforeSpins(captures: Int, comm: String, tid: Int32, file: String)
  /// BEFORE could not be decided (its own reasons follow).
  case beforeInconclusive(reasons: [RunReason])
  /// BEFORE shows no spin: it does not show the bug the fix is for.
  case beforeShowsNoSpin
  /// AFTER still spins.
  case afterStillSpins(comm: String, tid: Int32, file: String)
  /// AFTER could not be decided (its own reasons follow).
  case afterInconclusive(reasons: [RunReason])
  /// AFTER has no thread in the fault path: the scenario may not have reproduced.
  case afterNothingInFaultPath
  /// AFTER: a thread in the fault path settled (its phases in order).
  case afterSettled(comm: String, tid: Int32, sequence: [Verdict], file: String)
}

/// `compare BEFORE AFTER`.
public struct Comparison: Sendable, Codable, Equatable {
  public var verdict: ComparisonVerdict
  public var reasons: [ComparisonReason]
  /// Hangs that remain after the fix (printed next to the verdict).
  public var residualHangs: [ResidualHang]
  public var before: RunAnalysis
  public var after: RunAnalysis

  /// Compares two analyses.
  public static func compare(before: RunAnalysis, after: RunAnalysis, thresholds: Thresholds = Thresholds())
    -> Comparison
  {
    let spinBefore = before.threads(in: .spinning)
    let spinAfter = after.threads(in: .spinning)
    let settledAfter = after.threads(in: .sleeping) + after.threads(in: .resolved)
    var reasons: [ComparisonReason] = []
    var verdict: ComparisonVerdict
    if spinBefore.isEmpty {
      verdict = .inconclusive
      reasons.append(
        before.verdict == .inconclusive ? .beforeInconclusive(reasons: before.reasons) : .beforeShowsNoSpin)
    } else if !spinAfter.isEmpty {
      verdict = .notConfirmed
      for (f, t) in spinAfter { reasons.append(.afterStillSpins(comm: t.comm, tid: t.tid, file: f)) }
    } else if after.verdict == .inconclusive {
      verdict = .inconclusive
      reasons.append(.afterInconclusive(reasons: after.reasons))
    } else if settledAfter.isEmpty {
      verdict = .inconclusive
      reasons.append(.afterNothingInFaultPath)
    } else {
      verdict = .confirmed
    }
    if !spinBefore.isEmpty {
      let (f, t) = spinBefore[0]
      reasons.insert(
        .beforeSpins(captures: Set(spinBefore.map(\.file)).count, comm: t.comm, tid: t.tid, file: f), at: 0)
    }
    if verdict == .confirmed {
      for (f, t) in settledAfter {
        reasons.append(.afterSettled(comm: t.comm, tid: t.tid, sequence: t.sequence, file: f))
      }
    }
    if before.input == after.input {
      verdict = .inconclusive
      reasons.insert(.samePath(path: before.input), at: 0)
    }
    return Comparison(
      verdict: verdict, reasons: reasons, residualHangs: residualHangs(after, thresholds), before: before, after: after)
  }

  /// Tasks in `run` that stay blocked to the end of the capture for at least the hang minimum,
  /// tasks named by a hung-task report, and threads asleep in the fault path until the end.
  static func residualHangs(_ run: RunAnalysis, _ th: Thresholds) -> [ResidualHang] {
    var out: [ResidualHang] = []
    for f in run.files {
      // Threads asleep in the fault path first: for a worker that is the more telling description
      // than "blocked in D"; each task is named once per file.
      var named = Set<Int32>()
      for t in f.threads where t.verdict == .sleeping {
        guard let e = t.episodes.last, e.verdict == .sleeping, e.untilEndOfCapture else { continue }
        // Untimed (a capture without timestamps), it cannot be shorter than the hang minimum.
        if let d = e.durationNs, d < th.hangMinimum { continue }
        named.insert(t.tid)
        out.append(
          ResidualHang(
            file: f.file, tid: t.tid, comm: t.comm,
            kind: .asleepInFaultPath(
              function: t.loopStack.last ?? "handle_userfault", fromLine: e.firstLine, durationNs: e.durationNs)))
      }
      for b in f.blockedTasks where !named.contains(b.tid) {
        let longEnough = b.untilEndOfCapture && b.blockedForNs.map { $0 >= th.hangMinimum } == true
        // A task waiting for its workers always has the stack that shows it (waitsForWorkers).
        guard longEnough || b.reportedHung || b.waitsForWorkers else { continue }
        named.insert(b.tid)
        out.append(
          ResidualHang(
            file: f.file, tid: b.tid, comm: b.comm,
            kind: .blockedInD(
              frame: b.stack.first(where: { $0.hasPrefix("io_wq_put_and_exit") }) ?? b.stack.first,
              blockedForNs: b.blockedForNs, reportedHung: b.reportedHung)))
      }
    }
    return out
  }
}
