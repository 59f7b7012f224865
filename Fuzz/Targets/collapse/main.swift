// libFuzzer target: the input folded as `collapse` folds it (perf script folder or record folder).
import FuzzSupport

#if canImport(Glibc)
  import Glibc
#endif

exit(
  FuzzDriver.run { data, size in
    guard let data else { return 0 }
    FuzzInput.collapse(data, size)
    return 0
  })
