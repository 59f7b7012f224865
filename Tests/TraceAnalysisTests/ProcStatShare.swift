@testable import TraceAnalysis

extension ThreadVerdict {
  /// The /proc CPU share its `procStat` evidence is computed from, exactly as the analysis computes
  /// it from the counters (ticks of 1/100 s over the span), or nil without that evidence.
  var procStatShare: Double? {
    for e in evidence {
      if case .procStat(let from, let to, let span, _, _, _) = e {
        return (Double(to) - Double(from)) / 100 / (Double(span) / 1e9)
      }
    }
    return nil
  }
}
