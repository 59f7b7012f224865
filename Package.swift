// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "iou-analyze",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "iou-analyze", targets: ["iou-analyze"]),
    .library(name: "TraceParse", targets: ["TraceParse"]),
    .library(name: "TraceAnalysis", targets: ["TraceAnalysis"]),
    .library(name: "TraceReport", targets: ["TraceReport"]),
  ],
  targets: [
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
    .target(name: "TraceParse", dependencies: ["CZlib", "CZstd"]),
    .target(name: "TraceAnalysis", dependencies: ["TraceParse"]),
    .target(name: "TraceReport", dependencies: ["TraceAnalysis"]),
    .executableTarget(
      name: "iou-analyze", dependencies: ["TraceParse", "TraceAnalysis", "TraceReport"]),
    .testTarget(name: "TraceParseTests", dependencies: ["TraceParse", "CZlib", "CZstd"]),
    .testTarget(name: "TraceAnalysisTests", dependencies: ["TraceAnalysis"]),
    .testTarget(name: "TraceReportTests", dependencies: ["TraceReport"]),
    .testTarget(name: "IOUAnalyzeCLITests", dependencies: ["iou-analyze"]),
  ],
  swiftLanguageModes: [.v6]
)
