import Foundation

/// A real `perf script` capture as a list of samples, edited in code and printed again with the
/// sample-header printf formats of Linux 6.12's tools/perf/builtin-script.c (`%s ` comm, `%7d `
/// tid, `[%03d] ` cpu, `%12s: ` time, `%10lu ` period, `%s: ` event); frame lines are kept as they
/// were. Each test names its edits: relabel the event, scale periods, move samples, drop columns.
struct PerfCaptureEdit {
  struct Sample {
    var comm: String
    var tid: Int
    var cpu: Int
    var time: String
    var period: Int64
    var event: String
    var frames: [String]
  }

  var comment: String?
  var samples: [Sample] = []
  var printCPU = true
  var printPeriod = true
  var printEvent = true

  /// Reads the capture at `path` (headers `comm tid [cpu] time: period event:`, tab-indented frames).
  init(_ path: String) {
    var current: Sample?
    for line in Fixtures.lines(path) {
      if line.hasPrefix("#") {
        comment = line
      } else if line.hasPrefix("\t") {
        current?.frames.append(line)
      } else if line.isEmpty {
        if let c = current { samples.append(c) }
        current = nil
      } else {
        if let c = current { samples.append(c) }
        let f = line.split(separator: " ")
        precondition(f.count == 6, "not a sample header: \(line)")
        current = Sample(
          comm: String(f[0]), tid: Int(f[1])!, cpu: Int(f[2].dropFirst().dropLast())!, time: String(f[3].dropLast()),
          period: Int64(f[4])!, event: String(f[5].dropLast()), frames: [])
      }
    }
    if let c = current { samples.append(c) }
  }

  /// The capture printed again.
  var lines: [String] {
    var out = comment.map { [$0] } ?? []
    for s in samples {
      var h = "\(s.comm) " + Self.pad(String(s.tid), 7) + " "
      if printCPU { h += "[" + String(repeating: "0", count: max(0, 3 - String(s.cpu).count)) + "\(s.cpu)] " }
      h += Self.pad(s.time, 12) + ": "
      if printPeriod { h += Self.pad(String(s.period), 10) + " " }
      out.append(printEvent ? h + "\(s.event): " : h)
      out += s.frames
      out.append("")
    }
    return out
  }

  /// Every sample's event renamed (`relabel the sample event`).
  mutating func relabel(_ event: String) {
    for i in samples.indices { samples[i].event = event }
  }

  private static func pad(_ s: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - s.count)) + s
  }
}
