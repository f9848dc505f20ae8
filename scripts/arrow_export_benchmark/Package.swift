// swift-tools-version:6.1
import PackageDescription

// The Arrow export benchmark: a package of its own so that it depends on
// DenseRecords by path and adds no target to the main package.
let package = Package(
    name: "ArrowExportBenchmark",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "arrow-export-benchmark", targets: ["ArrowExportBenchmark"])
    ],
    dependencies: [
        .package(name: "DenseRecords", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "ArrowExportBenchmark",
            dependencies: [.product(name: "DenseRecords", package: "DenseRecords")]
        )
    ],
    swiftLanguageModes: [.v6]
)
