#!/bin/sh
# Snapshot benchmark: save 10M records vs dd on the same disk, open, verify, load,
# and CRC32C vs XXH64. Builds scripts/snapshot_benchmark.swift in release mode as
# a throwaway package that depends on this checkout by path, then runs it.
#
#   scripts/snapshot_benchmark.sh [folder-on-the-disk-to-test] [records] [rounds]
#
# Defaults: the system temporary folder, 10,000,000 records, 5 rounds.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK="$ROOT/.build-snapshot-bench"
mkdir -p "$WORK/Sources/SnapshotBenchmark"
cat > "$WORK/Package.swift" <<SWIFT
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "SnapshotBenchmark",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "DenseRecords", path: "$ROOT")],
    targets: [.executableTarget(
        name: "SnapshotBenchmark",
        dependencies: [.product(name: "DenseRecords", package: "DenseRecords")])],
    swiftLanguageModes: [.v6]
)
SWIFT
cp "$ROOT/scripts/snapshot_benchmark.swift" "$WORK/Sources/SnapshotBenchmark/main.swift"
swift build -c release --package-path "$WORK" -Xswiftc -warnings-as-errors >&2
FOLDER=${1:-${TMPDIR:-/tmp}}
"$WORK/.build/release/SnapshotBenchmark" "$FOLDER" "${2:-10000000}" "${3:-5}"
