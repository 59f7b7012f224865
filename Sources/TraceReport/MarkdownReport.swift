import Foundation
import TraceAnalysis

/// Renders analyses as GitHub-flavoured Markdown, for CI step summaries and bug comments.
public enum MarkdownReport {
  /// The report of one run.
  public static func render(_ run: RunAnalysis) -> String {
    var out = "## iou-analyze: \(code(run.input)) — **\(run.verdict.rawValue)**\n\n"
    for r in run.reasons { out += "- \(escape(Wording.text(r)))\n" }
    out += "\n| file | thread | verdict | phases | evidence |\n|---|---|---|---|---|\n"
    for f in run.files {
      if let why = f.skipped {
        out += "| \(code(f.file)) | — | skipped | | \(escape(Wording.text(why))) |\n"
        continue
      }
      if f.threads.isEmpty {
        out += "| \(code(f.file)) | — | — | | \(escape(f.notes.first.map(Wording.text) ?? "no thread in scope")) |\n"
      }
      for t in f.threads {
        let evidence =
          (t.evidence.prefix(3).map(Wording.text) + t.caveats.prefix(1).map { "caveat: \(Wording.text($0))" }).map(
            escape
          )
          .joined(separator: "<br>")
        out +=
          "| \(code(f.file)) | \(escape(t.comm)) tid \(t.tid) | **\(t.verdict.rawValue)** | \(Wording.sequence(t.sequence)) | \(evidence) |\n"
      }
    }
    let blocked = run.files.flatMap { f in f.blockedTasks.map { (f.file, $0) } }
    if !blocked.isEmpty {
      out += "\n### Tasks blocked in D\n\n"
      for (file, b) in blocked {
        let frame = b.stack.first { $0.hasPrefix("io_wq_put_and_exit") } ?? b.stack.first
        let location = frame.map { " in \(code($0))" } ?? ""
        out +=
          "- \(escape(b.comm)) tid \(b.tid)\(location)\(b.reportedHung ? " (hung-task report)" : "") — \(code(file))\n"
      }
    }
    return out
  }

  /// The report of a comparison.
  public static func render(_ c: Comparison) -> String {
    var out = "## iou-analyze compare — **\(c.verdict.rawValue)**\n\n"
    for r in c.reasons { out += "- \(escape(Wording.text(r)))\n" }
    out += "\n**Residual hangs after the fix:** "
    if c.residualHangs.isEmpty {
      out += "none seen\n"
    } else {
      out += "\n\n"
      for h in c.residualHangs {
        out += "- \(escape(h.comm)) tid \(h.tid): \(escape(Wording.text(h.kind))) — \(code(h.file))\n"
      }
    }
    out += "\n<details><summary>before</summary>\n\n" + render(c.before) + "\n</details>\n"
    out += "\n<details><summary>after</summary>\n\n" + render(c.after) + "\n</details>\n"
    return out
  }

  /// A file name, path or frame as a code span that cannot break the table.
  static func code(_ s: String) -> String { TextEscaping.markdownCode(s) }

  /// Escapes characters that would break a table cell or start markup.
  static func escape(_ s: String) -> String {
    TextEscaping.markdown(s)
  }
}
