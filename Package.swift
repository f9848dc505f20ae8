// swift-tools-version:6.1
import PackageDescription

// The layers, lowest first. Arrows point down only; `MemberImportVisibility` and
// `--explicit-target-dependency-import-check error` (every `make test` build) enforce it.
//
//   DenseRecords            umbrella: @_exported imports of the Swift modules, nothing else
//   DenseRecordsPipeline    roles, registry, spec, runner, built-in components (Arrow sink too)
//   DenseRecordsSnapshot    the .drsnap format, mmap views
//   DenseRecordsArrow       the Arrow IPC writer
//   DenseRecordsParquet     the Parquet writer (zstd through CZstd)
//   DenseRecordsQuery       filters, aggregates, sketches and grouping over any RecordBlockStore
//   DenseRecordsColumnar    compressed, columnar sealed storage
//   DenseRecordsArena       RecordArena, sealed and merged views, the jemalloc arena pool
//   DenseRecordsAudit       @Audited, ChangeLog, swift-log / swift-metrics bridges (no jemalloc)
//   DenseRecordsCore        SensorRecord, SensorUnit, ChunkedRecords, RecordBlockStore, ZoneMap
//   CDenseRecords (the record layout)  CDenseRecordsShims (CRC32C, unit codes)
//   CDenseRecordsJemalloc (dr_ shims) → CJemalloc (system library, apt libjemalloc-dev)
//   CZstd (system library, apt libzstd-dev)

/// Settings every Swift target shares: Swift 6 mode comes from `swiftLanguageModes`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The library products, one per Swift module, plus the umbrella and the test kit.
let libraryModules = [
    "DenseRecordsCore", "DenseRecordsArena", "DenseRecordsAudit", "DenseRecordsSnapshot",
    "DenseRecordsArrow", "DenseRecordsParquet", "DenseRecordsQuery", "DenseRecordsColumnar",
    "DenseRecordsPipeline", "DenseRecords", "DenseRecordsTestKit",
]

let package = Package(
    name: "DenseRecords",
    platforms: [.macOS(.v15)],
    products: libraryModules.map { .library(name: $0, targets: [$0]) } + [
        .executable(name: "memory-report", targets: ["MemoryReport"]),
        .executable(name: "dense-records", targets: ["DenseRecordsCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Tests only: the bridge's names and kinds checked in a real exporter's text.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // MARK: C

        // The packed record type and its layout asserts. No jemalloc include.
        .target(name: "CDenseRecords"),
        // CRC32C and the unit codes: C the Swift layers import internally.
        .target(name: "CDenseRecordsShims"),
        // Debian's jemalloc, unprefixed: linking it makes jemalloc the process-wide malloc.
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),
        // Debian's zstd, for Parquet column chunks.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // The dr_ arena, statistics and fault-injection shims over jemalloc.
        .target(
            name: "CDenseRecordsJemalloc",
            dependencies: ["CJemalloc"],
            cSettings: [.define("_GNU_SOURCE")]
        ),

        // MARK: Swift

        // Hidden utilities shared by the layers through `package` access: the system-call
        // layer, the sanitizer-visible mutex, the seeded generator. Not a product.
        .target(name: "InternalDenseRecordsUtilities", swiftSettings: swiftSettings),
        .target(
            name: "DenseRecordsCore",
            dependencies: ["CDenseRecords", "CDenseRecordsShims", "InternalDenseRecordsUtilities"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecordsArena",
            dependencies: ["DenseRecordsCore", "CDenseRecords", "CDenseRecordsJemalloc", "InternalDenseRecordsUtilities"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecordsAudit",
            dependencies: [
                "InternalDenseRecordsUtilities",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecordsQuery",
            dependencies: ["DenseRecordsCore", "CDenseRecords", "CDenseRecordsShims", "InternalDenseRecordsUtilities"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecordsColumnar",
            dependencies: ["DenseRecordsCore", "CDenseRecords", "CDenseRecordsShims", "InternalDenseRecordsUtilities"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecordsSnapshot",
            dependencies: [
                "DenseRecordsCore", "DenseRecordsArena", "DenseRecordsColumnar", "CDenseRecords",
                "CDenseRecordsShims", "InternalDenseRecordsUtilities",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecordsArrow",
            dependencies: ["DenseRecordsCore", "CDenseRecords", "CDenseRecordsShims", "InternalDenseRecordsUtilities"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecordsParquet",
            dependencies: ["DenseRecordsCore", "CDenseRecords", "CZstd", "InternalDenseRecordsUtilities"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecordsPipeline",
            dependencies: [
                "DenseRecordsCore", "DenseRecordsArena", "DenseRecordsAudit", "DenseRecordsArrow",
                "DenseRecordsParquet", "DenseRecordsQuery", "DenseRecordsColumnar", "DenseRecordsSnapshot",
                "CDenseRecords", "CDenseRecordsShims", "InternalDenseRecordsUtilities",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecords",
            dependencies: [
                "DenseRecordsCore", "DenseRecordsArena", "DenseRecordsAudit", "DenseRecordsSnapshot",
                "DenseRecordsArrow", "DenseRecordsParquet", "DenseRecordsQuery", "DenseRecordsColumnar",
                "DenseRecordsPipeline",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DenseRecordsTestKit",
            dependencies: ["DenseRecordsCore", "DenseRecordsPipeline", "InternalDenseRecordsUtilities"],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables

        .executableTarget(
            name: "MemoryReport",
            dependencies: [
                "DenseRecords",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DenseRecordsCLI",
            dependencies: [
                "DenseRecords",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests: one target per module, and the helpers they share

        .target(
            name: "DenseRecordsTestSupport",
            dependencies: ["DenseRecordsCore", "InternalDenseRecordsUtilities"],
            path: "Tests/DenseRecordsTestSupport",
            swiftSettings: swiftSettings
        ),
        testTarget("DenseRecordsCoreTests", ["CDenseRecords", "CDenseRecordsShims"]),
        testTarget("DenseRecordsArenaTests", ["DenseRecordsArena"]),
        testTarget("DenseRecordsAuditTests", [
            "DenseRecordsArena",  // jemalloc counts the bytes a hot path allocates
            "DenseRecordsAudit",
            .product(name: "MetricsTestKit", package: "swift-metrics"),
            .product(name: "InMemoryLogging", package: "swift-log"),
        ]),
        testTarget("DenseRecordsSnapshotTests", [
            "DenseRecordsSnapshot", "DenseRecordsArena", "CDenseRecordsShims", "DenseRecordsColumnar", "DenseRecordsQuery",
        ]),
        testTarget("DenseRecordsArrowTests", ["DenseRecordsArrow", "DenseRecordsArena", "DenseRecordsSnapshot"]),
        testTarget("DenseRecordsQueryTests", [
            "DenseRecordsQuery", "DenseRecordsArena", "DenseRecordsSnapshot", "DenseRecordsColumnar",
            "DenseRecordsTestKit",
        ]),
        testTarget("DenseRecordsColumnarTests", ["DenseRecordsColumnar", "DenseRecordsArena", "DenseRecordsQuery", "DenseRecordsTestKit"]),
        testTarget("DenseRecordsParquetTests", [
            "DenseRecordsParquet", "DenseRecordsArena", "DenseRecordsSnapshot", "DenseRecordsPipeline",
        ]),
        testTarget("DenseRecordsPipelineTests", [
            "DenseRecordsPipeline", "DenseRecordsArena", "DenseRecordsAudit", "DenseRecordsArrow",
            "DenseRecordsTestKit",
        ]),
        testTarget("DenseRecordsTestKitTests", ["DenseRecordsTestKit", "DenseRecordsPipeline"]),
        testTarget("DenseRecordsTests", [
            "DenseRecords", "DenseRecordsTestKit",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "MetricsTestKit", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

/// A test target for one module, with the shared test support.
func testTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(
        name: name,
        dependencies: ["DenseRecordsTestSupport", "DenseRecordsCore"] + dependencies,
        swiftSettings: swiftSettings
    )
}
