public import DenseRecordsCore
import DenseRecordsColumnar
import InternalDenseRecordsUtilities
internal import CDenseRecordsShims
internal import CDenseRecords

// Version 2's block directory (docs/snapshot-format.md, "Version 2: block
// directories"): after the blocks of each segment, one 80-byte entry per block
// with its kind, place and zone map, closed by a 16-byte trailer with a CRC32C.

/// How a snapshot block stores its records: the directory entry's kind byte.
///
/// Kind 0, ``packedRows``: `recordCount` packed 21-byte rows followed by the
/// 16-byte block trailer. Kind 1, ``columnar``: one compressed columnar block
/// (`DenseRecordsColumnar`), its length the directory entry's byte count and
/// its CRC32C in the entry, in a snapshot whose header carries the `columnar`
/// flag. Other values are reserved for later kinds; a reader that does not
/// know a kind rejects the file with
/// ``SnapshotError/invalidBlockDirectory(segment:offset:reason:)``.
public struct SnapshotBlockKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The kind byte.
    public let rawValue: UInt8

    /// Creates a kind from its byte.
    ///
    /// - Parameter rawValue: The kind byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Packed 21-byte `sensor_record_t` rows: kind 0.
    public static let packedRows = SnapshotBlockKind(rawValue: 0)

    /// One compressed columnar block: kind 1.
    public static let columnar = SnapshotBlockKind(rawValue: 1)

    /// `packed-rows`, `columnar`, or `kind N` for another value.
    public var description: String {
        switch self {
        case .packedRows: "packed-rows"
        case .columnar: "columnar"
        default: "kind \(rawValue)"
        }
    }
}

/// What a snapshot knows about one block without reading its records.
public struct SnapshotBlockInfo: Sendable, Hashable {
    /// The block's index in the snapshot.
    public let index: Int
    /// How the block stores its records.
    public let kind: SnapshotBlockKind
    /// The file offset of the block's first byte.
    public let fileOffset: Int
    /// The block's bytes, its trailer included.
    public let byteCount: Int
    /// The block's zone map; its `recordCount` is the block's record count.
    public let zoneMap: ZoneMap
}

extension SnapshotFormat {
    /// Bytes per block directory entry (version 2): 80.
    public static let directoryEntrySize = 80

    /// Bytes of a block directory's trailer: CRC32C, entry count, first block.
    static let directoryTrailerSize = 16

    /// Whether files of `version` carry a block directory after each segment.
    static func hasDirectory(_ version: UInt16) -> Bool { version >= 2 }

    /// The bytes of a directory of `blocks` entries with its trailer.
    static func directoryByteCount(blocks: Int) -> Int { blocks * directoryEntrySize + directoryTrailerSize }

    /// Writes one directory entry at `entry` (80 bytes).
    static func encodeDirectoryEntry(_ info: SnapshotBlockInfo, into entry: UnsafeMutableRawPointer) {
        func put<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
            entry.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        }
        let map = info.zoneMap
        put(info.kind.rawValue, 0)
        put(map.minUnitCode, 1)
        put(map.maxUnitCode, 2)
        put(UInt8(0), 3)
        put(UInt32(map.recordCount), 4)
        put(UInt64(info.fileOffset), 8)
        put(UInt64(info.byteCount), 16)
        put(map.minSensorID, 24)
        put(map.maxSensorID, 28)
        put(map.minTimestamp, 32)
        put(map.maxTimestamp, 40)
        put(map.minValue.bitPattern, 48)
        put(map.maxValue.bitPattern, 56)
        put(UInt32(map.nanCount), 64)
        put(UInt32(0), 68)
        put(UInt64(0), 72)
    }

    /// Reads the directory entry at `entry` as block `index`'s information. No checks.
    static func decodeDirectoryEntry(_ entry: UnsafeRawPointer, index: Int) -> SnapshotBlockInfo {
        func get<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
            T(littleEndian: entry.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        var map = ZoneMap()
        map.minUnitCode = get(UInt8.self, 1)
        map.maxUnitCode = get(UInt8.self, 2)
        map.recordCount = Int(get(UInt32.self, 4))
        map.minSensorID = get(UInt32.self, 24)
        map.maxSensorID = get(UInt32.self, 28)
        map.minTimestamp = get(Int64.self, 32)
        map.maxTimestamp = get(Int64.self, 40)
        map.minValue = Double(bitPattern: get(UInt64.self, 48))
        map.maxValue = Double(bitPattern: get(UInt64.self, 56))
        map.nanCount = Int(get(UInt32.self, 64))
        return SnapshotBlockInfo(
            index: index, kind: SnapshotBlockKind(rawValue: get(UInt8.self, 0)),
            fileOffset: Int(truncatingIfNeeded: get(UInt64.self, 8)),
            byteCount: Int(truncatingIfNeeded: get(UInt64.self, 16)), zoneMap: map)
    }

    /// Checks the block directory of segment `segment` of `header` in a file
    /// mapped or read at `base`: its CRC32C, its trailer, and that each entry
    /// is a packed-rows block where the segment table puts it, with a zone map
    /// whose ranges are consistent. The records are not read.
    ///
    /// - Throws: ``SnapshotError/invalidBlockDirectory(segment:offset:reason:)``.
    /// - Complexity: O(*b*) in the segment's blocks.
    static func verifyDirectory(ofSegment segment: Int, of header: SnapshotHeader, base: UnsafeRawPointer) throws(SnapshotError) {
        let entry = header.segments[segment]
        let blocks = header.isCompressed ? header.blockCount : entry.blockCount(recordsPerBlock: header.recordsPerBlock)
        let start = header.directoryOffset(ofSegment: segment)
        let trailer = start + blocks * directoryEntrySize
        var crc = dr_crc32c(0, base + start, blocks * directoryEntrySize)
        crc = dr_crc32c(crc, base + trailer + 4, directoryTrailerSize - 4)
        let stored = UInt32(littleEndian: (base + trailer).loadUnaligned(as: UInt32.self))
        #if !SNAPSHOT_FUZZ_IGNORE_CHECKSUMS
        guard stored == crc else {
            throw .invalidBlockDirectory(segment: segment, offset: trailer, reason: "CRC32C \(hex(stored)) stored, \(hex(crc)) computed")
        }
        #endif
        let count = Int(UInt32(littleEndian: (base + trailer).loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let first = UInt64(littleEndian: (base + trailer).loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard count == blocks, first == UInt64(entry.firstBlock) else {
            throw .invalidBlockDirectory(
                segment: segment, offset: trailer,
                reason: "its trailer names \(count) blocks from block \(first), expected \(blocks) from block \(entry.firstBlock)")
        }
        if header.isCompressed { return try verifyColumnarEntries(ofSegment: segment, of: header, base: base) }
        for local in 0..<blocks {
            let offset = start + local * directoryEntrySize
            let info = decodeDirectoryEntry(base + offset, index: entry.firstBlock + local)
            let location = header.block(info.index)
            let map = info.zoneMap
            let problem: String? =
                if info.kind != .packedRows { "block \(info.index) has \(info.kind), which this reader does not know" }
                else if base.load(fromByteOffset: offset + 3, as: UInt8.self) != 0
                    || (base + offset).loadUnaligned(fromByteOffset: 68, as: UInt32.self) != 0
                    || (base + offset).loadUnaligned(fromByteOffset: 72, as: UInt64.self) != 0
                { "block \(info.index)'s reserved bytes are not zero" }
                else if info.fileOffset != location.fileOffset || info.byteCount != location.recordCount * recordSize + trailerSize
                    || map.recordCount != location.recordCount
                { "block \(info.index) is described at offset \(info.fileOffset), \(info.byteCount) bytes, \(map.recordCount) records; the segment table puts it at \(location.fileOffset) with \(location.recordCount) records" }
                else if !isConsistent(map) { "block \(info.index)'s zone map has ranges no records could have" }
                else { nil }
            if let problem { throw .invalidBlockDirectory(segment: segment, offset: offset, reason: problem) }
        }
    }

    /// Whether `map`'s ranges could summarize `map.recordCount` (≥ 1) records.
    static func isConsistent(_ map: ZoneMap) -> Bool {
        guard map.recordCount >= 1, map.nanCount >= 0, map.nanCount <= map.recordCount else { return false }
        guard map.minSensorID <= map.maxSensorID, map.minTimestamp <= map.maxTimestamp, map.minUnitCode <= map.maxUnitCode else {
            return false
        }
        if map.nanCount == map.recordCount { return map.minValue == .infinity && map.maxValue == -.infinity }
        return !map.minValue.isNaN && !map.maxValue.isNaN && map.minValue <= map.maxValue
    }

    static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
}

extension SnapshotHeader {
    /// The file offset of segment `segment`'s block directory (version 2).
    func directoryOffset(ofSegment segment: Int) -> Int {
        // A compressed snapshot's one segment ends with its directory, at the file's committed end.
        if isCompressed { return fileSize - SnapshotFormat.directoryByteCount(blocks: blockCount) }
        let entry = segments[segment]
        let blocks = entry.blockCount(recordsPerBlock: recordsPerBlock)
        return entry.fileOffset + entry.recordCount * SnapshotFormat.recordSize + blocks * SnapshotFormat.trailerSize
    }

    /// The file offset of block `block`'s directory entry (version 2).
    func directoryEntryOffset(ofBlock block: Int) -> Int {
        let segment = segmentIndex(containingBlock: block)
        return directoryOffset(ofSegment: segment) + (block - segments[segment].firstBlock) * SnapshotFormat.directoryEntrySize
    }
}
