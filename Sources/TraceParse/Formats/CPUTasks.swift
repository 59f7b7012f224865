/// The task each CPU is running, as context-switch banners and proc columns tell it, for lines
/// that print no task of their own. CPUs are small numbers: an array, not a hashed dictionary, on
/// the hot path; absurd CPU numbers (a corrupt line) go to a dictionary so memory stays bounded.
struct CPUTasks {
  private static let direct = 1024
  private var tasks: [(tid: Int32, comm: Symbol)] = []
  private var far: [Int32: (tid: Int32, comm: Symbol)] = [:]
  /// Which slots of `tasks` hold a task.
  private var known: [Bool] = []

  /// The task last seen on `cpu` (≥ 0), if any.
  @inline(__always) subscript(cpu: Int32) -> (tid: Int32, comm: Symbol)? {
    get {
      let i = Int(cpu)
      if i < Self.direct { return i < known.count && known[i] ? tasks[i] : nil }
      return far[cpu]
    }
    set {
      let i = Int(cpu)
      guard i < Self.direct else {
        far[cpu] = newValue
        return
      }
      if i >= known.count {
        let n = max(i + 1, 8)
        tasks.append(contentsOf: repeatElement((-1, .none), count: n - tasks.count))
        known.append(contentsOf: repeatElement(false, count: n - known.count))
      }
      if let newValue {
        tasks[i] = newValue
        known[i] = true
      } else {
        known[i] = false
      }
    }
  }
}
