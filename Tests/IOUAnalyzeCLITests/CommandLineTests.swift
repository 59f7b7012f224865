import Foundation
import Testing

/// The command line as swift-argument-parser gives it, with our exit statuses.
@Suite struct CommandLineTests {
  static let subcommands = ["analyze", "compare", "collapse", "capture", "watch"]

  @Test func aMistypedOptionGetsASuggestion() throws {
    let r = try CLI.run(["analyze", "--min-retry", "3", "x"])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("iou-analyze: Unknown option '--min-retry'. Did you mean '--min-retries'?"))
  }

  @Test func aMistypedSubcommandGetsASuggestion() throws {
    let r = try CLI.run(["analyse", "x"])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("iou-analyze: Unknown subcommand 'analyse'. Did you mean 'analyze'?"))
  }

  @Test func helpForAnUnknownSubcommandIsAUsageError() throws {
    let r = try CLI.run(["help", "nosuch"])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("iou-analyze: Unknown subcommand 'nosuch'."))
    #expect(r.stdout.isEmpty)
  }

  @Test func noSubcommandIsAUsageError() throws {
    let r = try CLI.run([])
    #expect(r.status == 2)
    #expect(r.stderr.contains("Missing subcommand"))
  }

  @Test(arguments: subcommands)
  func everySubcommandHasHelpAndVersion(_ name: String) throws {
    let help = try CLI.run(["help", name])
    #expect(help.status == 0)
    #expect(help.stdout.contains("USAGE: iou-analyze \(name)"))
    let dashHelp = try CLI.run([name, "--help"])
    #expect(dashHelp.stdout == help.stdout)
    let version = try CLI.run([name, "--version"])
    #expect(version.status == 0)
    #expect(version.stdout.hasPrefix("iou-analyze "))
  }

  @Test func helpIsWrappedToTheTerminalWidth() throws {
    // Without a terminal the library wraps at 80 columns; the usage line is kept short by hand.
    for name in Self.subcommands {
      let help = try CLI.run([name, "--help"])
      let widest = help.stdout.split(separator: "\n").map(\.count).max() ?? 0
      #expect(widest <= 80, "\(name) --help has a line of \(widest) columns")
    }
  }

  @Test func descriptionsAreWholeParagraphsForTheLibraryToWrap() throws {
    // A hard line break inside a paragraph would be kept, and the wrapped help would break mid-sentence.
    let dump = try CLI.run(["--experimental-dump-help"]).stdout
    let json = try JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any]
    let root = try #require(json?["command"] as? [String: Any])
    for c in [root] + ((root["subcommands"] as? [[String: Any]]) ?? []) {
      let lines = (c["discussion"] as? String ?? "").split(separator: "\n", omittingEmptySubsequences: false)
      for (a, b) in zip(lines, lines.dropFirst()) {
        #expect(a.isEmpty || b.isEmpty, "\(c["commandName"] ?? ""): a paragraph breaks after '\(a.suffix(30))'")
      }
    }
  }

  @Test func versionNamesTheCommitAndTheTracingLibraries() throws {
    let v = try CLI.run(["--version"]).stdout
    let lines = v.split(separator: "\n")
    #expect(lines.first?.contains("(commit ") == true)
    #expect(!v.contains("commit unknown"), "built from a git checkout, the commit is known")
    for lib in ["libtracefs", "libtraceevent", "libtracecmd"] {
      // e.g. "libtracefs 1.6.4 (/usr/lib/x86_64-linux-gnu/libtracefs.so.1.6.4)"
      let line = try #require(lines.first { $0.hasPrefix(lib + " ") }, "no \(lib) line in \(v)")
      let version = line.split(separator: " ")[1]
      #expect(version.first?.isNumber == true, "\(line)")
      #expect(line.hasSuffix(".so.\(version))"))
    }
  }

  @Test(arguments: ["bash", "zsh", "fish"])
  func completionScriptsNameEverySubcommand(_ shell: String) throws {
    let r = try CLI.run(["--generate-completion-script", shell])
    #expect(r.status == 0)
    for name in Self.subcommands { #expect(r.stdout.contains(name)) }
    #expect(r.stdout.contains("min-retries"))
  }

  @Test func standardInputTwiceIsAUsageError() throws {
    // `analyze - -` used to analyse stdin, then an empty stream, and report only the second result.
    let trace = FileManager.default.contents(
      atPath: CLI.fixture("shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt"))
    for args in [["analyze", "-", "-"], ["compare", "-", "-"]] {
      let r = try CLI.run(args, stdin: trace)
      #expect(r.status == 2)
      #expect(r.stderr.hasPrefix("iou-analyze: '-' (standard input) is given more than once"))
      #expect(r.stdout.isEmpty)
    }
  }

  @Test func typedOptionValuesAreChecked() throws {
    let format = try CLI.run(["analyze", "--format", "pcap", "x"])
    #expect(format.status == 2)
    #expect(format.stderr.contains("'--format <format>'"))
    let range = try CLI.run(["analyze", "--min-retries", "1", "x"])
    #expect(range.status == 2)
    #expect(range.stderr.hasPrefix("iou-analyze: --min-retries must be a whole number from 2 to 1000000"))
    let tid = try CLI.run(["analyze", "--thread", "-5", "x"])
    #expect(tid.status == 2)
  }
}
