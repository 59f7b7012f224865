extension TraceFileReader {
  /// Applies the lines of `pipeline`'s chunks to `ftrace`, in file order, from file offset `offset`
  /// on, as the line reader would give them (the lines a worker decoded as such, the others as text);
  /// `offset` ends just past the last line applied, `number` at its number, and `lines` and
  /// `decodedAhead` count the lines and the decoded ones. Returns nil at the end of the chunks (the
  /// caller reads what is left, if the file grew), or the file offset where the chunk after one
  /// that could not cut all its lines starts: the caller reads the lines up to there itself.
  func readChunks<S: TraceRecordSink>(
    _ pipeline: ChunkPipeline, from offset: inout Int64, number: inout Int, into ftrace: FtraceTextParser,
    checks: inout LineChecks, lines: inout Int, decodedAhead: inout Int, sink: inout S, log: inout DiagnosticLog
  ) throws -> Int64? {
    // Counted in locals (an inout is written back to memory on every change).
    var n = number
    var ahead = 0
    defer {
      number = n
      decodedAhead += ahead
    }
    var nextCheck = checks.nextWanted(after: n)
    var k = pipeline.index(of: offset)
    while k < pipeline.chunkCount {
      guard let chunk = pipeline.chunk(k) else { return nil }
      var translation = SymbolTranslation(from: chunk.symbols, to: symbols)
      let cut = chunk.lines
      let entries = chunk.entries
      var i = 0
      var e = 0
      // Lines before `offset` were read already (by the caller's reader).
      let skip = offset - chunk.textStart
      while i < cut.count, Int64(cut[i].start) < skip { i += 1 }
      while e < entries.count, Int(entries[e].index) < i { e += 1 }
      lines += cut.count - i
      // A line the worker did not decode goes to the full path at once: where this thread's
      // decoder would read it, it reads it as the full path does.
      while i < cut.count {
        n += 1
        if e < entries.count, Int(entries[e].index) == i {
          if ftrace.acceptsDecodedLine {
            ftrace.take(translation.translated(entries[e].line), number: n, into: &sink, log: &log)
            ahead += 1
          } else {
            ftrace.parse(chunk.bytes(cut[i]), number: n, into: &sink, log: &log)
          }
          e += 1
        } else {
          ftrace.parseInFull(chunk.bytes(cut[i]), number: n, into: &sink, log: &log)
        }
        if n >= nextCheck {
          try checks.check(chunk.bytes(cut[i]), number: n, recognised: ftrace.recognisedLines)
          nextCheck = checks.nextWanted(after: n)
        }
        i += 1
      }
      if let end = chunk.end, end > offset { offset = end }
      if !chunk.cutAll { return pipeline.start(of: k + 1) }
      k += 1
    }
    return nil
  }
}
