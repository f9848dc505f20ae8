// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for every parser of outside bytes. Build and run them with
// `make fuzz-check` (CI: corpus replay plus a short run) or `make fuzz` (long runs);
// both build with `--sanitize=fuzzer --sanitize=address`.
let package = Package(
    name: "DenseRecordsFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "DenseRecords", path: "..")
    ],
    targets: [
        .executableTarget(name: "FuzzCSVLine", dependencies: [.product(name: "DenseRecordsPipeline", package: "DenseRecords")]),
        .executableTarget(name: "FuzzCSVSource", dependencies: [
            .product(name: "DenseRecords", package: "DenseRecords"),
            .product(name: "DenseRecordsPipeline", package: "DenseRecords"),
        ]),
        .executableTarget(name: "FuzzSnapshot", dependencies: [.product(name: "DenseRecordsSnapshot", package: "DenseRecords")]),
    ],
    swiftLanguageModes: [.v6]
)
