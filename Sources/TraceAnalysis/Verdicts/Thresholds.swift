/// Tunable limits of the detector. Defaults are chosen to be structural, not rate-based:
/// a retry takes ~100 µs under QEMU TCG and far less on hardware, so nothing depends on speed.
public struct Thresholds: Sendable, Codable, Equatable {
  /// Back-to-back retries (each returning without sleeping) that make a loop. Default 10.
  public var minRetries = 10
  /// Longest gap between one retry's return and the next entry that still counts as the same
  /// loop, in ns. Default 50 ms.
  public var maxRetryGap: Int64 = 50_000_000
  /// Without sched_switch events, a retry call (or its schedule()) lasting longer than this is
  /// taken as having slept, in ns. Default 1 ms.
  public var inferredSleep: Int64 = 1_000_000
  /// A task blocked in D from its switch-out to the end of the capture for at least this long is
  /// a hang (a residual hang after a fix), in ns. Default 500 ms.
  public var hangMinimum: Int64 = 500_000_000
  /// Sampled input: share of a worker's samples in the fault path that counts as a loop. Default 0.5.
  public var minFaultSampleShare = 0.5
  /// Sampled input: fewest fault-path samples of one thread for a verdict. Default 5.
  public var minFaultSamples = 5
  /// /proc stat input: CPU share between two samples that counts as burning a CPU. Default 0.8.
  public var minBusyShare = 0.8
  /// Sampled and /proc stat input: CPU share below which a thread is off-CPU most of the time,
  /// which a loop never is (evidence against a spin). Default 0.2.
  public var maxAsleepShare = 0.2
  /// Hist input: consecutive read intervals in each of which a thread retried and never switched out
  /// in S/D that make a loop (with at least ``minRetries`` retries in them). Default 2.
  public var minCountedIntervals = 2

  /// The defaults.
  public init() {}
}
