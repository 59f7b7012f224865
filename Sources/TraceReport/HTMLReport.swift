import Foundation
import TraceAnalysis

/// Renders analyses as one self-contained HTML page (inline CSS and SVG, no network): the verdict,
/// then per file an SVG timeline with a row per thread (its phases coloured by verdict, stretches
/// blocked in D in grey) and the evidence under it.
public enum HTMLReport {
  /// The page for runs, or for a comparison's two runs with its verdict on top.
  public static func render(_ runs: [RunAnalysis], title: String? = nil, preface: String = "") -> String {
    var body = preface
    for run in runs {
      body +=
        "<h2>\(escape(run.input)): <span class=\"v \(cls(run.verdict))\">\(run.verdict.rawValue)</span></h2>\n<ul>"
      for r in run.reasons { body += "<li>\(escape(Wording.text(r)))</li>" }
      body += "</ul>\n"
      for f in run.files { body += file(f) }
    }
    return page(title: title ?? "iou-analyze: " + runs.map(\.input).joined(separator: ", "), body: body)
  }

  /// The page of a comparison.
  public static func render(_ c: Comparison) -> String {
    var pre =
      "<h1>compare: <span class=\"v \(c.verdict == .confirmed ? "resolved" : c.verdict == .notConfirmed ? "spinning" : "inconclusive")\">\(c.verdict.rawValue)</span></h1>\n<ul>"
    for r in c.reasons { pre += "<li>\(escape(Wording.text(r)))</li>" }
    if c.residualHangs.isEmpty { pre += "<li>residual hang: none seen after the fix</li>" }
    for h in c.residualHangs {
      pre +=
        "<li class=\"hang\">residual hang: \(escape("\(h.comm) (tid \(h.tid)) \(Wording.text(h.kind)) [\(h.file)]"))</li>"
    }
    pre += "</ul>\n<h2>before</h2>\n" + body(of: c.before) + "<h2>after</h2>\n" + body(of: c.after)
    return page(title: "iou-analyze compare: \(c.verdict.rawValue)", body: pre)
  }

  private static func body(of run: RunAnalysis) -> String {
    var out = "<p>\(escape(run.input)): <span class=\"v \(cls(run.verdict))\">\(run.verdict.rawValue)</span></p>\n"
    for f in run.files { out += file(f) }
    return out
  }

  private static func file(_ f: FileAnalysis) -> String {
    var out = "<section><h3>\(escape(f.file))</h3>\n"
    if let why = f.skipped { return out + "<p class=\"note\">skipped: \(escape(Wording.text(why)))</p></section>\n" }
    out += "<p class=\"note\">\(escape(f.format)), \(f.lines) lines"
    if let a = f.captureStartNs, let b = f.captureEndNs { out += ", \(Format.timestamp(a)) → \(Format.timestamp(b)) s" }
    out += "</p>\n" + timeline(f)
    for t in f.threads {
      out += "<h4>\(escape(t.comm)) tid \(t.tid): <span class=\"v \(cls(t.verdict))\">\(t.verdict.rawValue)</span>"
      out += " <small>\(escape(Wording.sequence(t.sequence)))</small></h4>\n<ul>"
      for e in t.evidence { out += "<li>\(escape(Wording.text(e)))</li>" }
      for c in t.caveats { out += "<li class=\"caveat\">caveat: \(escape(Wording.text(c)))</li>" }
      if !t.loopStack.isEmpty { out += "<li><code>\(escape(t.loopStack.joined(separator: " → ")))</code></li>" }
      out += "</ul>\n"
    }
    for b in f.blockedTasks {
      out += "<h4>\(escape(b.comm)) tid \(b.tid): blocked in D</h4>\n<ul>"
      for e in b.evidence { out += "<li>\(escape(Wording.text(e)))</li>" }
      out += "</ul>\n"
    }
    for n in f.notes { out += "<p class=\"note\">note: \(escape(Wording.text(n)))</p>\n" }
    return out + "</section>\n"
  }

  /// One row per thread and blocked task over the capture window; nothing when there are no timestamps.
  static func timeline(_ f: FileAnalysis) -> String {
    guard let t0 = f.captureStartNs, let t1 = f.captureEndNs, t1 > t0 else { return "" }
    struct Row {
      var label: String
      var bars: [(start: Int64, end: Int64, cls: String, tip: String)]
    }
    var rows: [Row] = f.threads.map { t in
      Row(
        label: "\(t.comm) \(t.tid)",
        bars: t.episodes.compactMap { e in
          guard let s = e.startNs else { return nil }
          return (s, max(e.endNs ?? s, s), cls(e.verdict), "\(e.verdict.rawValue) lines \(e.firstLine)-\(e.lastLine)")
        })
    }
    rows += f.blockedTasks.compactMap { b in
      guard let s = b.sinceNs else { return nil }
      return Row(
        label: "\(b.comm) \(b.tid)",
        bars: [(s, s &+ (b.blockedForNs ?? 0), "blocked", "blocked in D from line \(b.line)")]
      )
    }
    rows.removeAll { $0.bars.isEmpty }  // sampled and snapshot evidence has no phases in time
    guard !rows.isEmpty else { return "" }
    let width = 900.0
    let left = 170.0
    let rowHeight = 22.0
    let span = Double(t1 - t0)
    func x(_ ns: Int64) -> Double { left + (width - left) * Double(ns - t0) / span }
    var svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(Double(rows.count) * rowHeight + 24))\">"
    for (i, row) in rows.enumerated() {
      let y = Double(i) * rowHeight
      svg += "<text x=\"4\" y=\"\(y + 15)\">\(escape(row.label))</text>"
      for bar in row.bars {
        let w = max(x(bar.end) - x(bar.start), 2)
        svg +=
          "<rect class=\"\(bar.cls)\" x=\"\(String(format: "%.1f", x(bar.start)))\" y=\"\(y + 3)\" width=\"\(String(format: "%.1f", w))\" height=\"\(rowHeight - 6)\"><title>\(escape(bar.tip))</title></rect>"
      }
    }
    let axis = Double(rows.count) * rowHeight + 16
    svg += "<text x=\"\(left)\" y=\"\(axis)\">\(Format.timestamp(t0)) s</text>"
    svg += "<text x=\"\(width - 90)\" y=\"\(axis)\">\(Format.timestamp(t1)) s</text></svg>\n"
    return svg
  }

  private static func cls(_ v: Verdict) -> String {
    switch v {
    case .spinning: "spinning"
    case .sleeping: "sleeping"
    case .resolved: "resolved"
    case .notInFault: "notinfault"
    case .inconclusive: "inconclusive"
    }
  }

  private static func page(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
    <style>
    body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
    code, svg text { font: 12px ui-monospace, monospace; }
    .v { font-weight: bold; } .v.spinning { color: #c0392b; } .v.sleeping { color: #2c6fbb; }
    .v.resolved, .v.notinfault { color: #2e8540; } .v.inconclusive { color: #b7791f; }
    rect.spinning { fill: #e74c3c; } rect.sleeping { fill: #5b9bd5; } rect.resolved { fill: #52b36b; }
    rect.inconclusive { fill: #f0ad4e; } rect.notinfault { fill: #bbb; } rect.blocked { fill: #888; }
    .note, .caveat { color: #666; } .hang { color: #b7791f; } section { border-top: 1px solid #ddd; }
    </style></head><body>
    \(body)
    </body></html>

    """
  }

  static func escape(_ s: String) -> String {
    TextEscaping.html(s)
  }
}
