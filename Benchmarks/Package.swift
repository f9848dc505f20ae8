// swift-tools-version:6.1
// The benchmark suite for DenseRecords, a package of its own so that the library's
// users never resolve or build the benchmark harness.
//
//   cd Benchmarks && swift package --disable-sandbox benchmark
//
// See Benchmarks/README.md for the CI threshold check.
import PackageDescription

let package = Package(
    name: "DenseRecordsBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "DenseRecords", path: ".."),
        // MallocInterposer backs the malloc metrics on Swift 6.3; it adds a
        // 16-byte header to every malloc (see ArenaBenchmarks.swift).
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: ["ArenaBenchmarks", "AuditBenchmarks", "PipelineBenchmarks", "ColumnarBenchmarks"].map(benchmarkTarget),
    swiftLanguageModes: [.v6]
)

/// One benchmark executable: its sources are in Benchmarks/<name>, and the harness's plugin runs it.
func benchmarkTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "DenseRecords", package: "DenseRecords"),
            .product(name: "DenseRecordsTestKit", package: "DenseRecords"),
            .product(name: "Benchmark", package: "benchmark"),
        ],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
