// swift-tools-version:6.1
import PackageDescription

// A small service that depends on DenseRecords by path, as another package would by URL.
// It needs records in memory and nothing else, so it takes the arena product alone:
// its build compiles neither swift-log nor swift-metrics nor the pipeline.
let package = Package(
    name: "SensorService",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sensor-service", targets: ["SensorService"])
    ],
    dependencies: [
        .package(name: "DenseRecords", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "SensorService",
            dependencies: [.product(name: "DenseRecordsArena", package: "DenseRecords")]
        )
    ],
    swiftLanguageModes: [.v6]
)
