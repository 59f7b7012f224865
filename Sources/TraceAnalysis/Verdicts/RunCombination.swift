/// One thread of a run: the same comm and tid in one or more files of it.
public struct RunThread: Sendable, Codable, Equatable {
  /// Its comm.
  public var comm: String
  /// Its tid.
  public var tid: Int32
  /// True for io-wq workers.
  public var isWorker: Bool
  /// The verdict over its files (rule 2 of ``RunCombination``).
  public var verdict: Verdict
  /// Each file that shows it, with the verdict of that file.
  public var sightings: [FileVerdict]
  /// When it is INCONCLUSIVE but set aside (rule 3): the file of another kind that decides its role.
  public var decidedBy: String?

  /// True when it is set aside by rule 3.
  public var overruled: Bool { decidedBy != nil }
}

/// One file's verdict on a thread.
public struct FileVerdict: Sendable, Codable, Equatable {
  /// The file.
  public var file: String
  /// Its format.
  public var format: String
  /// The verdict that file gives.
  public var verdict: Verdict
}

/// Why a run's verdict is what it is.
public enum RunReason: Sendable, Codable, Equatable {
  /// A thread at the run's verdict, and the files that show it so.
  case thread(comm: String, tid: Int32, verdict: Verdict, files: [String])
  /// An INCONCLUSIVE thread set aside because a capture of another kind decides its role.
  case overruled(comm: String, tid: Int32, file: String, decidedBy: String)
  /// A task waits for its io workers, but no worker is in any capture.
  case waiterWithoutWorker(tid: Int32, comm: String, file: String)
  /// No io worker and no thread in the fault path in any capture.
  case noThreadInScope
  /// Threads in the fault path, none spinning.
  case noSpin
}

/// How per-file results make one run verdict (the README's "How it decides" shows this table):
///
/// | step | rule |
/// |---|---|
/// | 1. file → thread | each file is analysed alone; a thread is its comm and tid in that file |
/// | 2. thread | the same comm and tid in several files is one thread: a decisive verdict of any file beats INCONCLUSIVE; among decisive ones the worst counts |
/// | 3. role | an INCONCLUSIVE thread is set aside when a capture of another kind (format) shows a thread of the same role (io worker, or other fault-path thread) SLEEPING or RESOLVED |
/// | 4. run | SPINNING if any thread spins; else INCONCLUSIVE if a thread is left INCONCLUSIVE, or a task waits for its workers and no capture holds one; else the worst verdict left |
/// | 5. exit code | SPINNING 1, INCONCLUSIVE 3, otherwise 0 |
public enum RunCombination {
  /// Combines per-file results into the run's threads, verdict and reasons.
  public static func combine(input: String, _ files: [FileAnalysis]) -> RunAnalysis {
    var threads = mergeThreads(files)
    setAsideByRole(&threads)
    let live = threads.filter { !$0.overruled }
    var verdict = live.map(\.verdict).max() ?? .notInFault
    var reasons: [RunReason] = []
    for t in live where t.verdict == verdict && verdict != .notInFault {
      reasons.append(.thread(comm: t.comm, tid: t.tid, verdict: t.verdict, files: t.sightings.map(\.file)))
    }
    if verdict != .spinning {
      for t in threads {
        guard let by = t.decidedBy else { continue }
        reasons.append(.overruled(comm: t.comm, tid: t.tid, file: t.sightings[0].file, decidedBy: by))
      }
    }
    let waiters = files.flatMap { f in f.blockedTasks.filter(\.waitsForWorkers).map { (f.file, $0) } }
    if live.allSatisfy({ $0.verdict == .notInFault }), let (file, w) = waiters.first {
      verdict = .inconclusive
      reasons.append(.waiterWithoutWorker(tid: w.tid, comm: w.comm, file: file))
    }
    if reasons.isEmpty { reasons.append(threads.isEmpty ? .noThreadInScope : .noSpin) }
    return RunAnalysis(input: input, files: files, threads: threads, verdict: verdict, reasons: reasons)
  }

  /// Rules 1 and 2: one entry per comm and tid, in order of first appearance.
  static func mergeThreads(_ files: [FileAnalysis]) -> [RunThread] {
    var index: [String: Int] = [:]
    var out: [RunThread] = []
    for f in files {
      for t in f.threads {
        let key = "\(t.tid)\u{0}\(t.comm)"
        let seen = FileVerdict(file: f.file, format: f.format, verdict: t.verdict)
        if let i = index[key] {
          out[i].sightings.append(seen)
          out[i].verdict = threadVerdict(out[i].sightings)
          out[i].isWorker = out[i].isWorker || t.isWorker
        } else {
          index[key] = out.count
          out.append(
            RunThread(
              comm: t.comm, tid: t.tid, isWorker: t.isWorker, verdict: t.verdict, sightings: [seen], decidedBy: nil))
        }
      }
    }
    return out
  }

  /// Rule 2: decisive verdicts beat INCONCLUSIVE; the worst decisive one counts.
  static func threadVerdict(_ sightings: [FileVerdict]) -> Verdict {
    let decisive = sightings.map(\.verdict).filter { $0 != .inconclusive }
    return decisive.max() ?? .inconclusive
  }

  /// Rule 3.
  static func setAsideByRole(_ threads: inout [RunThread]) {
    let snapshot = threads
    for i in threads.indices where threads[i].verdict == .inconclusive {
      threads[i].decidedBy =
        snapshot.first { $0.isWorker == threads[i].isWorker && decides($0, over: threads[i]) }?
        .sightings[0].file
    }
  }

  /// A thread settled in the fault path (SLEEPING or RESOLVED) in a file of another format than every
  /// file of `other` decides the role of `other`.
  static func decides(_ t: RunThread, over other: RunThread) -> Bool {
    let kinds = Set(other.sightings.map(\.format))
    return t.sightings.contains { s in
      (s.verdict == .sleeping || s.verdict == .resolved) && !kinds.contains(s.format)
    }
  }
}
