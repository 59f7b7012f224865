import TraceParse

/// The readings of tracefs histograms in one file, in order: the retry function's hits per
/// thread, and sched_switch switch-outs per thread by state. Counts are cumulative since the
/// trigger was set; the analysis takes the differences between consecutive readings. Memory is
/// bounded by ``maxStoredCounts`` counts and ``maxReadings`` readings, whatever the file holds.
struct CountedReadings {
  /// Counts kept over all readings.
  static let maxStoredCounts = 1 << 20
  /// Readings kept of each histogram (9 hours at two a second).
  static let maxReadings = 1 << 16

  /// One reading of the hits histogram.
  struct HitsReading {
    var timestamp: Int64?
    var line: Int
    var hits: [Int32: Int64] = [:]
  }

  /// One reading of the switch-out histogram.
  struct SwitchReading {
    var timestamp: Int64?
    var line: Int
    var dropped: Int64
    /// Switch-outs in S or D.
    var sleeps: [Int32: Int64] = [:]
    /// Switch-outs while runnable (R, R+).
    var preemptions: [Int32: Int64] = [:]
    /// The last switch-out of an exiting task (X, Z).
    var exits: [Int32: Int64] = [:]
  }

  var hits: [HitsReading] = []
  var switches: [SwitchReading] = []
  /// Comms from `.execname` keys.
  var comms: [Int32: Symbol] = [:]
  /// The function the hits count, when the capture named it.
  var probedFunction: Symbol = .none
  /// Hits histograms that do not say which function they count.
  var unnamedHits = 0
  /// Counts (and readings) not kept past ``maxStoredCounts`` (``maxReadings``).
  var overflow = 0
  private var stored = 0

  /// True once a histogram the analysis uses was read.
  var isEmpty: Bool { hits.isEmpty && switches.isEmpty }

  /// Adds one reading; `isRetry` says whether a named probed function is the rule's retry function.
  mutating func add(_ h: Histogram, at ctx: RecordContext, isRetry: (Symbol) -> Bool) {
    if h.kind == .hitsPerThread && hits.count >= Self.maxReadings
      || h.kind == .switchOutsPerThread && switches.count >= Self.maxReadings
    {
      overflow += 1
      return
    }
    switch h.kind {
    case .hitsPerThread:
      if h.probedFunction == .none {
        unnamedHits += 1
      } else if !isRetry(h.probedFunction) {
        return  // it counts another function than the rule's retry function
      } else {
        probedFunction = h.probedFunction
      }
      var r = HitsReading(timestamp: ctx.timestamp, line: h.firstLine)
      for e in h.entries where keep() {
        r.hits.add(e.hits, for: e.tid)
        if e.comm != .none { comms[e.tid] = e.comm }
      }
      hits.append(r)
    case .switchOutsPerThread:
      var r = SwitchReading(timestamp: ctx.timestamp, line: h.firstLine, dropped: h.dropped ?? 0)
      for e in h.entries where keep() {
        switch e.state {
        case .sleeping, .uninterruptible:
          r.sleeps.add(e.hits, for: e.tid)
        case .running: r.preemptions.add(e.hits, for: e.tid)
        case .dead: r.exits.add(e.hits, for: e.tid)
        default: break
        }
      }
      switches.append(r)
    case .other:
      break
    }
  }

  private mutating func keep() -> Bool {
    guard stored < Self.maxStoredCounts else {
      overflow += 1
      return false
    }
    stored += 1
    return true
  }
}

extension [Int32: Int64] {
  /// Adds `count` to the count of `tid` (0 when it has none), saturating.
  mutating func add(_ count: Int64, for tid: Int32) {
    self[tid] = (self[tid] ?? 0).addingSaturated(count)
  }
}
