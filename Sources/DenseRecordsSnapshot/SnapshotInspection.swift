public import DenseRecordsCore
public import DenseRecordsColumnar
import InternalDenseRecordsUtilities

/// Everything a snapshot file says about itself: its header, segments,
/// blocks and their zone maps, and, when asked for, whether every checksum holds.
///
/// What `dense-records inspect` prints.
///
/// ```swift
/// let report = try SnapshotInspection(contentsOf: "readings.drsnap", verify: true)
/// print(report.header.recordCount, report.blocks.count, report.verificationError == nil)
/// ```
public struct SnapshotInspection: Sendable {
    /// The path the snapshot was read from.
    public let path: String
    /// The committed header.
    public let header: SnapshotHeader
    /// Every block, in order, with its kind, place and zone map.
    public let blocks: [SnapshotBlockInfo]
    /// The union of every block's zone map: the ranges of the whole snapshot.
    public let zoneMap: ZoneMap
    /// Whether the zone maps come from the file's block directories (version 2)
    /// or were computed from the records (version 1).
    public let zoneMapsAreStored: Bool
    /// Whether the blocks' checksums (and stored zone maps) were checked, whatever the result
    /// (see ``verificationError``).
    public let checksumsWereChecked: Bool
    /// The first defect the check found, or `nil` when it found none or did not run.
    public let verificationError: SnapshotError?
    /// For a compressed snapshot, each block's columns: their encodings and
    /// bytes, read from the block headers. Empty for packed rows.
    public let columnarBlocks: [ColumnarBlockDescription]
    /// For a compressed snapshot, where its bytes go by column, and how many
    /// blocks use each encoding; `nil` for packed rows.
    public let columnarStatistics: ColumnarStorageStatistics?

    /// Opens and describes the snapshot at `path`.
    ///
    /// - Parameters:
    ///   - path: A snapshot file.
    ///   - verify: Whether to check every block's CRC32C (and, in version 2,
    ///     that each stored zone map is its records'); the result is
    ///     ``verificationError``, so a damaged block is described, not thrown.
    /// - Throws: ``SnapshotError`` when the file cannot be opened as a
    ///   snapshot at all (its header or a block directory is damaged).
    /// - Complexity: O(*b*) in the blocks for a version 2 file without
    ///   `verify`; O(*n*) in the records for version 1 (its zone maps are
    ///   computed) or with `verify`.
    public init(contentsOf path: String, verify: Bool = false) throws(SnapshotError) {
        let snapshot = try MappedSnapshot(contentsOf: path)
        self.path = path
        header = snapshot.header
        var blocks: [SnapshotBlockInfo] = []
        blocks.reserveCapacity(snapshot.blockCount)
        var union = ZoneMap()
        for block in 0..<snapshot.blockCount {
            let info = snapshot.blockInfo(block)
            union.formUnion(info.zoneMap)
            blocks.append(info)
        }
        self.blocks = blocks
        zoneMap = union
        if let compressed = snapshot.compressedRecords {
            columnarBlocks = (0..<compressed.blockCount).map { compressed.blockDescription($0) }
            columnarStatistics = compressed.storageStatistics
        } else {
            columnarBlocks = []
            columnarStatistics = nil
        }
        zoneMapsAreStored = SnapshotFormat.hasDirectory(snapshot.header.formatVersion)
        checksumsWereChecked = verify
        if verify {
            do throws(SnapshotError) {
                try snapshot.verify()
                verificationError = nil
            } catch {
                verificationError = error
            }
        } else {
            verificationError = nil
        }
    }
}
