import Foundation
import TraceParse

/// Options of one analysis.
public struct AnalysisOptions: Sendable {
  /// Format to force instead of sniffing.
  public var format: TraceFormat?
  /// Detector limits.
  public var thresholds = Thresholds()
  /// The loop's description.
  public var rule = FaultLoopRule.userfaultfdRetry
  /// Only report these thread ids (all when empty).
  public var threads: Set<Int32> = []
  /// Decoder for binary trace.dat input (the CLI provides libtracecmd's).
  public var traceDat: (any TraceDatDecoding)?
  /// Progress of long files: file name and lines read so far.
  public var progress: (@Sendable (String, Int) -> Void)?
  /// When large files are decoded on several cores (the results are the same as on one).
  public var reading = ParallelReading()

  /// Defaults.
  public init() {}
}

/// The analysis of one run: a file, or a folder of captures of the same scenario.
public struct RunAnalysis: Sendable, Codable, Equatable {
  /// Version of the JSON shape; bumped on incompatible changes.
  public static let schemaVersion = 2
  /// The path the user gave.
  public var input: String
  /// Every file analysed (or skipped, with the reason).
  public var files: [FileAnalysis]
  /// The threads of the run: a thread seen in several files (same comm and tid) is one thread.
  public var threads: [RunThread]
  /// The run's verdict, by the rules of ``RunCombination``.
  public var verdict: Verdict
  /// Why the run verdict is what it is.
  public var reasons: [RunReason]

  /// Threads in `verdict` over all files, with their file.
  public func threads(in verdict: Verdict) -> [(file: String, thread: ThreadVerdict)] {
    files.flatMap { f in f.threads.filter { $0.verdict == verdict }.map { (f.file, $0) } }
  }

  /// Exit code for `analyze`: 1 when a thread spins, 3 when nothing could be decided, else 0.
  public var exitCode: Int32 { verdict.exitCode }
}

extension Verdict {
  /// Exit code of a run with this verdict: 1 SPINNING, 3 INCONCLUSIVE, else 0.
  public var exitCode: Int32 {
    switch self {
    case .spinning: 1
    case .inconclusive: 3
    default: 0
    }
  }
}

/// Analyses files and run folders.
public enum RunAnalyzer {
  /// File names in a folder that are documentation, not captures.
  static func isCapture(_ name: String) -> Bool {
    !name.hasPrefix(".") && !name.lowercased().hasPrefix("readme") && !name.hasSuffix(".md") && !name.hasSuffix(".json")
  }

  /// Lists the capture files of `path` (itself when it is a file), sorted by name.
  public static func captureFiles(_ path: String) throws -> [String] {
    var isDir: ObjCBool = false
    guard path == "-" || FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw TraceInputError(file: path, line: 0, kind: .open, "no such file or folder")
    }
    guard isDir.boolValue else { return [path] }
    let names = try FileManager.default.contentsOfDirectory(atPath: path).filter(isCapture).sorted()
    if names.isEmpty { throw TraceInputError(file: path, line: 0, kind: .open, "folder holds no capture files") }
    return names.map { (path as NSString).appendingPathComponent($0) }
  }

  /// Analyses one file. Throws when it cannot be read at all.
  public static func analyzeFile(_ path: String, options: AnalysisOptions) throws -> FileAnalysis {
    var seen = Set<Int32>()
    return try analyzeFile(path, options: options, seen: &seen)
  }

  /// Analyses one file; adds the tids it holds that `options.threads` asks for to `seen`.
  static func analyzeFile(_ path: String, options: AnalysisOptions, seen: inout Set<Int32>) throws -> FileAnalysis {
    let symbols = SymbolTable()
    let tracker = ThreadTracker(symbols: symbols, rule: options.rule, thresholds: options.thresholds)
    var reader = TraceFileReader(symbols: symbols, forcedFormat: options.format)
    reader.maxLineLength = 1 << 22
    reader.traceDat = options.traceDat
    reader.parallel = options.reading
    let display = path == "-" ? "<stdin>" : path
    if let progress = options.progress { reader.progress = { progress(display, $0) } }
    var sink = tracker
    let read = try reader.read(path: path, displayName: display, into: &sink)
    var analysis = FaultLoopDetector(tracker: tracker).analyze(file: display, read: read)
    if !options.threads.isEmpty {
      analysis.threads = analysis.threads.filter { options.threads.contains($0.tid) }
      seen.formUnion(options.threads.filter { tracker.threads[$0] != nil })
    }
    return analysis
  }

  /// Analyses `path`: a file, or a folder whose files are captures of one run. In a folder,
  /// empty files are noted and skipped, and files that cannot be read are skipped with the
  /// reason; only when nothing can be read does this throw.
  public static func analyze(_ path: String, options: AnalysisOptions) throws -> RunAnalysis {
    let files = try captureFiles(path)
    var results: [FileAnalysis] = []
    var firstError: TraceInputError?
    let inFolder = files != [path]
    var seen = Set<Int32>()
    for f in files {
      if inFolder, let kind = SpecialFile.kind(f) {
        // Reading a FIFO or a device of a folder would block or never end; named alone it is read.
        let d = Diagnostic(
          severity: .warning, kind: .specialFile, file: f, line: 0,
          message: "\(kind), not a regular file: skipped (name it alone to read it as a stream)")
        results.append(skipped(f, .unreadable(diagnostic: d)))
        continue
      }
      do {
        results.append(try analyzeFile(f, options: options, seen: &seen))
      } catch let e as TraceInputError where e.diagnostic.kind == .empty && files.count > 1 {
        results.append(skipped(f, .empty))
      } catch let e as TraceInputError {
        firstError = firstError ?? e
        results.append(skipped(f, .unreadable(diagnostic: e.diagnostic)))
      }
    }
    if results.allSatisfy({ $0.skipped != nil }) {
      throw firstError ?? TraceInputError(file: path, line: 0, kind: .open, "no capture in the folder could be read")
    }
    let missing = options.threads.subtracting(seen).sorted()
    if !missing.isEmpty {
      let which = missing.map(String.init).joined(separator: ", ")
      throw TraceInputError(
        file: path, line: 0, kind: .unknownThread,
        "no thread with tid \(which) (--thread) in \(files.count == 1 ? "the capture" : "any of its \(files.count) captures")"
      )
    }
    return RunCombination.combine(input: path, results)
  }

  /// The analysis of a live capture that traced nothing (no fault-path call and no sched event).
  public static func nothingCaptured(_ input: String) -> RunAnalysis {
    RunCombination.combine(input: input, [skipped(input, .nothingTraced)])
  }

  static func skipped(_ file: String, _ why: SkipReason) -> FileAnalysis {
    FileAnalysis(
      file: file, format: "-", lines: 0, captureStartNs: nil, captureEndNs: nil, threads: [], blockedTasks: [],
      notes: [], captureHints: [], lostEvents: 0, diagnostics: [], skipped: why)
  }
}
