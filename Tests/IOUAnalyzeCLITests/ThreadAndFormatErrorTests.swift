import Testing

/// The CLI exits 2 with the reason when `--thread` names a tid the capture does not hold or a
/// forced `--format` reads nothing.
@Suite struct ThreadAndFormatErrorTests {
  static let perf = CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/perf.txt")

  @Test func anUnknownTidExitsTwoNamingIt() throws {
    let r = try CLI.run(["analyze", "--thread", "4242", Self.perf])
    #expect(r.status == 2)
    #expect(r.stderr.contains("no thread with tid 4242 (--thread)"))
    #expect(try CLI.run(["analyze", "--thread", "93", Self.perf]).status == 1)
  }

  @Test func aForcedFormatThatReadsNothingExitsTwo() throws {
    let r = try CLI.run(["analyze", "--format", "dmesg", Self.perf])
    #expect(r.status == 2)
    #expect(r.stderr.contains("nothing in the file reads as dmesg (forced by --format)"))
    #expect(r.stderr.contains("it looks like perf-script"))
  }
}
