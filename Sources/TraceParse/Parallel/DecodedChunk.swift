#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The lines that start in one chunk of a file, cut where ``LineReader`` cuts them, with the bytes
/// read and what ``GraphLineDecoder`` made of each line it could read, in the chunk's own symbol
/// table. The reader takes the lines from here instead of splitting the file again.
final class DecodedChunk: @unchecked Sendable {
  /// A line's bytes in ``text``: `start ..< end`, without the newline and a CR before it.
  struct Bounds {
    var start: Int32
    var end: Int32
  }

  /// A line that ``GraphLineDecoder`` read: its index in ``lines`` and what it says, with symbols
  /// of ``DecodedChunk/symbols``.
  struct Entry {
    var index: Int32
    var line: GraphLine
  }

  /// Where the chunk's names are interned.
  let symbols = SymbolTable()
  /// File offset of the first byte of ``text``.
  let textStart: Int64
  /// The bytes read (from one byte before the chunk, which tells whether a line starts at its first).
  let text: UnsafeMutablePointer<UInt8>
  private var bounds: RawList<Bounds>
  private var decoded: RawList<Entry>
  /// Where ``text``, ``bounds`` and ``decoded`` came from, and go back to.
  private let memory: ChunkMemory
  private let textCapacity: Int
  /// File offset just past the newline of the chunk's last line, or nil when no line was cut here.
  private(set) var end: Int64?
  /// False when a line starting in the chunk was not cut here: it runs past the bytes read (longer
  /// than the tail read after the chunk, or the file's last line without a newline), it is longer
  /// than the reader's limit, or the file could not be read (an error, or it shrank). The reader
  /// reads that line and the rest of the chunk by itself, from ``end`` (or where it was).
  private(set) var cutAll = true

  /// The lines cut, in file order (valid while the chunk is alive).
  var lines: UnsafeBufferPointer<Bounds> { bounds.values }
  /// The lines decoded, in file order (valid while the chunk is alive).
  var entries: UnsafeBufferPointer<Entry> { decoded.values }

  /// The bytes of line `b`.
  @inline(__always) func bytes(_ b: Bounds) -> ByteSpan {
    ByteSpan(base: text + Int(b.start), count: Int(b.end - b.start))
  }

  deinit {
    memory.give(
      ChunkMemory.Buffers(text: text, textCapacity: textCapacity, bounds: bounds, entries: decoded))
  }

  /// Cuts and decodes the lines that start in `start ..< start + length` of the file open as `fd`
  /// (`fileSize` bytes), reading `tail` bytes past the chunk for its last line, in buffers from
  /// `memory`; lines longer than `longestLine` are left to the reader.
  init(
    fd: Int32, fileSize: Int64, start: Int64, length: Int, longestLine: Int, memory: ChunkMemory,
    tail: Int = 1 << 16
  ) {
    textStart = max(start - 1, 0)
    let want = Int(max(0, min(Int64(length + 1 + tail), fileSize - textStart)))
    // Lines of a function_graph are 60-odd bytes or more.
    let buffers = memory.take(textBytes: max(want, 1), lines: max(length / 64, 16))
    self.memory = memory
    text = buffers.text
    textCapacity = buffers.textCapacity
    bounds = buffers.bounds
    decoded = buffers.entries
    // Index in `text` just past the newline of the last line cut (kept in a local: `end` is
    // written once, on the way out).
    var cutTo = -1
    defer { if cutTo >= 0 { end = textStart + Int64(cutTo) } }
    guard want > 0 else { return }
    var filled = 0
    while filled < want {
      let n = pread(fd, text + filled, want - filled, off_t(textStart) + off_t(filled))
      if n < 0, errno == EINTR { continue }
      if n <= 0 { break }
      filled += n
    }
    if filled < want { cutAll = false }
    // Offsets into `text` are kept in 32 bits: a chunk too big for them is left to the reader.
    guard filled <= Int(Int32.max) else {
      cutAll = false
      return
    }
    var s = 0
    if start > 0 {
      guard let nl = memchr(text, 0x0A, filled) else { return }
      s = UnsafeMutableRawPointer(nl).assumingMemoryBound(to: UInt8.self) - text + 1
    }
    let limit = Int(start - textStart) + length
    var decoder = GraphLineDecoder(symbols: symbols)
    while s < filled, s < limit {
      guard let nl = memchr(text + s, 0x0A, filled - s) else {
        cutAll = false
        return
      }
      let next = UnsafeMutableRawPointer(nl).assumingMemoryBound(to: UInt8.self) - text
      guard next - s <= longestLine else {
        cutAll = false
        return
      }
      var e = next
      if e > s, text[e - 1] == 0x0D { e -= 1 }
      if let g = decoder.decode(ByteSpan(base: text + s, count: e - s)) {
        decoded.append(Entry(index: Int32(truncatingIfNeeded: bounds.count), line: g))
      }
      bounds.append(Bounds(start: Int32(truncatingIfNeeded: s), end: Int32(truncatingIfNeeded: e)))
      s = next + 1
      cutTo = s
    }
  }
}

/// Maps the symbols of a chunk's own table to the reader's table, interning each name there the
/// first time the reader uses it — in the order the one-core path would have interned it.
struct SymbolTranslation {
  private let local: SymbolTable
  private let global: SymbolTable
  private var map: [UInt32]

  /// A translation from `local` to `global`.
  init(from local: SymbolTable, to global: SymbolTable) {
    self.local = local
    self.global = global
    map = Array(repeating: UInt32.max, count: local.count)
  }

  /// The symbol of `global` with the name of `symbol` of `local`.
  @inline(__always) mutating func global(_ symbol: Symbol) -> Symbol {
    let i = Int(symbol.id)
    if i == 0 { return .none }
    if map[i] != UInt32.max { return Symbol(id: map[i]) }
    let g = local.withBytes(symbol) { global.intern($0) }
    map[i] = g.id
    return g
  }

  /// `line` with its symbols translated (comm first, then the function, as the parser interns them).
  @inline(__always) mutating func translated(_ line: GraphLine) -> GraphLine {
    var g = line
    g.comm = global(line.comm)
    g.function = global(line.function)
    return g
  }
}
