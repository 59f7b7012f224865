import Foundation

/// The shared libraries mapped into this process (from /proc/self/maps, where the dynamic linker's
/// choices show as resolved file paths).
enum LoadedLibraries {
  /// The path of the mapped library whose file name starts with `soname`
  /// (e.g. `/usr/lib/x86_64-linux-gnu/libtracefs.so.1.6.4` for `libtracefs.so`).
  static func path(containing soname: String) -> String? {
    // /proc files report size 0: read to the end instead of by size.
    guard let file = FileHandle(forReadingAtPath: "/proc/self/maps") else { return nil }
    defer { try? file.close() }
    let maps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
    for line in maps.split(separator: "\n") {
      guard let slash = line.firstIndex(of: "/") else { continue }
      let path = line[slash...]
      if path.split(separator: "/").last?.hasPrefix(soname) == true { return String(path) }
    }
    return nil
  }

  /// `1.6.4` from `.../libtracefs.so.1.6.4`: the version in the library's file name.
  static func version(of path: String) -> String? {
    guard let r = path.range(of: ".so.", options: .backwards) else { return nil }
    let v = path[r.upperBound...]
    return v.isEmpty ? nil : String(v)
  }
}
