import Foundation
import TraceAnalysis
import TraceParse

/// Renders analyses as plain text for terminals and mails: verdict first, then per file the
/// threads with their evidence and the lines that prove it.
public struct TextReport {
  /// Use ANSI colours (when stdout is a terminal).
  public var colour: Bool

  /// A renderer.
  public init(colour: Bool = false) { self.colour = colour }

  private func paint(_ s: String, _ v: Verdict) -> String {
    guard colour else { return s }
    let code: String
    switch v {
    case .spinning: code = "1;31"
    case .inconclusive: code = "1;33"
    case .sleeping: code = "1;34"
    case .resolved, .notInFault: code = "1;32"
    }
    return "\u{1B}[\(code)m\(s)\u{1B}[0m"
  }

  /// Reasons of a run listed before "… and N more".
  static let reasonsListed = 8

  /// The report of one run.
  public func render(_ run: RunAnalysis) -> String {
    var out = "\(run.input): \(paint(run.verdict.rawValue, run.verdict))\n"
    // Many workers (the seed's "large number of IOU kernel threads"): the one-line summary first, then
    // the first few of them.
    let all = run.threads
    if all.count > 3 {
      let counts = Dictionary(grouping: all, by: \.verdict).map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
      out += "  \(all.count) threads in scope: \(counts.joined(separator: ", "))\n"
    }
    let listed = Self.reasonsListed
    for r in run.reasons.prefix(listed) { out += "  \(Wording.text(r))\n" }
    if run.reasons.count > listed { out += "  … and \(run.reasons.count - listed) more like these\n" }
    for f in run.files { out += "\n" + render(f) }
    return TextEscaping.terminal(out, allowingColour: colour)
  }

  /// The report of one file.
  public func render(_ f: FileAnalysis) -> String {
    var out = "== \(f.file)"
    if let why = f.skipped {
      return TextEscaping.terminal(out + " (skipped)\n  \(Wording.text(why))\n")
    }
    out += " (\(f.format), \(f.lines) lines"
    if let a = f.captureStartNs, let b = f.captureEndNs {
      out += ", \(Format.timestamp(a)) → \(Format.timestamp(b)) s"
    }
    out += ")\n"
    for t in f.threads { out += render(t) }
    for b in f.blockedTasks { out += render(b) }
    for n in f.notes { out += "  note: \(Wording.text(n))\n" }
    if !f.captureHints.isEmpty {
      out += "  to capture what is missing next time:\n"
      for h in f.captureHints { out += "    \(Wording.command(h))\n" }
    }
    for d in f.diagnostics { out += "  \(d.formatted)\n" }
    return TextEscaping.terminal(out, allowingColour: colour)
  }

  func render(_ t: ThreadVerdict) -> String {
    var out = "  \(t.comm) tid \(t.tid)"
    if let o = t.ownerTid { out += " (worker of task \(o))" } else if let g = t.tgid { out += " (process \(g))" }
    out += ": \(paint(t.verdict.rawValue, t.verdict))"
    if t.episodes.count > 1 { out += "  [\(Wording.sequence(t.sequence))]" }
    out += "\n"
    for e in t.evidence { out += "    - \(Wording.text(e))\n" }
    if t.episodes.count > 1 {
      for e in t.episodes where e.verdict != t.verdict {
        out += "    \(e.verdict.rawValue) lines \(e.firstLine)–\(e.lastLine)"
        if let d = e.durationNs { out += " (\(Format.duration(d)))" }
        out += ": \(e.facts.map(Wording.text).joined(separator: "; "))\n"
      }
    }
    if !t.loopStack.isEmpty { out += "    stack (root first): \(t.loopStack.joined(separator: " → "))\n" }
    for c in t.caveats { out += "    caveat: \(Wording.text(c))\n" }
    return out
  }

  func render(_ b: BlockedTask) -> String {
    var out = "  \(b.comm) tid \(b.tid): blocked in D"
    if b.waitsForWorkers { out += " waiting for its io workers to exit" }
    if !b.workers.isEmpty { out += " (workers: \(b.workers.map(String.init).joined(separator: ", ")))" }
    out += "\n"
    for e in b.evidence { out += "    - \(Wording.text(e))\n" }
    if !b.stack.isEmpty { out += "    stack: \(b.stack.prefix(8).joined(separator: " ← "))\n" }
    return out
  }

  /// The report of a comparison.
  public func render(_ c: Comparison) -> String {
    var out = "compare: \(colour ? paintComparison(c.verdict) : c.verdict.rawValue)\n"
    for r in c.reasons { out += "  \(Wording.text(r))\n" }
    if c.residualHangs.isEmpty {
      out += "  residual hang: none seen after the fix\n"
    } else {
      for h in c.residualHangs {
        out += "  residual hang: \(h.comm) (tid \(h.tid)) \(Wording.text(h.kind)) [\(h.file)]\n"
      }
    }
    out += "\n--- before\n" + render(c.before)
    out += "\n--- after\n" + render(c.after)
    return TextEscaping.terminal(out, allowingColour: colour)
  }

  private func paintComparison(_ v: ComparisonVerdict) -> String {
    switch v {
    case .confirmed: paint(v.rawValue, .resolved)
    case .notConfirmed: paint(v.rawValue, .spinning)
    case .inconclusive: paint(v.rawValue, .inconclusive)
    }
  }
}
