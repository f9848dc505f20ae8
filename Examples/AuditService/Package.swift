// swift-tools-version:6.1
import PackageDescription

// A service that audits its metrics and stores no records: it takes the audit
// product alone, so it links no jemalloc and keeps the system malloc.
let package = Package(
    name: "AuditService",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "audit-service", targets: ["AuditService"])
    ],
    dependencies: [
        .package(name: "DenseRecords", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "AuditService",
            dependencies: [.product(name: "DenseRecordsAudit", package: "DenseRecords")]
        )
    ],
    swiftLanguageModes: [.v6]
)
