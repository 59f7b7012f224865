/// What ``TraceFileReader`` checks on the lines a parser reads, besides parsing them: the first
/// lines go on to the sniffer (for the error when a forced format reads nothing), every 64th line
/// is sampled for binary data, and at every ``TraceFileReader/garbageWindow`` lines reading stops
/// when the input is garbage; progress is reported. Only some lines need a check
/// (``wants(_:)``, ``nextWanted(after:)``), so the reader's loop over a chunk's lines calls
/// ``check(_:number:recognised:)`` rarely.
struct LineChecks {
  /// What the file looks like.
  var sniffer = FormatSniffer()
  /// The file's name in errors.
  let file: String
  /// The format read.
  var format: TraceFormat?
  private var sampledLines = 0
  private var binaryLines = 0
  /// The garbage check counts from the first line the parser sees (white space before it is dropped).
  private var parsedFrom = 1
  private var nextGarbageCheck = TraceFileReader.garbageWindow
  private let progress: (@Sendable (Int) -> Void)?
  private let progressInterval: Int
  private var nextProgress: Int

  /// Checks for `file`, calling `progress` every `progressInterval` lines.
  init(file: String, format: TraceFormat?, progress: (@Sendable (Int) -> Void)?, progressInterval: Int) {
    self.file = file
    self.format = format
    self.progress = progress
    self.progressInterval = progressInterval
    nextProgress = progress == nil ? Int.max : progressInterval
  }

  /// The parser starts at line `first`: the garbage check counts from there.
  mutating func parserStarts(at first: Int) {
    parsedFrom = first
    nextGarbageCheck = first + TraceFileReader.garbageWindow
  }

  /// True when line `number` needs ``check(_:number:recognised:)``.
  @inline(__always) func wants(_ number: Int) -> Bool {
    number <= FormatSniffer.sampleLines || number & 63 == 0 || number >= nextGarbageCheck || number >= nextProgress
  }

  /// The first line after `number` that ``wants(_:)``.
  func nextWanted(after number: Int) -> Int {
    let sample = number < FormatSniffer.sampleLines ? number + 1 : (number | 63) + 1
    return min(sample, nextGarbageCheck, nextProgress)
  }

  /// Checks line `number` (`line`), read by a parser that recognised `recognised` lines so far:
  /// throws when the input is garbage.
  mutating func check(_ line: ByteSpan, number: Int, recognised: Int) throws {
    if number <= FormatSniffer.sampleLines { sniffer.observe(line) }
    if number & 63 == 0 {
      // Every 64th line sampled: a stream that turns out to be binary (a forced format on
      // /dev/urandom) is stopped, checked at every garbage window.
      sampledLines += 1
      if FormatSniffer.looksBinary(line) { binaryLines += 1 }
    }
    if number >= nextGarbageCheck {
      nextGarbageCheck += TraceFileReader.garbageWindow
      if recognised * 100 < number - parsedFrom || binaryLines * 2 > sampledLines {
        throw TraceInputError(
          file: file, line: 1, kind: .notATrace,
          binaryLines * 2 > sampledLines
            ? "\(binaryLines) of \(sampledLines) lines sampled in the first \(number) are binary data, not \(format!.rawValue) text; stopped reading"
            : "only \(recognised) of the first \(number) lines could be read as \(format!.rawValue); stopped reading"
        )
      }
    }
    if number >= nextProgress {
      progress?(number)
      nextProgress += progressInterval
    }
  }
}
