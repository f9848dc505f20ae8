// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "DenseRecords",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DenseRecords", targets: ["DenseRecords"]),
        .executable(name: "memory-report", targets: ["MemoryReport"]),
        .executable(name: "dense-records", targets: ["DenseRecordsCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // The C layer: the packed record type and the jemalloc shims. Linking it makes
        // jemalloc (Debian's libjemalloc-dev, unprefixed) the process-wide malloc.
        .target(
            name: "CDenseRecords",
            path: "CSupport",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("jemalloc")]
        ),
        .target(
            name: "DenseRecords",
            dependencies: [
                "CDenseRecords",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "MemoryReport",
            dependencies: [
                "DenseRecords",
                "CDenseRecords",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "DenseRecordsCLI",
            dependencies: [
                "DenseRecords",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "DenseRecordsTests",
            dependencies: [
                "DenseRecords",
                "CDenseRecords",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
