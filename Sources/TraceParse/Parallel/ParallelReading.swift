/// When and how a large text file is read on more than one core: worker threads decode chunks of
/// the file (cut at line boundaries) ahead of the reader, and the reader takes their results in
/// file order, so records, line numbers, diagnostics and verdicts are the same as on one core.
/// Only regular, uncompressed files of at least ``minimumFileBytes`` go this way; pipes, stdin
/// and compressed input are read on one core.
public struct ParallelReading: Sendable, Equatable {
  /// Files smaller than this are read on one core (default 32 MiB).
  public var minimumFileBytes: Int64
  /// Bytes per chunk (default 2 MiB; more than 1 GiB counts as 1 GiB). Tests use small chunks so
  /// that boundaries fall inside fixtures.
  public var chunkBytes: Int
  /// Decoding threads besides the reader (default 2; 0 reads on one core).
  public var workers: Int
  /// Chunks decoded ahead of the reader at most: bounds the memory of the results.
  public var chunksAhead: Int

  /// The defaults: files of 32 MiB and more on two decoding threads, 2 MiB chunks, 6 ahead.
  public init(minimumFileBytes: Int64 = 32 << 20, chunkBytes: Int = 2 << 20, workers: Int = 2, chunksAhead: Int = 6) {
    self.minimumFileBytes = minimumFileBytes
    self.chunkBytes = max(chunkBytes, 1)
    self.workers = max(workers, 0)
    self.chunksAhead = max(chunksAhead, 1)
  }

  /// One core only.
  public static let off = ParallelReading(workers: 0)
}
