import Foundation
import TraceAnalysis
import TraceFold
import TraceParse

/// Renders analyses as one self-contained HTML page that works offline (inline CSS, SVG and a small
/// script; nothing fetched): the run's summary first (verdict, reasons, a table of its files), then per
/// file a picture of what it shows — a zoomable timeline for timed captures (``TimelineSVG``: phases
/// by verdict, every retry, D stretches, axis with units, legend), sample counts for perf, the
/// snapshot strip for /proc and dump captures, the blocked task's stack for hung-task reports —
/// the flame graph of each SPINNING thread's fault-path stacks, and the evidence in words. The
/// compare page draws before and after on one time scale per role and a differential flame graph.
public enum HTMLReport {
  /// The page for runs. Flame graphs are folded again from the files (trace.dat through `traceDat`).
  public static func render(
    _ runs: [RunAnalysis], title: String? = nil, traceDat: (any TraceDatDecoding)? = nil
  ) -> String {
    var body = ""
    for run in runs {
      body += summary(run)
      let graphs = FaultPathFlameGraphs.trees(run.files, traceDat: traceDat)
      for (i, f) in run.files.enumerated() { body += file(f, id: "r\(runs.count)f\(i)", graphs: graphs) }
    }
    return page(title: title ?? "iou-analyze: " + runs.map(\.input).joined(separator: ", "), body: body)
  }

  /// The page of a comparison: its verdict, both runs' summaries, then per role (file name) before
  /// and after on one time scale, and the differential flame graph of files of the same name.
  public static func render(_ c: Comparison, traceDat: (any TraceDatDecoding)? = nil) -> String {
    var pre = "<h1>compare: <span class=\"v \(cls(c.verdict))\">\(c.verdict.rawValue)</span></h1>\n<ul>"
    for r in c.reasons { pre += "<li>\(escape(Wording.text(r)))</li>" }
    if c.residualHangs.isEmpty { pre += "<li>residual hang: none seen after the fix</li>" }
    for h in c.residualHangs {
      pre +=
        "<li class=\"hang\">residual hang: \(escape("\(h.comm) (tid \(h.tid)) \(Wording.text(h.kind)) [\(h.file)]"))</li>"
    }
    pre += "</ul>\n" + legend()
    pre += "<div class=\"runs\"><div>" + summary(c.before, heading: "before") + "</div><div>"
    pre += summary(c.after, heading: "after") + "</div></div>\n"
    let names = Set(c.before.files.map { baseName($0.file) }).union(c.after.files.map { baseName($0.file) })
    for (i, name) in names.sorted().enumerated() {
      let b = c.before.files.first { baseName($0.file) == name }
      let a = c.after.files.first { baseName($0.file) == name }
      pre += "<section class=\"role\"><h2>\(escape(name)): before and after</h2>\n"
      pre += sideBySide(before: b, after: a, id: "c\(i)")
      if let b, let a { pre += differential(before: b, after: a, traceDat: traceDat) }
      for (label, f) in [("before", b), ("after", a)] {
        if let f { pre += "<details><summary>\(label): \(escape(f.file))</summary>\(evidence(f))</details>\n" }
      }
      pre += "</section>\n"
    }
    return page(title: "iou-analyze compare: \(c.verdict.rawValue)", body: pre)
  }

  // MARK: - summary

  static func summary(_ run: RunAnalysis, heading: String? = nil) -> String {
    var out = "<section class=\"summary\"><h2>\(heading.map { escape($0) + ": " } ?? "")\(escape(run.input)): "
    out += "<span class=\"v \(cls(run.verdict))\">\(run.verdict.rawValue)</span></h2>\n<ul>"
    for r in run.reasons { out += "<li>\(escape(Wording.text(r)))</li>" }
    out += "</ul>\n<table><tr><th>file</th><th>format</th><th>threads</th><th>blocked in D</th><th>window</th></tr>\n"
    for f in run.files {
      out += "<tr><td>\(escape(f.file))</td><td>\(escape(f.format))</td><td>"
      if let why = f.skipped {
        out += "skipped: \(escape(Wording.text(why)))</td><td></td><td></td></tr>\n"
        continue
      }
      out += f.threads.map {
        "\(escape($0.comm)) \($0.tid) <span class=\"v \(cls($0.verdict))\">\($0.verdict.rawValue)</span>"
      }
      .joined(separator: ", ")
      out += "</td><td>\(f.blockedTasks.map { "\(escape($0.comm)) \($0.tid)" }.joined(separator: ", "))</td><td>"
      if let a = f.captureStartNs, let b = f.captureEndNs, b > a { out += Format.duration(b - a) }
      out += "</td></tr>\n"
    }
    return out + "</table></section>\n"
  }

  // MARK: - one file

  static func file(_ f: FileAnalysis, id: String, graphs: [String: FlameTree]) -> String {
    var out = "<section class=\"file\"><h3>\(escape(f.file))</h3>\n"
    if let why = f.skipped { return out + "<p class=\"note\">skipped: \(escape(Wording.text(why)))</p></section>\n" }
    out += "<p class=\"note\">\(escape(f.format)), \(f.lines) lines"
    if let a = f.captureStartNs, let b = f.captureEndNs { out += ", \(Format.timestamp(a)) → \(Format.timestamp(b)) s" }
    if f.lostEvents > 0 { out += ", <span class=\"lost\">\(f.lostEvents) events lost</span>" }
    out += "</p>\n" + picture(f, id: id)
    for t in f.threads where t.verdict == .spinning {
      if let tree = graphs[FaultPathFlameGraphs.key(f.file, t.tid)] {
        var o = FlameGraphSVG.Options()
        o.title = "\(t.comm) \(t.tid): fault-path stacks"
        o.subtitle = f.file
        o.unit = f.format == "perf-script" ? "samples" : "us"
        out += "<div class=\"flame\">\(FlameGraphSVG.render(tree, options: o))</div>\n"
      }
    }
    return out + evidence(f) + "</section>\n"
  }

  /// The picture of one capture: its timeline when it has times, else what its kind shows.
  static func picture(_ f: FileAnalysis, id: String) -> String {
    var out = ""
    if let t0 = f.captureStartNs, let t1 = f.captureEndNs,
      let svg = TimelineSVG.render(TimelineSVG.rows(f), from: t0, to: t1, id: id)
    {
      out += legend() + zoomBar() + svg
    }
    out += samplesPicture(f) + snapshotsPicture(f) + blockedPicture(f)
    return out
  }

  /// perf: per thread, its samples in the retry function, elsewhere in the fault path, and outside it.
  static func samplesPicture(_ f: FileAnalysis) -> String {
    var rows: [(String, Int, Int, Int, Double?)] = []
    for t in f.threads {
      for e in t.evidence {
        if case .faultSamples(let inFault, let total, let inRetry, _) = e {
          rows.append(("\(t.comm) \(t.tid)", inRetry, inFault - inRetry, total - inFault, t.cpuSharePercent))
        }
      }
    }
    guard !rows.isEmpty else { return "" }
    let most = max(rows.map { $0.1 + $0.2 + $0.3 }.max() ?? 1, 1)
    var svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"samples\" width=\"900\" height=\"\(rows.count * 30 + 24)\">"
    for (i, r) in rows.enumerated() {
      let y = Double(i * 30)
      svg += "<text x=\"4\" y=\"\(y + 18)\">\(escape(r.0))</text>"
      var x = 190.0
      for (n, c, what) in [
        (r.1, "retryfn", "in the retry function"), (r.2, "faultpath", "elsewhere in the fault path"),
        (r.3, "other", "outside the fault path"),
      ] where n > 0 {
        let w = 480.0 * Double(n) / Double(most)
        svg +=
          "<rect class=\"\(c)\" x=\"\(TimelineSVG.f1(x))\" y=\"\(y + 5)\" width=\"\(TimelineSVG.f1(w))\" height=\"16\"><title>\(n) samples \(what)</title></rect>"
        x += w
      }
      let cpu = r.4.map { String(format: ", %.0f%% of a CPU", $0) } ?? ""
      svg += "<text x=\"\(TimelineSVG.f1(x + 6))\" y=\"\(y + 18)\">\(r.1 + r.2 + r.3) samples\(cpu)</text>"
    }
    svg +=
      "<text class=\"note\" x=\"190\" y=\"\(rows.count * 30 + 16)\">samples: red in the retry function, orange elsewhere in the fault path, grey outside it</text></svg>\n"
    return "<h4>perf samples per thread</h4>\n" + svg
  }

  /// /proc stacks and dumps: each sighting of a thread in order, coloured by the task state.
  static func snapshotsPicture(_ f: FileAnalysis) -> String {
    var rows: [(String, [StackSighting])] = []
    for t in f.threads {
      let s = t.evidence.compactMap { e -> StackSighting? in
        if case .sighting(let s) = e { return s }
        return nil
      }
      if !s.isEmpty { rows.append(("\(t.comm) \(t.tid)", s)) }
    }
    for b in f.blockedTasks where !b.reportedHung {
      let s = b.evidence.compactMap { e -> StackSighting? in
        if case .sighting(let s) = e { return s }
        return nil
      }
      if !s.isEmpty { rows.append(("\(b.comm) \(b.tid)", s)) }
    }
    guard !rows.isEmpty else { return "" }
    var svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"snapshots\" width=\"900\" height=\"\(rows.count * 30 + 24)\">"
    for (i, r) in rows.enumerated() {
      let y = Double(i * 30)
      svg += "<text x=\"4\" y=\"\(y + 18)\">\(escape(r.0))</text>"
      for (k, s) in r.1.prefix(40).enumerated() {
        let state = s.state.map { "\($0)" } ?? "?"
        let tip =
          "\(Wording.name(s.source)) line \(s.line), state \(state): \(s.frames.prefix(4).joined(separator: " ← "))"
        svg +=
          "<rect class=\"snap state-\(escape(state))\" x=\"\(190 + k * 18)\" y=\"\(y + 5)\" width=\"14\" height=\"16\"><title>\(escape(tip))</title></rect>"
      }
    }
    svg +=
      "<text class=\"note\" x=\"190\" y=\"\(rows.count * 30 + 16)\">one mark per stack snapshot, in order: red running (R), grey blocked (D), blue sleeping (S)</text></svg>\n"
    return "<h4>stack snapshots</h4>\n" + svg
  }

  /// Hung-task and blocked tasks: the stack it is blocked in, innermost on top.
  static func blockedPicture(_ f: FileAnalysis) -> String {
    var out = ""
    for b in f.blockedTasks where !b.stack.isEmpty && (b.reportedHung || b.sinceNs == nil) {
      let frames = Array(b.stack.prefix(14))
      var svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"blockedstack\" width=\"900\" height=\"\(frames.count * 18 + 26)\">"
      for (i, fr) in frames.enumerated() {
        svg += "<rect class=\"blocked\" x=\"4\" y=\"\(i * 18 + 4)\" width=\"360\" height=\"16\"/>"
        svg += "<text x=\"10\" y=\"\(i * 18 + 16)\">\(escape(fr))</text>"
      }
      let why = b.reportedHung ? "reported hung" : "blocked in D"
      let workers = b.waitsForWorkers ? ", waits for its io workers to exit" : ""
      svg +=
        "<text x=\"372\" y=\"16\">\(escape(b.comm)) \(b.tid)</text><text x=\"372\" y=\"34\">\(why)\(workers)</text>"
      svg += "<text class=\"note\" x=\"4\" y=\"\(frames.count * 18 + 20)\">innermost frame on top</text></svg>\n"
      out += "<h4>\(escape(b.comm)) \(b.tid): \(why)</h4>\n" + svg
    }
    return out
  }

  static func evidence(_ f: FileAnalysis) -> String {
    var out = ""
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
    return out
  }

  // MARK: - compare

  static func baseName(_ path: String) -> String { (path as NSString).lastPathComponent }

  /// Before and after of one role on one time scale: each run's window starts at 0, the longer sets the width.
  static func sideBySide(before: FileAnalysis?, after: FileAnalysis?, id: String) -> String {
    var rows: [TimelineSVG.Row] = []
    var span: Int64 = 0
    for (label, f) in [("before: ", before), ("after: ", after)] {
      guard let f, f.skipped == nil, let t0 = f.captureStartNs, let t1 = f.captureEndNs, t1 > t0 else { continue }
      span = max(span, t1 - t0)
      rows += TimelineSVG.rows(f, prefix: label).map { r in
        var r = r
        r.bars = r.bars.map { TimelineSVG.Bar(start: $0.start - t0, end: $0.end - t0, cls: $0.cls, tip: $0.tip) }
        r.marks = r.marks.map { $0 - t0 }
        return r
      }
    }
    var out = ""
    if let svg = TimelineSVG.render(rows, from: 0, to: span, id: id) { out += zoomBar() + svg }
    for f in [before, after].compactMap({ $0 }) { out += samplesPicture(f) + snapshotsPicture(f) + blockedPicture(f) }
    return out
  }

  /// The differential flame graph of two captures of one kind (widths after, red grew, blue shrank).
  static func differential(before: FileAnalysis, after: FileAnalysis, traceDat: (any TraceDatDecoding)?) -> String {
    guard before.skipped == nil, after.skipped == nil, before.format == after.format,
      ["perf-script", "ftrace", "trace.dat"].contains(after.format),
      let b = try? FlameGraphInput.load(before.file, traceDat: traceDat),
      let a = try? FlameGraphInput.load(after.file, traceDat: traceDat)
    else { return "" }
    var o = FlameGraphSVG.Options()
    o.title = "Differential flame graph: \(baseName(after.file))"
    o.subtitle = "\(before.file) → \(after.file): red grew, blue shrank"
    o.unit = a.weightsAreTimes ? "us" : "samples"
    return
      "<div class=\"flame\">\(FlameGraphSVG.render(FlameTree.differential(before: b.tree, after: a.tree), options: o))</div>\n"
  }

  // MARK: - page

  static func legend() -> String {
    let items = [
      ("spinning", "SPINNING"), ("sleeping", "SLEEPING"), ("resolved", "RESOLVED"), ("inconclusive", "INCONCLUSIVE"),
      ("notinfault", "NOT IN FAULT"), ("blocked", "blocked in D"),
    ]
    var out = "<div class=\"legend\">"
    for (c, name) in items { out += "<span><i class=\"sw \(c)\"></i>\(name)</span>" }
    out +=
      "<span><i class=\"sw retry\"></i>one fault retry</span><span><i class=\"sw sample\"></i>one perf sample</span>"
    out += "<span><i class=\"sw dens\"></i>marks per 2 px</span><span><i class=\"sw snapR\"></i>snapshot (R/D/S)</span>"
    out += "<span><i class=\"sw lost\"></i>events lost</span>"
    return out + "</div>\n"
  }

  static func zoomBar() -> String {
    "<div class=\"zoombar\"><button class=\"in\">+ zoom in</button><button class=\"out\">− zoom out</button><button class=\"reset\">reset</button> <small>wheel zooms, drag pans</small></div>\n"
  }

  static func cls(_ v: Verdict) -> String {
    switch v {
    case .spinning: "spinning"
    case .sleeping: "sleeping"
    case .resolved: "resolved"
    case .notInFault: "notinfault"
    case .inconclusive: "inconclusive"
    }
  }

  static func cls(_ v: ComparisonVerdict) -> String {
    v == .confirmed ? "resolved" : v == .notConfirmed ? "spinning" : "inconclusive"
  }

  private static func page(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
    <style>
    body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 1200px; }
    code, svg text { font: 12px ui-monospace, monospace; }
    .v { font-weight: bold; } .v.spinning { color: #c0392b; } .v.sleeping { color: #2c6fbb; }
    .v.resolved, .v.notinfault { color: #2e8540; } .v.inconclusive { color: #b7791f; }
    rect.spinning, .sw.spinning { fill: #e74c3c; background: #e74c3c; }
    rect.sleeping, .sw.sleeping { fill: #5b9bd5; background: #5b9bd5; }
    rect.resolved, .sw.resolved { fill: #52b36b; background: #52b36b; }
    rect.inconclusive, .sw.inconclusive { fill: #f0ad4e; background: #f0ad4e; }
    rect.notinfault, .sw.notinfault { fill: #bbb; background: #bbb; } rect.blocked, .sw.blocked { fill: #888; background: #888; }
    .sw.retry { background: #111; width: 2px; } .sw.sample { background: #c0392b; width: 2px; }
    .sw.snapR { background: linear-gradient(90deg, #e74c3c 33%, #555 33% 66%, #5b9bd5 66%); width: 6px; } .sw.lost { background: #b7791f; width: 2px; } .sw.dens { background: #6a1b9a; }
    g.samples line { stroke: #c0392b; stroke-width: 1; vector-effect: non-scaling-stroke; }
    line.snap { stroke: #bbb; } line.state-R { stroke: #e74c3c; } line.state-D { stroke: #555; } line.state-S { stroke: #5b9bd5; }
    line.lostmark { stroke: #b7791f; stroke-dasharray: 3 2; }
    g.retries line { stroke: #111; stroke-width: 1; vector-effect: non-scaling-stroke; }
    g.density rect { fill: #6a1b9a; } line.instant { stroke-width: 2; vector-effect: non-scaling-stroke; }
    line.row { stroke: #eee; } g.axis line { stroke: #444; } g.axis text { text-anchor: middle; fill: #444; }
    g.axis text.origin { text-anchor: start; }
    rect.retryfn { fill: #c0392b; } rect.faultpath { fill: #f39c12; } rect.other { fill: #bbb; }
    rect.snap { fill: #bbb; } rect.state-R { fill: #e74c3c; } rect.state-D { fill: #888; } rect.state-S { fill: #5b9bd5; }
    svg.blockedstack text { fill: #fff; } svg.blockedstack text:not(:first-of-type) { fill: #fff; }
    svg.blockedstack > text[x="372"], svg text.note { fill: #444; }
    .legend span { margin-right: 1.2em; white-space: nowrap; } .sw { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
    .zoombar button { font-size: 12px; margin-right: 4px; } svg.timeline { cursor: grab; max-width: 100%; height: auto; }
    .note, .caveat { color: #666; } .hang, .lost { color: #b7791f; } section { border-top: 1px solid #ddd; margin-top: 1em; }
    table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: left; }
    .runs { display: flex; gap: 2em; } .flame svg { max-width: 100%; height: auto; }
    </style></head><body>
    \(body)
    <script>
    \(TimelineScript.source)
    </script>
    </body></html>

    """
  }

  static func escape(_ s: String) -> String {
    TextEscaping.html(s)
  }
}
