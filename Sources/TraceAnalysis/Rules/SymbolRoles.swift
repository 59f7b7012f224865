import TraceParse

/// What a symbol means to the detector, cached per symbol id so the hot path does no string work.
public struct SymbolRole: OptionSet, Sendable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// Entering it is one fault retry.
  public static let retry = SymbolRole(rawValue: 1)
  /// A frame of the fault path.
  public static let faultPath = SymbolRole(rawValue: 2)
  /// The scheduler entry.
  public static let schedule = SymbolRole(rawValue: 4)
  /// A frame of a task waiting for its io workers to exit.
  public static let exitWait = SymbolRole(rawValue: 8)
}

/// Classifies symbols of one ``SymbolTable`` against a ``FaultLoopRule``.
public final class SymbolRoles {
  private let symbols: SymbolTable
  private let rule: FaultLoopRule
  private var cache: [UInt8] = []  // role + 0x80 when computed

  /// Roles of `symbols` under `rule`.
  public init(symbols: SymbolTable, rule: FaultLoopRule) {
    self.symbols = symbols
    self.rule = rule
  }

  /// The role of `symbol`.
  @inline(__always)
  public func role(_ symbol: Symbol) -> SymbolRole {
    let i = Int(symbol.id)
    if i < cache.count, cache[i] & 0x80 != 0 { return SymbolRole(rawValue: cache[i] & 0x7F) }
    return compute(i, symbol)
  }

  /// Grows the cache to hold entry `i`, by 256 entries or more, each 0 (not computed yet).
  private func grow(toHold i: Int) {
    // Only an entry's top bit says it was computed, so any fill under 0x80 and any growth that
    // reaches `i` read the same: the fill 0 or 1, the step 256 or 257, `i + 1` or `i + 2`.
    cache.append(contentsOf: repeatElement(0, count: max(i + 1 - cache.count, 256)))  // mutants: equivalent
  }

  private func compute(_ i: Int, _ symbol: Symbol) -> SymbolRole {
    if i >= cache.count { grow(toHold: i) }
    let base = SymbolNormalizer.normalize(symbols.name(symbol))
    var r: SymbolRole = []
    if rule.retryFunctions.contains(where: { $0 == base }) { r.insert(.retry) }
    if rule.faultPathFrames.contains(where: { $0 == base }) { r.insert(.faultPath) }
    if rule.scheduleFunctions.contains(where: { $0 == base }) { r.insert(.schedule) }
    if rule.exitWaitFrames.contains(where: { $0 == base }) { r.insert(.exitWait) }
    cache[i] = r.rawValue | 0x80
    return r
  }

  /// True when `comm` names a worker thread under the rule.
  public func isWorker(_ comm: String) -> Bool {
    rule.workerCommPrefixes.contains { comm.hasPrefix($0) }
  }
}
