import TraceParse

/// Function names by address: open addressing on the address itself (no `Hasher`), as the
/// decoder looks one up for every funcgraph record.
struct AddressSymbols {
  private var addresses = [UInt64](repeating: 0, count: 1 << 12)
  private var symbols = [Symbol](repeating: .none, count: 1 << 12)
  private var used = [Bool](repeating: false, count: 1 << 12)
  private var count = 0

  @inline(__always) private func slot(_ address: UInt64) -> Int {
    var h = address &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 31
    return Int(truncatingIfNeeded: h) & (addresses.count - 1)
  }

  subscript(_ address: UInt64) -> Symbol? {
    get {
      var i = slot(address)
      while used[i] {
        if addresses[i] == address { return symbols[i] }
        i = (i + 1) & (addresses.count - 1)
      }
      return nil
    }
    set {
      guard let s = newValue else { return }
      var i = slot(address)
      while used[i], addresses[i] != address { i = (i + 1) & (addresses.count - 1) }
      if !used[i] { count += 1 }
      used[i] = true
      addresses[i] = address
      symbols[i] = s
      if count * 2 > addresses.count { grow() }
    }
  }

  private mutating func grow() {
    let old = zip(addresses, zip(symbols, used)).filter { $0.1.1 }
    let size = addresses.count * 2
    addresses = [UInt64](repeating: 0, count: size)
    symbols = [Symbol](repeating: .none, count: size)
    used = [Bool](repeating: false, count: size)
    count = 0
    for (a, (s, _)) in old { self[a] = s }
  }
}

/// Comms by pid: an array for pids below ``limit`` (the default pid_max is 32,768), a
/// dictionary for the rest.
struct PidSymbols {
  static let limit: Int32 = 1 << 16
  private var small: [Symbol?] = []
  private var large: [Int32: Symbol] = [:]

  subscript(_ pid: Int32) -> Symbol? {
    get {
      if pid >= 0, pid < Self.limit { return Int(pid) < small.count ? small[Int(pid)] : nil }
      return large[pid]
    }
    set {
      if pid >= 0, pid < Self.limit {
        if Int(pid) >= small.count { small.append(contentsOf: repeatElement(nil, count: Int(pid) + 1 - small.count)) }
        small[Int(pid)] = newValue
      } else {
        large[pid] = newValue
      }
    }
  }
}
