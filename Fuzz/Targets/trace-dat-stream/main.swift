// libFuzzer target: the input read as the record stream of a trace.dat helper process.
import FuzzSupport

#if canImport(Glibc)
  import Glibc
#endif

exit(
  FuzzDriver.run { data, size in
    guard let data else { return 0 }
    FuzzInput.traceDatStream(data, size)
    return 0
  })
