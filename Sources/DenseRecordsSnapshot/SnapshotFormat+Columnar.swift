import DenseRecordsCore
import DenseRecordsColumnar
import InternalDenseRecordsUtilities
internal import CDenseRecordsShims

// Compressed columnar snapshots (docs/snapshot-format.md, "Compressed columnar
// blocks"): a version 2 file whose header carries the `columnar` flag holds one
// segment of columnar blocks, back to back from the data offset, each 8-byte
// aligned, with no trailers, then the segment's block directory. Each entry is
// of kind 1 and holds the block's CRC32C at entry byte 68 (reserved, zero, for
// packed rows).

/// The sizes a columnar block can take, as the snapshot format checks them.
enum ColumnarBlockLimits {
    /// The smallest block: its header alone.
    static let smallestBlockBytes = CompressedRecords.blockHeaderByteCount
    /// The most records one block holds.
    static let maximumRecords = ColumnarOptions.maximumRecordsPerBlock
    /// The directory entry byte that holds a columnar block's CRC32C.
    static let checksumField = 68
}

/// Keeps nothing alive: the owner of blocks that are only validated, never kept.
final class ValidationOwner: Sendable {}

extension SnapshotFormat {
    /// Checks a compressed snapshot's directory entries: each of kind
    /// ``SnapshotBlockKind/columnar``, the blocks tiling the segment from its
    /// offset to the directory, 8-byte aligned, their record counts adding up to
    /// the segment's, with consistent zone maps. The directory's CRC32C and
    /// trailer have been checked by the caller.
    static func verifyColumnarEntries(ofSegment segment: Int, of header: SnapshotHeader, base: UnsafeRawPointer) throws(SnapshotError) {
        let entry = header.segments[segment]
        let start = header.directoryOffset(ofSegment: segment)
        var expected = entry.fileOffset
        var records = 0
        for local in 0..<header.blockCount {
            let offset = start + local * directoryEntrySize
            let info = decodeDirectoryEntry(base + offset, index: entry.firstBlock + local)
            let map = info.zoneMap
            let problem: String? =
                if info.kind != .columnar { "block \(info.index) has \(info.kind) in a compressed snapshot, which takes only columnar blocks" }
                else if base.load(fromByteOffset: offset + 3, as: UInt8.self) != 0
                    || (base + offset).loadUnaligned(fromByteOffset: 72, as: UInt64.self) != 0
                { "block \(info.index)'s reserved bytes are not zero" }
                else if info.fileOffset != expected || info.byteCount < ColumnarBlockLimits.smallestBlockBytes
                    || info.byteCount & 7 != 0 || info.byteCount > start - expected
                { "block \(info.index) is described at offset \(info.fileOffset), \(info.byteCount) bytes; it must start at \(expected), be a multiple of 8 bytes of at least \(ColumnarBlockLimits.smallestBlockBytes), and end by the directory at \(start)" }
                else if map.recordCount > ColumnarBlockLimits.maximumRecords || map.recordCount > entry.recordCount - records
                { "block \(info.index) claims \(map.recordCount) records; at most \(Swift.min(ColumnarBlockLimits.maximumRecords, entry.recordCount - records)) remain" }
                else if !isConsistent(map) { "block \(info.index)'s zone map has ranges no records could have" }
                else { nil }
            if let problem { throw .invalidBlockDirectory(segment: segment, offset: offset, reason: problem) }
            expected += info.byteCount
            records += map.recordCount
        }
        guard expected == start, records == entry.recordCount else {
            throw .invalidBlockDirectory(
                segment: segment, offset: start,
                reason: "the blocks end at offset \(expected) with \(records) records; the directory starts at \(start) and the segment holds \(entry.recordCount)")
        }
    }

    /// Checks columnar block `block`'s CRC32C against the one its directory entry holds.
    ///
    /// - Throws: ``SnapshotError/compressedBlockDamaged(block:offset:reason:)`` naming the block.
    static func verifyColumnarBlock(_ block: Int, of header: SnapshotHeader, base: UnsafeRawPointer) throws(SnapshotError) {
        let entryOffset = header.directoryEntryOffset(ofBlock: block)
        let info = decodeDirectoryEntry(base + entryOffset, index: block)
        let stored = UInt32(littleEndian: (base + entryOffset).loadUnaligned(fromByteOffset: ColumnarBlockLimits.checksumField, as: UInt32.self))
        let computed = dr_crc32c(0, base + info.fileOffset, info.byteCount)
        #if !SNAPSHOT_FUZZ_IGNORE_CHECKSUMS
        guard stored == computed else {
            throw .compressedBlockDamaged(
                block: block, offset: info.fileOffset,
                reason: "CRC32C \(hex(stored)) in its directory entry at offset \(entryOffset), \(hex(computed)) computed over its \(info.byteCount) bytes")
        }
        #endif
    }

    /// Opens a compressed snapshot's blocks in place as a ``CompressedRecords``
    /// store, after checking each block's structure (column sections in bounds)
    /// and that its own zone map is the directory's.
    ///
    /// - Parameters:
    ///   - header: A compressed header whose directory has been checked.
    ///   - base: The file's first byte, mapped or read.
    ///   - owner: What keeps the bytes alive for as long as the store lives.
    /// - Returns: The store; `nil` for a snapshot of no records.
    /// - Throws: ``SnapshotError/compressedBlockDamaged(block:offset:reason:)``
    ///   naming the first malformed block and the file offset of its defect.
    static func openColumnarBlocks(
        of header: SnapshotHeader, base: UnsafeRawPointer, owner: any AnyObject & Sendable
    ) throws(SnapshotError) -> CompressedRecords? {
        guard header.isCompressed, let segment = header.segments.first, header.blockCount > 0 else { return nil }
        let start = segment.fileOffset
        let directory = header.directoryOffset(ofSegment: 0)
        var offsets = [0]
        offsets.reserveCapacity(header.blockCount + 1)
        for block in 0..<header.blockCount {
            let info = decodeDirectoryEntry(base + header.directoryEntryOffset(ofBlock: block), index: block)
            offsets.append(info.fileOffset + info.byteCount - start)
        }
        let store: CompressedRecords
        do {
            store = try CompressedRecords(
                blocks: UnsafeRawBufferPointer(start: base + start, count: directory - start), blockOffsets: offsets, owner: owner)
        } catch {
            switch error {
            case let .malformedBlock(block, byteOffset, reason):
                throw .compressedBlockDamaged(block: block, offset: start + offsets[Swift.min(block, offsets.count - 1)] + byteOffset, reason: reason)
            default:
                throw .columnar(error)
            }
        }
        for block in 0..<header.blockCount {
            let entryOffset = header.directoryEntryOffset(ofBlock: block)
            guard store.zoneMap(ofBlock: block) == decodeDirectoryEntry(base + entryOffset, index: block).zoneMap else {
                throw .compressedBlockDamaged(
                    block: block, offset: start + offsets[block],
                    reason: "its zone map differs from the one in its directory entry at offset \(entryOffset)")
            }
        }
        try checkDecodedBlocks(of: store, start: start, offsets: offsets)
        return store
    }

    /// Decodes every block once and checks what queries trust without reading records: that
    /// each block's zone map is its records' and, for a store that states sensor-then-time
    /// order (which lookups binary-search), that the records are in that order.
    ///
    /// A CRC32C guards against damage, not against a file written to mislead; this check
    /// makes a crafted zone map or order flag an error at open instead of wrong answers.
    private static func checkDecodedBlocks(of store: CompressedRecords, start: Int, offsets: [Int]) throws(SnapshotError) {
        let ordered = store.recordOrdering == .sensorThenTime
        var previous: (sensor: UInt32, time: Int64)?
        for block in 0..<store.blockCount {
            var actual = ZoneMap()
            var inOrder = true
            store.withBlock(block, columns: .all) { (records: RecordBlock) in
                func visit(_ record: sensor_record_t) {
                    actual.include(record)
                    if ordered, let last = previous,
                        record.sensor_id < last.sensor || (record.sensor_id == last.sensor && record.timestamp_ns < last.time) {
                        inOrder = false
                    }
                    previous = (record.sensor_id, record.timestamp_ns)
                }
                switch records {
                case .rows(let rows):
                    for record in rows { visit(record) }
                case .columns(let columns):
                    guard let sensors = columns.sensorIDs, let times = columns.timestamps, let values = columns.values,
                        let units = columns.unitCodes
                    else { return }
                    for index in 0..<columns.count {
                        visit(sensor_record_t(sensor_id: sensors[index], timestamp_ns: times[index], value: values[index], unit: units[index]))
                    }
                }
            }
            guard actual == store.zoneMap(ofBlock: block) else {
                throw .compressedBlockDamaged(
                    block: block, offset: start + offsets[block], reason: "its zone map does not match its decoded records")
            }
            guard inOrder else {
                throw .compressedBlockDamaged(
                    block: block, offset: start + offsets[block],
                    reason: "its records are not in the sensor-then-time order its store states")
            }
        }
    }
}
