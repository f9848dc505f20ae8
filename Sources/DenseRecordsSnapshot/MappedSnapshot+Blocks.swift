public import DenseRecordsCore
import DenseRecordsColumnar
import InternalDenseRecordsUtilities
import CDenseRecords

extension MappedSnapshot: RecordBlockStore {
    /// The number of blocks.
    public var blockCount: Int { header.blockCount }

    /// ``RecordOrdering/sensorThenTime`` for a compressed snapshot whose
    /// blocks show that order (every one this library writes), else
    /// ``RecordOrdering/unordered``: packed rows keep their input order.
    public var recordOrdering: RecordOrdering { compressed?.recordOrdering ?? .unordered }

    /// The zone map of block `block`.
    ///
    /// A version 2 file's zone maps come from its block directories, checked
    /// when the snapshot was opened, so testing them touches no block. A
    /// version 1 file has none: the block's map is computed from its records
    /// the first time it is asked for, and kept.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Returns: The ranges of the block's records.
    /// - Complexity: O(1) for version 2 (or once computed); O(*r*) in the
    ///   block's records the first time for version 1.
    public func zoneMap(ofBlock block: Int) -> ZoneMap {
        blockInfo(block).zoneMap
    }

    /// What the snapshot knows about block `block` without reading it: its
    /// kind, place, size and zone map.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Returns: The block's description.
    /// - Complexity: As ``zoneMap(ofBlock:)``.
    public func blockInfo(_ block: Int) -> SnapshotBlockInfo {
        require(block >= 0 && block < header.blockCount, "MappedSnapshot: block \(block) out of range 0..<\(header.blockCount)")
        if SnapshotFormat.hasDirectory(header.formatVersion) {
            return SnapshotFormat.decodeDirectoryEntry(base + header.directoryEntryOffset(ofBlock: block), index: block)
        }
        let location = header.block(block)
        let map: ZoneMap
        if let cached = computedZoneMaps.withLock({ $0[block] }) {
            map = cached
        } else {
            let computed = ZoneMap(summarizing: buffer(ofBlock: block))
            computedZoneMaps.withLock { $0[block] = computed }
            map = computed
        }
        return SnapshotBlockInfo(
            index: block, kind: .packedRows, fileOffset: location.fileOffset,
            byteCount: location.recordCount * SnapshotFormat.recordSize + SnapshotFormat.trailerSize, zoneMap: map)
    }

    /// Calls `body` with block `block`'s records as packed rows, without checking its CRC32C;
    /// or, for a compressed snapshot, with the columns asked for, decoded from
    /// the mapped block (as packed rows when every column is asked for, which
    /// readers that copy whole records take as they come).
    ///
    /// Call ``verify()`` or ``verifyBlock(_:)`` first when the file's health is
    /// unknown (a compressed snapshot's blocks were all checked at open).
    ///
    /// - Parameters:
    ///   - block: A block index in `0..<blockCount`; any other traps.
    ///   - columns: The columns to decode from a compressed block; ignored for
    ///     a packed-rows block, which is rows.
    ///   - body: Reads the block. The buffer is valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    /// - Complexity: O(1) plus `body`.
    public func withBlock<Result, E: Error>(
        _ block: Int, columns: RecordColumnSet, _ body: (RecordBlock) throws(E) -> Result
    ) throws(E) -> Result {
        require(block >= 0 && block < header.blockCount, "MappedSnapshot: block \(block) out of range 0..<\(header.blockCount)")
        if let compressed {
            // Every column asked for: the reader copies whole records, so hand it rows.
            if columns.isSuperset(of: .all) {
                return try compressed.withRows(ofBlock: block) { (rows) throws(E) in try body(.rows(rows)) }
            }
            return try compressed.withBlock(block, columns: columns, body)
        }
        return try body(.rows(buffer(ofBlock: block)))
    }
}
