// libFuzzer target: the input analysed as `--format hist`.
import FuzzSupport
import TraceParse

#if canImport(Glibc)
  import Glibc
#endif

exit(
  FuzzDriver.run { data, size in
    guard let data else { return 0 }
    FuzzInput.analyze(data, size, format: .hist)
    return 0
  })
