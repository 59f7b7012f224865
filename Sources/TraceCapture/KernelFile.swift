import Foundation

/// Reads pseudo-files of /proc and tracefs: they report size 0, so they are read with read(2)
/// until end of file rather than by their stat size.
enum KernelFile {
  static func read(_ path: String, limit: Int = 64 << 20) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return nil }
    defer { close(fd) }
    var out = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while out.count < limit {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if n == 0 { break }
      out.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
