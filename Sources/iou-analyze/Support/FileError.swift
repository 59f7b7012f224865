/// A file the command needs (not a trace) that cannot be used: `iou-analyze: FILE: message`, exit 2.
struct FileError: Error {
  /// The path as given.
  var file: String
  /// What is wrong with it.
  var message: String
}
