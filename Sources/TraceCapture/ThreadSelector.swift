import Foundation

/// A thread of the running system, from /proc.
public struct SystemThread: Sendable, Hashable {
  public var pid: Int32
  public var tid: Int32
  public var comm: String
}

/// Finds the threads a capture targets: by comm glob (`iou-wrk-*`) or by pid (all its threads).
public enum ThreadSelector {
  /// Every thread whose comm matches `pattern` (fnmatch glob), or that belongs to one of `pids`.
  public static func select(commPattern: String?, pids: [Int32], procRoot: String = "/proc") -> [SystemThread] {
    var out: [SystemThread] = []
    let fm = FileManager.default
    let processes = (try? fm.contentsOfDirectory(atPath: procRoot))?.compactMap { Int32($0) } ?? []
    for pid in processes {
      let tasks = (try? fm.contentsOfDirectory(atPath: "\(procRoot)/\(pid)/task"))?.compactMap { Int32($0) } ?? []
      for tid in tasks {
        guard let comm = KernelFile.read("\(procRoot)/\(pid)/task/\(tid)/comm") else { continue }
        let name = comm.trimmingCharacters(in: .newlines)
        let byComm = commPattern.map { fnmatch($0, name, 0) == 0 } ?? false
        if byComm || pids.contains(pid) || pids.contains(tid) {
          out.append(SystemThread(pid: pid, tid: tid, comm: name))
        }
      }
    }
    return out.sorted { $0.tid < $1.tid }
  }

  /// One thread by tid (its /proc/TID directory exists even though /proc does not list it).
  public static func lookup(_ tid: Int32, procRoot: String = "/proc") -> SystemThread? {
    guard let comm = KernelFile.read("\(procRoot)/\(tid)/comm"),
      let status = KernelFile.read("\(procRoot)/\(tid)/status")
    else {
      return nil
    }
    let tgid = status.split(separator: "\n").first { $0.hasPrefix("Tgid:") }.flatMap {
      Int32($0.dropFirst(5).trimmingCharacters(in: .whitespaces))
    }
    return SystemThread(pid: tgid ?? tid, tid: tid, comm: comm.trimmingCharacters(in: .newlines))
  }

  /// The owner of an io worker: `iou-wrk-<tid>` names the task that created its io-wq.
  public static func owners(of threads: [SystemThread]) -> [Int32] {
    threads.compactMap { t in t.comm.hasPrefix("iou-wrk-") ? Int32(t.comm.dropFirst(8)) : nil }
  }

  /// `known` with the threads of `tids` that exist, each followed by the tasks that own it (io
  /// workers), none twice.
  static func adding(_ tids: [Int32], to known: [SystemThread]) -> [SystemThread] {
    var out = known
    var seen = Set(known.map(\.tid))
    for tid in tids where !seen.contains(tid) {
      guard let t = lookup(tid) else { continue }
      out.append(t)
      seen.insert(t.tid)
      for owner in owners(of: [t]) where !seen.contains(owner) {
        if let o = lookup(owner) {
          out.append(o)
          seen.insert(owner)
        }
      }
    }
    return out
  }
}
