/// A task's scheduler state as printed by `sched_switch` (`prev_state=`), `/proc/PID/stat`
/// or a hung-task report.
public enum TaskState: String, Sendable, Codable {
  /// Running or runnable (`R`, `R+`): preempted, still wants the CPU.
  case running = "R"
  /// Interruptible sleep (`S`).
  case sleeping = "S"
  /// Uninterruptible sleep (`D`, `D|K`, `D|W`...).
  case uninterruptible = "D"
  /// Idle kernel thread (`I`).
  case idle = "I"
  /// Stopped or traced (`T`, `t`).
  case stopped = "T"
  /// Exiting or dead (`X`, `Z`).
  case dead = "X"
  /// Anything else (`P`, `W`, `N`, ...).
  case other = "?"

  /// True for the states in which a task is off-CPU waiting for an event (S, D, I, T).
  public var isBlocked: Bool {
    switch self {
    case .sleeping, .uninterruptible, .idle, .stopped: return true
    default: return false
    }
  }

  /// The usual one-letter code (the raw value).
  public var letter: String { rawValue }

  /// Decodes the kernel's state text (`R`, `R+`, `S`, `D|K`, `X`, ...) from its first letter.
  public init(code: ByteSpan) {
    guard code.count > 0 else {
      self = .other
      return
    }
    switch code[0] {
    case UInt8(ascii: "R"): self = .running
    case UInt8(ascii: "S"): self = .sleeping
    case UInt8(ascii: "D"): self = .uninterruptible
    case UInt8(ascii: "I"): self = .idle
    case UInt8(ascii: "T"), UInt8(ascii: "t"): self = .stopped
    case UInt8(ascii: "X"), UInt8(ascii: "Z"): self = .dead
    default: self = .other
    }
  }
}
