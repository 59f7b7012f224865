#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The lines of one chunk of a file that ``GraphLineDecoder`` read, with the file offset and
/// length of each (so the reader can check that a result belongs to the line it is at), and the
/// chunk's own symbol table.
final class DecodedChunk: @unchecked Sendable {
  /// One decoded line.
  struct Entry {
    /// File offset of the line's first byte.
    var offset: Int64
    /// Its length without the newline (and without a CR before it).
    var length: Int32
    /// What it says, with symbols of ``DecodedChunk/symbols``.
    var line: GraphLine
  }

  /// Where the chunk's names are interned.
  let symbols = SymbolTable()
  /// The decoded lines, in file order (raw memory the chunk owns: an array's append costs a
  /// uniqueness check per line).
  private var storage: UnsafeMutablePointer<Entry>
  private var capacity: Int
  private var count = 0

  /// The decoded lines, in file order, valid while the chunk is alive.
  var entries: UnsafeBufferPointer<Entry> { UnsafeBufferPointer(start: storage, count: count) }

  deinit { storage.deallocate() }

  /// Adds a decoded line.
  @inline(__always) private func append(_ e: Entry) {
    if count == capacity {
      let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
      bigger.moveInitialize(from: storage, count: count)
      storage.deallocate()
      storage = bigger
      capacity *= 2
    }
    (storage + count).initialize(to: e)
    count += 1
  }

  /// Decodes the lines that start in `start ..< start + length` of the file open as `fd`
  /// (`fileSize` bytes). A line running more than `tail` bytes past the chunk is left to the reader.
  init(fd: Int32, fileSize: Int64, start: Int64, length: Int, tail: Int = 1 << 16) {
    // Lines of a function_graph are 60-odd bytes or more.
    capacity = max(length / 64, 16)
    storage = .allocate(capacity: capacity)
    let readFrom = max(start - 1, 0)
    let want = Int(min(Int64(length + 1 + tail), fileSize - readFrom))
    guard want > 0 else { return }
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: want)
    defer { buffer.deallocate() }
    var filled = 0
    while filled < want {
      let n = pread(fd, buffer + filled, want - filled, off_t(readFrom) + off_t(filled))
      if n < 0, errno == EINTR { continue }
      if n <= 0 { break }
      filled += n
    }
    let atEnd = readFrom + Int64(filled) == fileSize
    var s = 0
    if start > 0 {
      // The byte before the chunk tells whether a line starts at its first byte.
      guard let nl = memchr(buffer, 0x0A, filled) else { return }
      s = UnsafeMutableRawPointer(nl).assumingMemoryBound(to: UInt8.self) - buffer + 1
    }
    let limit = start + Int64(length)
    var decoder = GraphLineDecoder(symbols: symbols)
    while s < filled, readFrom + Int64(s) < limit {
      var end: Int
      var next: Int
      if let nl = memchr(buffer + s, 0x0A, filled - s) {
        end = UnsafeMutableRawPointer(nl).assumingMemoryBound(to: UInt8.self) - buffer
        next = end + 1
      } else {
        guard atEnd else { break }
        end = filled
        next = filled
      }
      if end > s, buffer[end - 1] == 0x0D { end -= 1 }
      if let g = decoder.decode(ByteSpan(base: buffer + s, count: end - s)) {
        append(Entry(offset: readFrom + Int64(s), length: Int32(end - s), line: g))
      }
      s = next
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
