import Foundation

/// The outcome of comparing a before-fix and an after-fix capture of the same scenario.
public enum ComparisonVerdict: String, Sendable, Codable {
  /// Before spins in the fault loop; after has none spinning and its fault-path threads sleep or resolve.
  case confirmed = "CONFIRMED"
  /// After still spins, or before does not spin.
  case notConfirmed = "NOT CONFIRMED"
  /// The captures cannot decide.
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

/// A task that stays blocked after the fix: the spin stopped, but something still never ends.
public struct ResidualHang: Sendable, Codable, Equatable {
  /// File that shows it.
  public var file: String
  /// Thread id and comm.
  public var tid: Int32
  public var comm: String
  /// What it is blocked in and for how long.
  public var description: String
}

/// `compare BEFORE AFTER`.
public struct Comparison: Sendable, Codable, Equatable {
  public var schemaVersion = RunAnalysis.schemaVersion
  public var verdict: ComparisonVerdict
  public var reasons: [String]
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
    let unsureAfter = after.threads(in: .inconclusive)
    var reasons: [String] = []
    let verdict: ComparisonVerdict
    if spinBefore.isEmpty {
      if before.verdict == .inconclusive {
        verdict = .inconclusive
        reasons.append("before: no spin could be proven (\(before.reasons.joined(separator: "; ")))")
      } else {
        verdict = .notConfirmed
        reasons.append("before: no thread spins in the fault loop, so the capture does not show the bug the fix is for")
      }
    } else if !spinAfter.isEmpty {
      verdict = .notConfirmed
      for (f, t) in spinAfter { reasons.append("after: \(t.comm) (tid \(t.tid)) still SPINNING in \(f)") }
    } else if !unsureAfter.isEmpty {
      verdict = .inconclusive
      for (f, t) in unsureAfter {
        reasons.append("after: \(t.comm) (tid \(t.tid)) INCONCLUSIVE in \(f): \(t.caveats.first ?? "")")
      }
    } else if settledAfter.isEmpty {
      verdict = .inconclusive
      reasons.append(
        "after: no thread in the fault path at all, so the scenario may not have reproduced; nothing shows the fix at work"
      )
    } else {
      verdict = .confirmed
    }
    if !spinBefore.isEmpty {
      let (f, t) = spinBefore[0]
      let captures = Set(spinBefore.map(\.file)).count
      reasons.insert(
        "before: SPINNING in \(captures) capture\(captures == 1 ? "" : "s") (e.g. \(t.comm) tid \(t.tid) in \(f))",
        at: 0)
    }
    if verdict == .confirmed {
      for (f, t) in settledAfter {
        reasons.append("after: \(t.comm) (tid \(t.tid)) \(t.sequence) in \(f)")
      }
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
        let dur = e.seconds.map { Int64($0 * 1e9) } ?? 0
        guard dur >= th.hangMinimum || e.start == nil else { continue }
        named.insert(t.tid)
        out.append(
          ResidualHang(
            file: f.file, tid: t.tid, comm: t.comm,
            description:
              "asleep in the fault path (\(t.loopStack.last ?? "handle_userfault")) from line \(e.firstLine) to the end of the capture"
              + (e.seconds.map { " (\(Format.seconds($0)))" } ?? "") + ": the fault is never served"))
      }
      for b in f.blockedTasks where !named.contains(b.tid) {
        let longEnough = b.untilEndOfCapture && (b.blockedFor ?? 0) >= th.hangMinimum
        // A task waiting for its workers always has the stack that shows it (waitsForWorkers).
        guard longEnough || b.reportedHung || b.waitsForWorkers else { continue }
        var d = "blocked in D"
        if let top = b.stack.first(where: { $0.hasPrefix("io_wq_put_and_exit") }) ?? b.stack.first { d += " in \(top)" }
        if let t = b.blockedFor { d += " for \(Format.duration(t)) up to the end of the capture" }
        if b.reportedHung { d += "; the hung-task detector reported it" }
        named.insert(b.tid)
        out.append(ResidualHang(file: f.file, tid: b.tid, comm: b.comm, description: d))
      }
    }
    return out
  }
}
