// swift-tools-version: 6.0
import PackageDescription

/// Hot parsing loops: no dynamic exclusivity checks in release builds (measured: ~12% of parse time),
/// and generic readers (`TraceFileReader.read(into:)` and the parsers under it) specialised for the
/// sink of the module calling them (cross-module optimisation).
let fast: [SwiftSetting] = [
  .unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release))
]

let package = Package(
  name: "iou-analyze",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "iou-analyze", targets: ["iou-analyze"]),
    .library(name: "TraceParse", targets: ["TraceParse"]),
    .library(name: "TraceAnalysis", targets: ["TraceAnalysis"]),
    .library(name: "TraceReport", targets: ["TraceReport"]),
    .library(name: "TraceFold", targets: ["TraceFold"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
    .target(name: "TraceParse", dependencies: ["CZlib", "CZstd"], swiftSettings: fast),
    .systemLibrary(name: "CMalloc"),
    .systemLibrary(name: "CTraceCmd", pkgConfig: "libtracecmd", providers: [.apt(["libtracecmd-dev"])]),
    .target(name: "TraceDat", dependencies: ["TraceParse", "CTraceCmd"]),
    .systemLibrary(
      name: "CTraceFS", pkgConfig: "libtracefs", providers: [.apt(["libtracefs-dev", "libtraceevent-dev"])]),
    .target(name: "TraceCapture", dependencies: ["TraceAnalysis", "CTraceFS"]),
    .target(name: "TraceAnalysis", dependencies: ["TraceParse"], swiftSettings: fast),
    .target(name: "TraceFold", dependencies: ["TraceParse"], swiftSettings: fast),
    .target(name: "TraceReport", dependencies: ["TraceAnalysis", "TraceFold"]),
    .executableTarget(
      name: "iou-analyze",
      dependencies: [
        "TraceParse", "TraceAnalysis", "TraceReport", "TraceFold", "TraceDat", "TraceCapture", "CMalloc",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      plugins: ["GitCommitPlugin"]),
    .plugin(name: "GitCommitPlugin", capability: .buildTool()),
    .testTarget(name: "TraceParseTests", dependencies: ["TraceParse", "CZlib", "CZstd"]),
    .testTarget(name: "TraceAnalysisTests", dependencies: ["TraceAnalysis"]),
    .testTarget(name: "TraceReportTests", dependencies: ["TraceReport", "TraceFold", "TraceDat"]),
    .testTarget(name: "TraceFoldTests", dependencies: ["TraceFold", "TraceDat"]),
    .testTarget(name: "TraceCaptureTests", dependencies: ["TraceCapture"]),
    .testTarget(name: "TraceDatTests", dependencies: ["TraceDat", "TraceAnalysis"]),
    .testTarget(name: "IOUAnalyzeCLITests", dependencies: ["iou-analyze"]),
  ],
  swiftLanguageModes: [.v6]
)

// Fuzzing (`make fuzz`): libFuzzer targets, opt-in so that normal builds and tests never see them.
// Built by Fuzz/build.sh (IOU_FUZZ=1, its own scratch path, coverage instrumentation).
if Context.environment["IOU_FUZZ"] != nil {
  let support: Target.Dependency = "FuzzSupport"
  package.targets.append(
    .target(
      name: "FuzzSupport", dependencies: ["TraceParse", "TraceAnalysis", "TraceReport", "TraceFold", "TraceDat"],
      path: "Fuzz/Support"))
  for name in ["ftrace", "perf-script", "proc-stack", "dmesg", "report", "hist", "trace-dat-stream", "collapse"] {
    package.targets.append(
      .executableTarget(
        name: "fuzz-\(name)", dependencies: [support], path: "Fuzz/Targets/\(name)"))
  }
}
