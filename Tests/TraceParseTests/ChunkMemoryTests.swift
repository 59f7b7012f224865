import Testing

@testable import TraceParse

/// The chunk pipeline's buffers go from a chunk the reader is done with to the next chunk (so that
/// memory stays that of the chunks alive at once); the chunks' contents are checked on a real
/// capture by ChunkedReadingTests, which reads through many chunks of reused buffers.
@Suite struct ChunkMemoryTests {
  @Test func buffersGivenBackAreTakenAgainEmptied() {
    let memory = ChunkMemory()
    var first = memory.take(textBytes: 4096, lines: 16)
    first.bounds.append(DecodedChunk.Bounds(start: 0, end: 10))
    let text = first.text
    memory.give(first)
    let again = memory.take(textBytes: 4096, lines: 16)
    #expect(again.text == text)
    #expect(again.bounds.count == 0)
    #expect(again.entries.count == 0)
    // None spare now: a second chunk alive at the same time gets its own.
    let other = memory.take(textBytes: 4096, lines: 16)
    #expect(other.text != again.text)
    memory.give(again)
    memory.give(other)
  }

  @Test func aSpareTextTooSmallIsGrown() {
    let memory = ChunkMemory()
    memory.give(memory.take(textBytes: 100, lines: 16))
    let bigger = memory.take(textBytes: 5000, lines: 16)
    #expect(bigger.textCapacity == 5000)
    // A big one serves a smaller chunk as it is.
    memory.give(bigger)
    let reused = memory.take(textBytes: 100, lines: 16)
    #expect(reused.textCapacity == 5000)
    memory.give(reused)
  }
}
