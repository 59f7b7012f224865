import Foundation
import PackagePlugin

/// Writes `let buildGitCommit = "<commit>"` before every build, so that `--version` names the commit
/// built ("unknown" outside a git checkout, "-dirty" with uncommitted changes to tracked files).
/// The file is rewritten only when the commit changes, so unchanged builds recompile nothing.
/// `safe.directory` is set for this call only: a checkout owned by another user (a CI clone) still
/// names its commit.
@main struct GitCommitPlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let out = context.pluginWorkDirectoryURL.appending(path: "generated")
    let script = """
      mkdir -p "$2"
      c=$(git -c safe.directory="$1" -C "$1" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
      if [ "$c" != unknown ] && [ -n "$(git -c safe.directory="$1" -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        c="$c-dirty"
      fi
      line="let buildGitCommit = \\"$c\\""
      [ "$(cat "$2/GitCommit.swift" 2>/dev/null)" = "$line" ] || printf '%s\\n' "$line" > "$2/GitCommit.swift"
      """
    return [
      .prebuildCommand(
        displayName: "git commit for --version", executable: URL(fileURLWithPath: "/bin/sh"),
        arguments: ["-c", script, "sh", context.package.directoryURL.path, out.path], outputFilesDirectory: out)
    ]
  }
}
