import TraceParse

/// The tri-state check of the text collapsers: each of an input's first lines votes for the formats
/// it could belong to (TraceParse's ``FormatSniffer`` rules, so `collapse` reads a file as `analyze`
/// does); a collapser says yes once its format leads clearly, no once another one does, and at the
/// end of the sample yes only when its format has the most votes.
struct FormatVotes {
  /// The collapser's format.
  let format: TraceFormat
  /// Votes for the format needed before a clear lead counts (1 for pasted reports, which
  /// FormatSniffer prefers as soon as one line looks like one).
  let needed: Int
  private var votes: [TraceFormat: Int] = [:]
  private var lines = 0

  init(_ format: TraceFormat, needed: Int = 3) {
    self.format = format
    self.needed = needed
  }

  /// Counts one more line.
  mutating func observe(_ line: ByteSpan) -> FormatMatch {
    let formats = FormatSniffer.formats(of: line)
    if line.trimmed().isEmpty { return .undecided }
    lines += 1
    for f in formats { votes[f, default: 0] += 1 }
    let mine = votes[format, default: 0]
    let best = votes.filter { $0.key != format }.map(\.value).max() ?? 0
    if format != .pastedReport, votes[.pastedReport, default: 0] > 0 { return .no }
    if mine >= needed, mine >= 2 * best { return .yes }
    if best >= 3, best >= 2 * mine + 3 { return .no }
    if lines >= FormatSniffer.sampleLines { return atEnd() }
    return .undecided
  }

  /// The answer when no more lines come: the format with most votes (ties as FormatSniffer breaks them).
  func atEnd() -> FormatMatch {
    if format != .pastedReport, votes[.pastedReport, default: 0] > 0 { return .no }
    let leader = votes.max { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }
    return leader?.key == format && leader!.value > 0 ? .yes : .no
  }
}
