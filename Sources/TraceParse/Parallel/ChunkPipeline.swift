#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Worker threads that decode the chunks of one file ahead of the reader, at most
/// ``ParallelReading/chunksAhead`` chunks past the one the reader is at (bounded memory). The
/// reader asks for chunk after chunk in file order and releases each once read.
final class ChunkPipeline: @unchecked Sendable {
  private let fd: Int32
  private let fileSize: Int64
  private let settings: ParallelReading
  private let monitor = Monitor()
  // Guarded by `monitor`:
  private var nextToDecode = 0
  private var reading = 0
  private var stopped = false
  private var decoded: [Int: DecodedChunk] = [:]
  private var workers: [WorkerThread] = []

  /// Starts decoding `path`, or returns nil when it cannot be opened again.
  init?(path: String, fileSize: Int64, settings: ParallelReading) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    self.fd = fd
    self.fileSize = fileSize
    self.settings = settings
    for _ in 0..<settings.workers {
      let w = WorkerThread { [self] in work() }
      if w.isRunning { workers.append(w) }
    }
    if workers.isEmpty {
      close(fd)
      return nil
    }
  }

  deinit { close(fd) }

  /// Number of chunks.
  var chunkCount: Int { Int((fileSize + Int64(settings.chunkBytes) - 1) / Int64(settings.chunkBytes)) }

  /// The chunk holding the lines that start at file offsets `k * chunkBytes ..< (k + 1) * chunkBytes`:
  /// waits for it. Chunks before `k` are dropped.
  func chunk(_ k: Int) -> DecodedChunk? {
    guard k >= 0, k < chunkCount else { return nil }
    return monitor.locked {
      for old in decoded.keys where old < k { decoded[old] = nil }
      if k > reading {
        reading = k
        monitor.broadcast()
      }
      while decoded[k] == nil, !stopped { monitor.wait() }
      return decoded[k]
    }
  }

  /// Chunk index of file offset `offset`.
  func index(of offset: Int64) -> Int { Int(offset / Int64(settings.chunkBytes)) }

  /// File offset where chunk `k` starts.
  func start(of k: Int) -> Int64 { Int64(k) * Int64(settings.chunkBytes) }

  /// Stops the workers and waits for them.
  func stop() {
    monitor.locked {
      stopped = true
      decoded = [:]
      monitor.broadcast()
    }
    for w in workers { w.join() }
    workers = []
  }

  private func work() {
    while true {
      let k: Int? = monitor.locked {
        while !stopped, nextToDecode < chunkCount, nextToDecode > reading + settings.chunksAhead { monitor.wait() }
        guard !stopped, nextToDecode < chunkCount else { return nil }
        nextToDecode += 1
        return nextToDecode - 1
      }
      guard let k else { return }
      let chunk = DecodedChunk(
        fd: fd, fileSize: fileSize, start: start(of: k), length: settings.chunkBytes)
      monitor.locked {
        if !stopped, k >= reading { decoded[k] = chunk }
        monitor.broadcast()
      }
    }
  }
}

/// The reader's side of a ``ChunkPipeline``: the decoded line at a file offset, if a worker
/// decoded it, with its symbols translated to the reader's table.
struct DecodedLineCursor {
  private let pipeline: ChunkPipeline
  private let symbols: SymbolTable
  /// File offsets of the chunk held: lines starting in `chunkStart ..< chunkEnd`.
  private var chunkStart: Int64 = 0
  private var chunkEnd: Int64 = 0
  private var chunk: DecodedChunk?
  /// The entries of `chunk` (kept alive by it).
  private var entries = UnsafeBufferPointer<DecodedChunk.Entry>(start: nil, count: 0)
  private var next = 0
  private var translation: SymbolTranslation?

  /// A cursor over `pipeline` translating into `symbols`.
  init(_ pipeline: ChunkPipeline, symbols: SymbolTable) {
    self.pipeline = pipeline
    self.symbols = symbols
  }

  /// The decoded line starting at `offset` with `length` bytes, or nil when the workers left it
  /// to the reader. Offsets must be asked in increasing order.
  @inline(__always) mutating func line(at offset: Int64, length: Int) -> GraphLine? {
    if offset >= chunkEnd || offset < chunkStart { move(to: pipeline.index(of: offset)) }
    while next < entries.count, entries[next].offset < offset { next += 1 }
    guard next < entries.count, entries[next].offset == offset, Int(entries[next].length) == length else {
      return nil
    }
    let e = entries[next].line
    next += 1
    return translation!.translated(e)
  }

  private mutating func move(to k: Int) {
    chunkStart = pipeline.start(of: k)
    chunkEnd = pipeline.start(of: k + 1)
    chunk = pipeline.chunk(k)
    entries = chunk?.entries ?? UnsafeBufferPointer(start: nil, count: 0)
    next = 0
    translation = chunk.map { SymbolTranslation(from: $0.symbols, to: symbols) }
  }
}
