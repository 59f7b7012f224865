#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Files that are not regular files: a FIFO, a socket or a device in a run folder would block the
/// analysis or never end, so folders skip them; named alone, a FIFO is read as a stream.
public enum SpecialFile {
  /// What `path` is when it is a FIFO, socket or device (following symbolic links); nil for regular
  /// files, folders and paths that cannot be examined (opening them reports the error).
  public static func kind(_ path: String) -> String? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    switch st.st_mode & S_IFMT {
    case S_IFIFO: return "a FIFO (named pipe)"
    case S_IFSOCK: return "a socket"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    default: return nil
    }
  }

  /// True when `path` names a regular file (following symbolic links).
  public static func isRegular(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
  }
}
