import DenseRecordsCore
public import DenseRecordsArena
public import DenseRecordsColumnar
import InternalDenseRecordsUtilities

/// Why a snapshot could not be written, appended to, opened or trusted.
///
/// Every case that concerns the file's contents names the byte offset where the
/// problem was found, so that a damaged file can be inspected with `xxd -s`.
/// Reading a snapshot never traps on bad bytes: each defect below is reported
/// as one of these cases instead.
public enum SnapshotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file has no bytes at all.
    case emptyFile

    /// The file ends at `fileSize`, before the `requiredSize` bytes its
    /// header region or its committed blocks need.
    case truncated(fileSize: Int, requiredSize: Int)

    /// The eight bytes at `offset` are not the snapshot magic; `found` holds
    /// them as a little-endian integer.
    case badMagic(offset: Int, found: UInt64)

    /// The header at `offset` has a format version newer than this reader, or zero.
    case unsupportedVersion(offset: Int, version: UInt16, newestSupported: UInt16)

    /// The header slot at `offset` does not match its CRC32C.
    case headerChecksumMismatch(offset: Int, stored: UInt32, computed: UInt32)

    /// A header field at `offset` holds a value this reader cannot accept.
    case invalidHeader(offset: Int, reason: String)

    /// The header's record count disagrees with the committed file size it
    /// records: `recordCount` records in blocks of `recordsPerBlock` need
    /// `describedSize` bytes, but the header says the file has `headerFileSize`.
    case recordCountMismatch(offset: Int, recordCount: Int, describedSize: Int, headerFileSize: Int)

    /// Block `block`, whose trailer starts at `offset`, does not match its CRC32C.
    case blockChecksumMismatch(block: Int, offset: Int, stored: UInt32, computed: UInt32)

    /// Block `block`'s trailer at `offset` matches its checksum but names the
    /// wrong block index or record count: the block was copied from elsewhere.
    case misplacedBlock(block: Int, offset: Int, reason: String)

    /// Compressed columnar block `block`, at file offset `offset`, does not
    /// match the CRC32C its directory entry holds, is malformed (a column
    /// section out of bounds), or disagrees with its directory entry; `offset`
    /// is where the defect was found and `reason` says what it is.
    case compressedBlockDamaged(block: Int, offset: Int, reason: String)

    /// The records could not be compressed, or a compressed store refused them.
    case columnar(ColumnarError)

    /// The snapshot at `path` holds compressed columnar blocks, which are
    /// sealed: appends are refused. Load it, add the records, and save it again.
    case appendToCompressedSnapshot(path: String)

    /// The block directory of segment `segment` (version 2) is damaged or
    /// disagrees with the segment table or with its blocks, at `offset`.
    case invalidBlockDirectory(segment: Int, offset: Int, reason: String)

    /// The newest valid header slot describes generation `olderGeneration`, but
    /// the other slot, at `slotOffset`, is damaged, and a block that matches its
    /// CRC32C continues the snapshot past generation `olderGeneration`'s end
    /// (its trailer is at `blockOffset`).
    ///
    /// That block is evidence that generation `newerGeneration` was committed
    /// and its header slot damaged afterwards: an interrupted append never
    /// leaves checksummed blocks behind a damaged slot (it marks the slot
    /// uncommitted first; docs/snapshot-format.md, "Appending"). Falling back
    /// to `olderGeneration` would silently drop committed records, so every
    /// reader refuses, and ``ChunkedRecords/appendSnapshot(to:)`` does not cut
    /// the blocks. Restore the file from a copy, or repair the slot by hand.
    case damagedNewerHeader(slotOffset: Int, olderGeneration: UInt64, newerGeneration: UInt64, blockOffset: Int)

    /// Reading the snapshot would need `requestedBytes` of memory for `purpose`,
    /// more than the machine's `physicalBytes` of physical memory (or a size
    /// that overflows `Int`, reported as `Int.max`).
    ///
    /// Checked before anything is allocated or mapped, so a header that claims
    /// an impossible size (a sparse file, say) is refused instead of exhausting memory.
    case exceedsPhysicalMemory(purpose: String, requestedBytes: Int, physicalBytes: Int)

    /// Appending would need more than `limit` segments in one header.
    ///
    /// Rewrite the snapshot (load it and save it again) to merge its segments into one.
    case tooManySegments(limit: Int)

    /// The operating system refused `operation` on `path` with `errno`.
    case system(operation: String, path: String, errno: Int32)

    /// The records could not be loaded into a ``RecordArena``.
    case arena(RecordArenaError)

    /// A description that says what is wrong and where.
    public var description: String {
        switch self {
        case .emptyFile:
            return "not a snapshot: the file is empty (0 bytes)"
        case let .truncated(fileSize, requiredSize):
            return "snapshot truncated: the file ends at offset \(fileSize), but its header describes \(requiredSize) bytes"
        case let .badMagic(offset, found):
            return "not a snapshot: wrong magic 0x\(String(found, radix: 16)) at offset \(offset)"
        case let .unsupportedVersion(offset, version, newest):
            return "unsupported snapshot format version \(version) at offset \(offset) (this reader knows 1...\(newest))"
        case let .headerChecksumMismatch(offset, stored, computed):
            return "snapshot header at offset \(offset) is damaged: CRC32C stored 0x\(hex(stored)), computed 0x\(hex(computed))"
        case let .invalidHeader(offset, reason):
            return "invalid snapshot header field at offset \(offset): \(reason)"
        case let .recordCountMismatch(offset, count, described, headerFileSize):
            return "snapshot record count \(count) at offset \(offset) needs a file of \(described) bytes, but the header records \(headerFileSize)"
        case let .blockChecksumMismatch(block, offset, stored, computed):
            return "snapshot block \(block) is damaged: CRC32C in its trailer at offset \(offset) is 0x\(hex(stored)), computed 0x\(hex(computed))"
        case let .misplacedBlock(block, offset, reason):
            return "snapshot block \(block) (trailer at offset \(offset)) is misplaced: \(reason)"
        case let .compressedBlockDamaged(block, offset, reason):
            return "snapshot compressed block \(block) at offset \(offset) is damaged: \(reason)"
        case let .columnar(error):
            return "cannot compress the records: \(error)"
        case let .appendToCompressedSnapshot(path):
            return "cannot append to \(String(abbreviatingPath: path)): its records are compressed columnar blocks, which are sealed; load it and save it again with the new records"
        case let .invalidBlockDirectory(segment, offset, reason):
            return "snapshot segment \(segment)'s block directory is invalid at offset \(offset): \(reason)"
        case let .damagedNewerHeader(slotOffset, older, newer, blockOffset):
            return "snapshot header slot at offset \(slotOffset) is damaged, but the block whose trailer is at offset \(blockOffset) matches its CRC32C and continues the snapshot past generation \(older)'s end: generation \(newer) was committed, so falling back to generation \(older) would drop its records"
        case let .exceedsPhysicalMemory(purpose, requested, physical):
            return requested == Int.max
                ? "\(purpose) would need a number of bytes that overflows Int (the machine has \(physical) bytes of physical memory)"
                : "\(purpose) would need \(requested) bytes, more than the machine's \(physical) bytes of physical memory"
        case let .tooManySegments(limit):
            return "cannot append: the snapshot already has its limit of \(limit) segments; load and save it again to merge them"
        case let .system(operation, path, code):
            return "\(operation) failed for \(String(abbreviatingPath: path)): \(Errno(rawValue: code)) (errno \(code))"
        case let .arena(error):
            return "cannot load the snapshot into an arena: \(error)"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}
