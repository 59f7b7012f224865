import Foundation

/// One reading of /proc/PID/task/TID/{stat,stack}.
public struct ProcSample: Sendable {
  public var thread: SystemThread
  public var uptime: Double
  public var stat: String?
  public var stack: [String]
  /// Scheduler state letter (field 3 of stat) and utime+stime ticks (fields 14+15).
  public var state: String?
  public var ticks: Int64?
}

/// Samples /proc stat and stack of the target threads: a running task's only CPU evidence (its stack
/// is empty while it runs), written in the lab's stacks.txt layout so `analyze` reads it back.
public final class ProcSampler {
  private let procRoot: String
  private var lines: [String] = []
  private var sampleCount = 0
  /// Latest ticks per tid with their uptime, for CPU shares.
  public private(set) var last: [Int32: (uptime: Double, ticks: Int64, state: String)] = [:]
  /// CPU share (0…1) per tid between the last two samples.
  public private(set) var share: [Int32: Double] = [:]

  public init(procRoot: String = "/proc") { self.procRoot = procRoot }

  /// Reads every thread once and appends a sample block.
  public func sample(_ threads: [SystemThread]) {
    sampleCount += 1
    let uptime = Self.uptime(procRoot)
    lines.append("=== sample \(sampleCount) uptime \(String(format: "%.2f", uptime))")
    for t in threads {
      let base = "\(procRoot)/\(t.pid)/task/\(t.tid)"
      let stat = KernelFile.read(base + "/stat")?.trimmingCharacters(in: .newlines)
      let stack = KernelFile.read(base + "/stack")?.split(separator: "\n").map(String.init) ?? []
      lines.append("--- tid \(t.tid) comm \(t.comm)")
      if let stat {
        lines.append("stat: \(stat)")
        if let (state, ticks) = Self.parseStat(stat) {
          if let prev = last[t.tid], uptime > prev.uptime {
            share[t.tid] = Double(ticks - prev.ticks) / 100 / (uptime - prev.uptime)
          }
          last[t.tid] = (uptime, ticks, state)
        }
      } else {
        lines.append("stat: (gone)")
      }
      lines.append("stack:")
      lines.append(contentsOf: stack)
    }
  }

  /// True once a thread was sampled.
  public var isEmpty: Bool { last.isEmpty && lines.allSatisfy { $0.hasPrefix("===") } }

  /// The samples so far, as stacks.txt.
  public var text: String {
    (["# /proc/<tid>/stat and /proc/<tid>/stack of the target threads, sampled by iou-analyze capture"] + lines).joined(
      separator: "\n") + "\n"
  }

  /// State letter and utime+stime from a stat line (comm may hold spaces and parentheses).
  public static func parseStat(_ stat: String) -> (String, Int64)? {
    guard let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    guard fields.count > 12, let u = Int64(fields[11]), let s = Int64(fields[12]) else { return nil }
    return (String(fields[0]), u + s)
  }

  static func uptime(_ procRoot: String) -> Double {
    let s = KernelFile.read(procRoot + "/uptime") ?? "0"
    return Double(s.split(separator: " ").first ?? "0") ?? 0
  }
}
