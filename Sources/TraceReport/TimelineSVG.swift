import Foundation
import TraceAnalysis

/// The time picture of captures: one row per thread and per task blocked in D over a common time
/// window, a time axis with ticks and units, phases coloured by verdict, every fault retry of a
/// SPINNING phase as a mark (a density strip under it shows where marks would merge), D-state
/// stretches in grey. Zoom (wheel, buttons) and pan (drag) come from ``TimelineScript``; the axis
/// is relabelled for the visible span.
enum TimelineSVG {
  /// One row of the picture.
  struct Row {
    var label: String
    var bars: [Bar] = []
    var marks: [Int64] = []
    var samples: [Int64] = []
    var instants: [(at: Int64, cls: String, tip: String)] = []
  }

  /// A stretch of a row.
  struct Bar {
    var start: Int64
    var end: Int64
    var cls: String
    var tip: String
  }

  static let width = 1100.0
  static let left = 190.0
  static let right = 12.0
  static let rowHeight = 30.0

  /// The rows of one file: its threads (phases and retries) and blocked tasks.
  static func rows(_ f: FileAnalysis, prefix: String = "") -> [Row] {
    var rows: [Row] = []
    for t in f.threads {
      var row = Row(label: "\(prefix)\(t.comm) \(t.tid)")
      for e in t.episodes {
        guard let s = e.startNs else { continue }
        let end = max(e.endNs ?? s, s)
        let tip =
          "\(e.verdict.rawValue), lines \(e.firstLine)–\(e.lastLine), \(e.faultCalls) fault calls, \(Format.duration(end - s))"
        row.bars.append(Bar(start: s, end: end, cls: HTMLReport.cls(e.verdict), tip: tip))
        row.marks += e.retries.compactMap(\.startNs)
      }
      row.samples = t.samples.compactMap { $0.inFaultPath ? $0.timestampNs : nil }
      row.instants += snapshotInstants(t.snapshots)
      rows.append(row)
    }
    for b in f.blockedTasks {
      var row = Row(label: "\(prefix)\(b.comm) \(b.tid) (D)")
      if let s = b.sinceNs {
        let end = b.blockedForNs.map { s.addingSaturated($0) } ?? f.captureEndNs ?? s
        row.bars.append(
          Bar(
            start: s, end: max(end, s), cls: "blocked",
            tip: "blocked in D from line \(b.line)\(b.blockedForNs.map { ", \(Format.duration($0))" } ?? "")"))
      }
      row.instants += snapshotInstants(b.snapshots)
      rows.append(row)
    }
    let lost = f.lostMarks.compactMap { m in
      m.timestampNs.map {
        ($0, "lostmark", "events lost at line \(m.line) on CPU \(m.cpu)\(m.events.map { ": \($0)" } ?? "")")
      }
    }
    if !lost.isEmpty { rows.append(Row(label: "lost events", instants: lost)) }
    return rows.filter { !$0.bars.isEmpty || !$0.marks.isEmpty || !$0.samples.isEmpty || !$0.instants.isEmpty }
  }

  /// Snapshots as marks coloured by the task's state.
  static func snapshotInstants(_ marks: [SnapshotMark]) -> [(at: Int64, cls: String, tip: String)] {
    marks.compactMap { m in
      guard let at = m.timestampNs else { return nil }
      let state = m.state.map { "\($0.rawValue)" } ?? "?"
      let what =
        m.cpuTicks.map { "/proc stat: \($0) CPU ticks" } ?? (m.inFaultPath ? "stack in the fault path" : "stack")
      return (at, "snap state-\(state)", "line \(m.line), state \(state), \(what)")
    }
  }

  /// The SVG of `rows` over `t0...t1` (ns), or nil when there is nothing timed to draw.
  static func render(_ rows: [Row], from t0: Int64, to t1: Int64, id: String) -> String? {
    guard t1 > t0, !rows.isEmpty else { return nil }
    let plot = width - left - right
    let span = Double(t1 - t0)
    func x(_ ns: Int64) -> Double { left + plot * Double(ns - t0) / span }
    let height = Double(rows.count) * rowHeight + 34
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" class="timeline" id="\(id)" viewBox="0 0 \(Int(width)) \(Int(height))" \
      width="\(Int(width))" height="\(Int(height))" data-t0="\(t0)" data-t1="\(t1)" data-left="\(Int(left))" \
      data-plot="\(Int(plot))" data-rows="\(rows.count)">
      <defs><clipPath id="\(id)-clip"><rect x="\(Int(left))" y="0" width="\(Int(plot))" height="\(Int(height))"/></clipPath></defs>

      """
    for (i, row) in rows.enumerated() {
      let y = Double(i) * rowHeight
      svg += "<text class=\"label\" x=\"4\" y=\"\(f1(y + 18))\">\(HTMLReport.escape(row.label))</text>\n"
      svg +=
        "<line class=\"row\" x1=\"\(Int(left))\" x2=\"\(Int(width - right))\" y1=\"\(f1(y + rowHeight))\" y2=\"\(f1(y + rowHeight))\"/>\n"
    }
    // Everything in time goes into one group that the script scales and shifts.
    svg += "<g clip-path=\"url(#\(id)-clip)\"><g class=\"plot\">\n"
    for (i, row) in rows.enumerated() {
      let y = Double(i) * rowHeight
      for bar in row.bars {
        svg +=
          "<rect class=\"\(bar.cls)\" x=\"\(f1(x(bar.start)))\" y=\"\(f1(y + 5))\" width=\"\(f3(max(x(bar.end) - x(bar.start), 0.5)))\" height=\"14\"><title>\(HTMLReport.escape(bar.tip))</title></rect>\n"
      }
      if !row.marks.isEmpty {
        svg += "<g class=\"retries\" data-count=\"\(row.marks.count)\">"
        for m in row.marks {
          svg += "<line x1=\"\(f3(x(m)))\" x2=\"\(f3(x(m)))\" y1=\"\(f1(y + 3))\" y2=\"\(f1(y + 21))\"/>"
        }
        svg += "<title>\(row.marks.count) fault retries (one mark each)</title></g>\n"
        svg += density(row.marks, y: y + 23, x: x)
      }
      if !row.samples.isEmpty {
        svg += "<g class=\"samples\" data-count=\"\(row.samples.count)\">"
        for m in row.samples {
          svg += "<line x1=\"\(f3(x(m)))\" x2=\"\(f3(x(m)))\" y1=\"\(f1(y + 4))\" y2=\"\(f1(y + 20))\"/>"
        }
        svg += "<title>\(row.samples.count) perf samples in the fault path (one mark each)</title></g>\n"
        svg += density(row.samples, y: y + 23, x: x)
      }
      for inst in row.instants {
        svg +=
          "<line class=\"instant \(inst.cls)\" x1=\"\(f3(x(inst.at)))\" x2=\"\(f3(x(inst.at)))\" y1=\"\(f1(y + 1))\" y2=\"\(f1(y + 27))\"><title>\(HTMLReport.escape(inst.tip))</title></line>\n"
      }
    }
    svg += "</g></g>\n"
    svg += "<g class=\"axis\" transform=\"translate(0 \(f1(Double(rows.count) * rowHeight)))\">"
    svg += "<line x1=\"\(Int(left))\" x2=\"\(Int(width - right))\" y1=\"0\" y2=\"0\"/>"
    for t in ticks(span: span) {
      let px = left + plot * t / span
      svg += "<g class=\"tick\"><line x1=\"\(f1(px))\" x2=\"\(f1(px))\" y1=\"0\" y2=\"5\"/>"
      svg += "<text x=\"\(f1(px))\" y=\"17\">\(tickLabel(t, step: tickStep(span)))</text></g>"
    }
    svg += "<text class=\"origin\" x=\"4\" y=\"17\">t0 = \(Format.timestamp(t0)) s</text></g>\n"
    svg += "</svg>\n"
    return svg
  }

  /// A strip of 2 px bins under the marks, darker where more retries fall into one bin.
  static func density(_ marks: [Int64], y: Double, x: (Int64) -> Double) -> String {
    var bins: [Int: Int] = [:]
    for m in marks { bins[Int(x(m) / 2), default: 0] += 1 }
    let most = bins.values.max() ?? 1
    var out = "<g class=\"density\" data-max-per-bin=\"\(most)\">"
    for (bin, n) in bins.sorted(by: { $0.key < $1.key }) {
      out +=
        "<rect x=\"\(bin * 2)\" y=\"\(f1(y))\" width=\"2\" height=\"4\" fill-opacity=\"\(f3(0.25 + 0.75 * Double(n) / Double(most)))\"><title>\(n) retries here</title></rect>"
    }
    return out + "</g>\n"
  }

  /// 1, 2 or 5 × 10^k ns, giving 5 to 10 ticks over `span`.
  static func tickStep(_ span: Double) -> Double {
    var step = pow(10, floor(log10(max(span, 1) / 10)))
    for m in [1.0, 2, 5, 10] where span / (step * m) <= 10 {
      step *= m
      break
    }
    return step
  }

  static func ticks(span: Double) -> [Double] {
    let step = tickStep(span)
    return stride(from: 0, through: span, by: step).map { $0 }
  }

  /// `+12.5 ms`-style label in the unit of the tick step.
  static func tickLabel(_ ns: Double, step: Double) -> String {
    let (scale, unit): (Double, String) =
      step >= 1e9 ? (1e9, "s") : step >= 1e6 ? (1e6, "ms") : step >= 1e3 ? (1e3, "µs") : (1, "ns")
    let v = ns / scale
    let digits = step / scale >= 1 ? 0 : step / scale >= 0.1 ? 1 : 2
    return "+" + String(format: "%.\(digits)f", v) + " " + unit
  }

  static func f1(_ v: Double) -> String { String(format: "%.1f", v) }
  static func f3(_ v: Double) -> String { String(format: "%.3f", v) }
}
