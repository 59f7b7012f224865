import Foundation
import Testing

/// The man pages in docs/man (made by `make man` with argument-parser's generate-manual plugin) exist
/// for every subcommand and are current: each names the options, abstract and description that the
/// built binary declares (`--experimental-dump-help`, the same source the generator reads).
@Suite struct ManPageTests {
  static let folder = CLI.packageRoot.appendingPathComponent("docs/man")

  static func commands() throws -> [[String: Any]] {
    let r = try CLI.run(["--experimental-dump-help"])
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let root = try #require(json?["command"] as? [String: Any])
    return [root] + ((root["subcommands"] as? [[String: Any]]) ?? [])
  }

  static func longNames(_ command: [String: Any]) -> Set<String> {
    var names: Set<String> = []
    for a in (command["arguments"] as? [[String: Any]]) ?? [] {
      for n in (a["names"] as? [[String: Any]]) ?? [] where n["kind"] as? String == "long" {
        names.insert(n["name"] as? String ?? "")
      }
    }
    return names
  }

  /// `--name` for every `Fl -name` in the page's option list.
  static func documentedNames(_ page: String) -> Set<String> {
    var names: Set<String> = []
    for line in page.split(separator: "\n") where line.hasPrefix(".It Fl ") {
      for word in line.split(separator: " ") where word.hasPrefix("-") && word.count > 1 {
        names.insert(String(word.dropFirst()))
      }
    }
    return names
  }

  @Test func everySubcommandHasACurrentManPage() throws {
    let commands = try Self.commands()
    // The root, analyze, compare, collapse, flamegraph, capture, watch, and the library's help subcommand.
    #expect(commands.count == 8)
    let builtIn: Set<String> = ["help", "version"]
    for c in commands {
      let name = c["commandName"] as? String ?? ""
      let file = name == "iou-analyze" ? "iou-analyze.1" : "iou-analyze.\(name).1"
      let path = Self.folder.appendingPathComponent(file).path
      let page = try #require(
        try? String(contentsOfFile: path, encoding: .utf8), "docs/man/\(file) is missing: run make man")
      #expect(page.contains(".Nd \"\(c["abstract"] as? String ?? "")\""), "\(file): abstract out of date (make man)")
      if let discussion = c["discussion"] as? String {
        #expect(page.contains(discussion), "\(file): description out of date (make man)")
      }
      #expect(
        Self.documentedNames(page).subtracting(builtIn) == Self.longNames(c).subtracting(builtIn),
        "\(file): options out of date (make man)")
    }
  }
}
