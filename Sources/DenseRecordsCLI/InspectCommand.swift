import ArgumentParser
import DenseRecords
import Foundation

/// `dense-records inspect FILE.drsnap [--verify]`: what a snapshot says about itself.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a snapshot's header, generations, blocks and zone-map ranges, and with --verify its checksum result.",
        discussion: """
            Zone maps come from the file's block directories (format 2) or are computed from the records \
            (format 1). Exits with 0 when the snapshot opens (and, with --verify, every block matches its \
            CRC32C and zone map), 1 when it cannot be read or fails verification.
            """
    )

    @Argument(help: "A snapshot file (.drsnap).")
    var file: String

    @Flag(help: "Check every block's CRC32C (and stored zone map) and print the result.")
    var verify = false

    @Flag(help: "Print only the header and the whole snapshot's ranges, not each block.")
    var summary = false

    func run() throws {
        let inspection: SnapshotInspection
        do {
            inspection = try SnapshotInspection(contentsOf: file, verify: verify)
        } catch {
            printError("dense-records inspect: \(file): \(error)")
            throw ExitCode(1)
        }
        for line in Self.lines(of: inspection, blocks: !summary) { print(line) }
        if let error = inspection.verificationError {
            printError("dense-records inspect: \(file): \(error)")
            throw ExitCode(1)
        }
    }

    /// The report, line by line.
    static func lines(of inspection: SnapshotInspection, blocks: Bool) -> [String] {
        let header = inspection.header
        var lines = [
            "snapshot \(inspection.path)",
            "  format version     \(header.formatVersion)",
            "  generation         \(header.generation) (header slot at offset \(header.slotOffset))",
            "  records            \(header.recordCount)",
            header.isCompressed
                ? "  blocks             \(header.blockCount) compressed columnar blocks (at most \(header.recordsPerBlock) records each)"
                : "  blocks             \(header.blockCount) (\(header.recordsPerBlock) records per full block)",
            "  file size          \(header.fileSize) bytes",
            "  created            \(timestamp(header.creationTimeNanoseconds))",
            "  modified           \(timestamp(header.modificationTimeNanoseconds))",
            "  zone maps          \(inspection.zoneMapsAreStored ? "stored in block directories" : "computed from the records (format 1)")",
        ]
        lines.append("  ranges             \(ranges(inspection.zoneMap))")
        if let statistics = inspection.columnarStatistics {
            let blockBytes = statistics.sensorIDBytes + statistics.timestampBytes + statistics.valueBytes
                + statistics.unitBytes + statistics.blockHeaderBytes
            let perRecord = statistics.recordCount == 0 ? 0 : Double(blockBytes) / Double(statistics.recordCount)
            lines.append("  compression        columnar, \(blockBytes) bytes of blocks, \(String(format: "%.3f", perRecord)) bytes per record")
            for (name, bytes, encodings) in [
                ("sensor_id", statistics.sensorIDBytes, statistics.sensorIDEncodings),
                ("timestamp", statistics.timestampBytes, statistics.timestampEncodings),
                ("value", statistics.valueBytes, statistics.valueEncodings),
                ("unit", statistics.unitBytes, statistics.unitEncodings),
            ] {
                lines.append("    column \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(bytes) bytes, \(encodingCounts(encodings))")
            }
            lines.append("    block headers     \(statistics.blockHeaderBytes) bytes")
        }
        lines.append("generations (segments): \(header.segments.count)")
        for (index, segment) in header.segments.enumerated() {
            lines.append("  segment \(index): offset \(segment.fileOffset), records \(segment.firstRecord)..<\(segment.firstRecord + segment.recordCount), blocks from \(segment.firstBlock)")
        }
        if blocks {
            lines.append("blocks:")
            for block in inspection.blocks {
                lines.append("  block \(block.index): \(block.kind), offset \(block.fileOffset), \(block.byteCount) bytes, \(ranges(block.zoneMap))")
                if block.index < inspection.columnarBlocks.count {
                    let columns = inspection.columnarBlocks[block.index]
                    lines.append(
                        "    columns: sensor_id \(columns.encodings.sensorID) \(columns.sensorIDBytes) B, "
                            + "timestamp \(columns.encodings.timestamp) \(columns.timestampBytes) B, "
                            + "value \(columns.encodings.value) \(columns.valueBytes) B, "
                            + "unit \(columns.encodings.unit) \(columns.unitBytes) B, header \(columns.headerBytes) B")
                }
            }
        }
        if inspection.checksumsWereChecked {
            lines.append("verify: " + (inspection.verificationError.map { "FAILED: \($0)" } ?? "ok, every block matches its CRC32C"))
        }
        return lines
    }

    /// `delta in 3 blocks, frame-of-reference in 1`: how many blocks use each encoding, most first.
    static func encodingCounts(_ counts: [ColumnEncoding: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key) in \($0.value) block\($0.value == 1 ? "" : "s")" }
            .joined(separator: ", ")
    }

    /// `n records, sensors a...b, time t0...t1, values v0...v1, NaN k, units u0...u1`.
    static func ranges(_ map: ZoneMap) -> String {
        guard !map.isEmpty else { return "no records" }
        let values = map.nanCount == map.recordCount ? "none but NaN" : "\(map.minValue)...\(map.maxValue)"
        return "\(map.recordCount) records, sensors \(map.minSensorID)...\(map.maxSensorID), "
            + "time \(map.minTimestamp)...\(map.maxTimestamp), values \(values), NaN \(map.nanCount), "
            + "units \(map.minUnitCode)...\(map.maxUnitCode)"
    }

    /// Unix nanoseconds as an ISO 8601 UTC time, with the raw figure.
    static func timestamp(_ nanoseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(nanoseconds) / 1e9)
        return "\(date.ISO8601Format()) (\(nanoseconds) ns)"
    }
}
