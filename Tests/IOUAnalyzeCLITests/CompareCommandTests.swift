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

  @Test func vanillaAgainstAnotherVanillaCaptureIsNotConfirmed() throws {
    let r = try CLI.run(["compare", vanilla, vanilla + "/perf.txt"])
    #expect(r.status == 1)
    #expect(r.stdout.hasPrefix("compare: NOT CONFIRMED"))
  }

  @Test func theSamePathTwiceIsInconclusive() throws {
    let r = try CLI.run(["compare", vanilla, vanilla])
    #expect(r.status == 3)
    #expect(r.stdout.hasPrefix("compare: INCONCLUSIVE"))
    #expect(r.stdout.contains("are the same path"))
  }

  @Test func compareJSON() throws {
    let r = try CLI.run(["compare", "--json", vanilla + "/fgraph_proc.txt", fix + "/fgraph_proc.txt"])
    #expect(r.status == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(json["verdict"] as? String == "CONFIRMED" && json["command"] as? String == "compare")
    let comparison = try #require(json["comparison"] as? [String: Any])
    #expect(comparison["residualHangs"] as? [Any] != nil)
    #expect((json["runs"] as? [Any])?.count == 2)
  }
}
