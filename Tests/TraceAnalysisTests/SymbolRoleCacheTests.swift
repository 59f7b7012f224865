import Testing
import TraceParse

@testable import TraceAnalysis

/// The role cache grows in steps of 256 symbols as new symbols are looked up: every symbol gets its
/// rule's role wherever it falls against those steps.
@Suite struct SymbolRoleCacheTests {
  @Test func rolesAreRightAcrossTheCachesGrowth() {
    let symbols = SymbolTable()
    // 600 symbols of a whole-kernel graph's kind, with the rule's functions at and around the steps.
    var names = (0..<600).map { "kernel_function_\($0)" }
    names[255] = "handle_userfault"
    names[256] = "schedule"
    names[511] = "io_wq_put_and_exit"
    names[512] = "handle_mm_fault"
    let ids = names.map { symbols.intern($0) }
    let roles = SymbolRoles(symbols: symbols, rule: .userfaultfdRetry)
    for (name, id) in zip(names, ids) {
      let r = roles.role(id)
      #expect(r.contains(.retry) == (name == "handle_userfault"), "\(name)")
      #expect(r.contains(.schedule) == (name == "schedule"), "\(name)")
      #expect(r.contains(.exitWait) == (name == "io_wq_put_and_exit"), "\(name)")
      // Asked again, from the cache.
      #expect(roles.role(id) == r, "\(name)")
    }
    #expect(roles.role(ids[512]).contains(.faultPath))
  }
}
