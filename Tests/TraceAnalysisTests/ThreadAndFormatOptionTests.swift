import Foundation
import Testing
import TraceParse

@testable import TraceAnalysis

/// `--thread` with a tid the captures do not hold, and `--format` forced to a format in which
/// nothing of the file reads: errors that name what is wrong, not an all-clear.
@Suite struct ThreadAndFormatOptionTests {
  static let vanillaPerf = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/perf.txt")

  static func error(_ body: () throws -> Void) -> TraceInputError? {
    do {
      try body()
      return nil
    } catch let e as TraceInputError {
      return e
    } catch {
      return nil
    }
  }

  @Test func aTidThatIsNotInTheCaptureIsAnError() {
    let e = Self.error { _ = try analyze(Self.vanillaPerf) { $0.threads = [4242] } }
    #expect(e?.diagnostic.kind == .unknownThread)
    #expect(e?.diagnostic.message.contains("4242") == true)
  }

  @Test func aTidThatIsInTheCaptureIsNot() throws {
    let run = try analyze(Self.vanillaPerf) { $0.threads = [93] }
    #expect(run.files.first?.threads.map(\.tid) == [93])
  }

  @Test func aTidSeenButNotInScopeIsNoError() throws {
    // tid 97 (perf-exec) is sampled, but it is no worker and never in the fault path.
    let run = try analyze(Self.vanillaPerf) { $0.threads = [97] }
    #expect(run.files.first?.threads.isEmpty == true)
  }

  @Test func inAFolderOneCaptureHoldingTheTidIsEnough() throws {
    // tid 67 is the worker of the graph capture only; the folder's other files are of another run.
    let run = try analyze(Fixtures.vanillaDir) { $0.threads = [67] }
    #expect(run.threads(in: .spinning).map(\.thread.tid) == [67])
    let e = Self.error { _ = try analyze(Fixtures.vanillaDir) { $0.threads = [67, 4242] } }
    #expect(e?.diagnostic.kind == .unknownThread && e?.diagnostic.message.contains("4242") == true)
    #expect(e?.diagnostic.message.contains("67") == false)
  }

  @Test func aForcedFormatInWhichNothingReadsIsAnError() {
    let e = Self.error { _ = try analyze(Fixtures.vanillaGraph) { $0.format = .perfScript } }
    #expect(e?.diagnostic.kind == .notATrace)
    #expect(e?.diagnostic.message.contains("perf-script (forced by --format)") == true)
    #expect(e?.diagnostic.message.contains("it looks like ftrace") == true)
  }

  @Test func aForcedFormatThatReadsOneRecordIsNot() throws {
    // The first sample of the real capture alone (its header, frames and blank line).
    let lines = Fixtures.lines(Self.vanillaPerf)
    let end = try #require(lines.firstIndex(of: ""))
    let run = try analyze(Fixtures.temporary(Array(lines[1...end]))) { $0.format = .perfScript }
    #expect(run.files.first?.format == "perf-script")
    // …and blank lines and comments alone read nothing.
    let e = Self.error {
      _ = try analyze(Fixtures.temporary(["# cut: nothing", "", "", ""])) { $0.format = .perfScript }
    }
    #expect(e?.diagnostic.kind == .notATrace)
  }
}
