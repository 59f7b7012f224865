/// The memory of decoded chunks, passed from a chunk the reader is done with to the next chunk a
/// worker decodes. The pipeline then holds the memory of the chunks alive at once and no more:
/// freed, the blocks of a few MiB would stay in the workers' malloc arenas and the process would
/// grow past that.
final class ChunkMemory: @unchecked Sendable {
  /// One chunk's buffers: its bytes and its two lists.
  struct Buffers {
    var text: UnsafeMutablePointer<UInt8>
    var textCapacity: Int
    var bounds: RawList<DecodedChunk.Bounds>
    var entries: RawList<DecodedChunk.Entry>
  }

  private let monitor = Monitor()
  // Guarded by `monitor`:
  private var spare: [Buffers] = []

  deinit {
    for b in spare { Self.free(b) }
  }

  /// Buffers for a chunk of `textBytes` bytes and about `lines` lines: spare ones (their lists
  /// emptied, their text grown when too small) or new ones.
  func take(textBytes: Int, lines: Int) -> Buffers {
    guard var b = monitor.locked({ spare.popLast() }) else {
      return Buffers(
        text: .allocate(capacity: textBytes), textCapacity: textBytes, bounds: RawList(capacity: lines),
        entries: RawList(capacity: lines))
    }
    if b.textCapacity < textBytes {
      b.text.deallocate()
      b.text = .allocate(capacity: textBytes)
      b.textCapacity = textBytes
    }
    b.bounds.removeAll()
    b.entries.removeAll()
    return b
  }

  /// Keeps `buffers` (no longer used by their chunk) for the next chunk.
  func give(_ buffers: Buffers) {
    monitor.locked { spare.append(buffers) }
  }

  private static func free(_ b: Buffers) {
    b.text.deallocate()
    b.bounds.free()
    b.entries.free()
  }
}
