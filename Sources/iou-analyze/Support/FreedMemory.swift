#if os(Linux)
  import CMalloc
#endif

/// Memory the reading freed, handed back to the system before a command builds its output.
enum FreedMemory {
  /// Returns the free pages of every malloc arena to the system. glibc keeps freed blocks of a
  /// few MiB (the read-ahead chunks of ``ChunkPipeline``'s workers) in the workers' arenas instead
  /// of unmapping them, so they would stay resident while the output is built on top of them.
  static func release() {
    #if os(Linux)
      _ = malloc_trim(0)
    #endif
  }
}
