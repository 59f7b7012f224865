import Foundation

/// ftrace output with stack-trace entries, which our captures have no example of, built from the
/// real function_graph captures (fixtures/shared-traces/*/threadexit/fgraph_proc.txt) and the
/// printf formats of Linux 6.12's kernel/trace/trace_output.c:
///
/// - ``functionTracer(_:)``: what `current_tracer=function` with `set_ftrace_filter=handle_userfault`,
///   `options/func_stack_trace=1`, `options/irq-info=0` and the sched events would print for the
///   same run: every real `handle_userfault() {` entry becomes a function line
///   (trace_print_context `%16s-%-7d [%03d] %5lu.%06lu: `, trace_fn_trace `handle_userfault <-hugetlb_fault`)
///   and a `<stack trace>` entry (trace_stack_print: ` => sym` lines; STACK_SKIP leaves the traced
///   function first); every real `/* event */` comment becomes an event line with the same columns.
///   Everything else of the graph is dropped, as the function tracer would not print it.
/// - ``graphComments(_:)``: what the `stacktrace` trigger on sched_switch adds to the same
///   function_graph output: after each sched_switch comment of the worker, print_graph_comment's
///   `/* <stack trace>` with the columns of that comment, ` => ` lines, and ` */` after the last.
///
/// The frames are not in those captures: they are the worker's call chains of the same kernel's
/// real perf capture (vanilla-6.12.117/threadexit/perf.txt), offsets cut as seq_print_ip_sym
/// prints them without sym-offset: its first sample (`handle_userfault+0xf3` innermost) for the
/// function tracer, its first sample in `schedule` for the trigger on sched_switch.
enum StackTraceEventVariant {
  static let perf = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/perf.txt")

  /// The frames of the first `iou-wrk` sample of perf.txt whose innermost frame is `innermost`.
  static func workerFrames(innermost: String) -> [String] {
    let lines = Fixtures.lines(perf)
    var i = 0
    while i < lines.count {
      if lines[i].hasPrefix("iou-wrk"), i + 1 < lines.count, symbol(lines[i + 1]) == innermost {
        var frames: [String] = []
        var j = i + 1
        while j < lines.count, lines[j].hasPrefix("\t") {
          frames.append(symbol(lines[j]))
          j += 1
        }
        return frames
      }
      i += 1
    }
    preconditionFailure("no \(innermost) sample in \(perf)")
  }

  /// `\tffffffff8118baf1 handle_userfault+0xf3 ([kernel.kallsyms])` → `handle_userfault`.
  private static func symbol(_ frame: String) -> String {
    let sym = frame.split(separator: " ")[1]
    return String(sym.range(of: "+0x").map { sym[..<$0.lowerBound] } ?? sym)
  }

  /// One function_graph line with the abstime, cpu and proc columns: its parts.
  struct GraphLine {
    var timestamp: String
    var cpu: Int
    var pid: Int
    var comm: String
    var body: String
  }

  static func graphLine(_ line: String) -> GraphLine? {
    let columns = line.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
    guard columns.count == 4, Double(columns[0].trimmingCharacters(in: .whitespaces)) != nil else { return nil }
    let cpuProc = columns[1].trimmingCharacters(in: .whitespaces)
    guard let paren = cpuProc.firstIndex(of: ")"), let cpu = Int(cpuProc[..<paren]) else { return nil }
    let proc = cpuProc[cpuProc.index(after: paren)...].trimmingCharacters(in: .whitespaces)
    guard let dash = proc.lastIndex(of: "-"), let pid = Int(proc[proc.index(after: dash)...]) else { return nil }
    return GraphLine(
      timestamp: columns[0].trimmingCharacters(in: .whitespaces), cpu: cpu, pid: pid, comm: String(proc[..<dash]),
      body: columns[3].trimmingCharacters(in: .whitespaces))
  }

  /// Full comms by pid from the sched_switch payloads (funcgraph-proc truncates them to 7 bytes;
  /// the event lines print the saved cmdline).
  static func comms(_ lines: [String]) -> [Int: String] {
    var out: [Int: String] = [:]
    for l in lines {
      for side in ["prev", "next"] {
        guard let c = l.range(of: "\(side)_comm="),
          let p = l.range(of: " \(side)_pid=", range: c.upperBound..<l.endIndex)
        else { continue }
        let pid = l[p.upperBound...].prefix { $0.isNumber }
        if let n = Int(pid) { out[n] = String(l[c.upperBound..<p.lowerBound]) }
      }
    }
    return out
  }

  /// trace_print_context without irq-info: `%16s-%-7d [%03d] %5lu.%06lu: `.
  static func context(_ g: GraphLine, comm: String) -> String {
    let pid = String(g.pid).padding(toLength: max(7, String(g.pid).count), withPad: " ", startingAt: 0)
    let ts = String(repeating: " ", count: max(0, 12 - g.timestamp.count)) + g.timestamp
    return String(repeating: " ", count: max(0, 16 - comm.count)) + comm + "-" + pid + " "
      + "[" + String(repeating: "0", count: max(0, 3 - String(g.cpu).count)) + String(g.cpu) + "] " + ts + ": "
  }

  static func functionTracer(_ graph: String) -> [String] {
    let lines = Fixtures.lines(graph)
    let names = comms(lines)
    let frames = workerFrames(innermost: "handle_userfault")
    var out: [String] = []
    for l in lines {
      guard let g = graphLine(l) else { continue }
      let prefix = context(g, comm: names[g.pid] ?? g.comm)
      if g.body.hasPrefix("handle_userfault() {") {
        out.append(prefix + "handle_userfault <-hugetlb_fault")
        out.append(prefix + "<stack trace>")
        out += frames.map { " => " + $0 }
      } else if g.body.hasPrefix("/* "), g.body.hasSuffix(" */") {
        out.append(prefix + g.body.dropFirst(3).dropLast(3))
      }
    }
    return out
  }

  static func graphComments(_ graph: String, workerComm: String) -> [String] {
    let frames = workerFrames(innermost: "schedule")
    var out: [String] = []
    for l in Fixtures.lines(graph) {
      out.append(l)
      guard l.contains("/* sched_switch: prev_comm=\(workerComm) "), let open = l.range(of: "/* ") else { continue }
      out.append(l[..<open.lowerBound] + "/* <stack trace>")
      out += frames.enumerated().map { " => " + $0.element + ($0.offset == frames.count - 1 ? " */" : "") }
    }
    return out
  }
}
