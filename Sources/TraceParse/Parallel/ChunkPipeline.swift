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
  private let longestLine: Int
  /// ``ParallelReading/chunkBytes``, at most 1 GiB (a chunk's lines are cut at 32-bit offsets).
  private let chunkBytes: Int
  private let monitor = Monitor()
  private let memory = ChunkMemory()
  // Guarded by `monitor`:
  private var nextToDecode = 0
  private var reading = 0
  private var stopped = false
  private var decoded: [Int: DecodedChunk] = [:]
  private var workers: [WorkerThread] = []

  /// Starts decoding `path`, or returns nil when it cannot be opened again. Lines longer than
  /// `longestLine` bytes are left to the reader (see ``LineReader/longestLine``).
  init?(path: String, fileSize: Int64, settings: ParallelReading, longestLine: Int) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    self.fd = fd
    self.fileSize = fileSize
    self.settings = settings
    self.longestLine = longestLine
    chunkBytes = min(max(settings.chunkBytes, 1), 1 << 30)
    for _ in 0..<settings.workers {
      let w = WorkerThread { [self] in work() }
      if w.isRunning { workers.append(w) }
    }
    if workers.isEmpty { return nil }  // (deinit closes fd)
  }

  deinit { close(fd) }

  /// Number of chunks.
  var chunkCount: Int { Int((fileSize + Int64(chunkBytes) - 1) / Int64(chunkBytes)) }

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
  func index(of offset: Int64) -> Int { Int(offset / Int64(chunkBytes)) }

  /// File offset where chunk `k` starts.
  func start(of k: Int) -> Int64 { Int64(k) * Int64(chunkBytes) }

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
        fd: fd, fileSize: fileSize, start: start(of: k), length: chunkBytes, longestLine: longestLine,
        memory: memory)
      monitor.locked {
        if !stopped, k >= reading { decoded[k] = chunk }
        monitor.broadcast()
      }
    }
  }
}
