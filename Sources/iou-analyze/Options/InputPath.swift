import Foundation
import TraceParse

/// The checks on a path that every command words the same way (`analyze` gets the same words
/// from the library when it lists a run folder).
enum InputPath {
  /// A path that must name one file (or `-`): missing paths and folders are input errors.
  static func checkFile(_ path: String) throws {
    guard path != "-" else { return }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw TraceInputError(file: path, line: 0, kind: .open, "no such file or folder")
    }
    if isFolder.boolValue {
      throw TraceInputError(file: path, line: 0, kind: .open, "is a folder; this command reads one file")
    }
  }
}
