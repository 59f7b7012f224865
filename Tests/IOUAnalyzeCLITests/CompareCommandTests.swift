import Foundation
import Testing

@Suite struct CompareCommandTests {
  let vanilla = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit")
  let fix = CLI.fixture("shared-traces/fix-fail-fault/threadexit")

  @Test func vanillaThenFixFoldersAreConfirmed() throws {
    let r = try CLI.run(["compare", vanilla, fix])
    #expect(r.status == 0)
    #expect(r.stdout.hasPrefix("compare: CONFIRMED"))
    #expect(r.stdout.contains("residual hang: none seen after the fix"))
  }

  @Test func vanillaAgainstItselfIsNotConfirmed() throws {
    let r = try CLI.run(["compare", vanilla, vanilla])
    #expect(r.status == 1)
    #expect(r.stdout.hasPrefix("compare: NOT CONFIRMED"))
  }

  @Test func compareJSON() throws {
    let r = try CLI.run(["compare", "--json", vanilla + "/fgraph_proc.txt", fix + "/fgraph_proc.txt"])
    #expect(r.status == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(json["verdict"] as? String == "CONFIRMED")
    #expect(json["residualHangs"] as? [Any] != nil)
  }
}
