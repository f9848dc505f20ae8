import DenseRecordsCore
import DenseRecordsArena
import InternalDenseRecordsUtilities
internal import CDenseRecordsShims
internal import CDenseRecords

/// Constants and the parsing entry points of the snapshot file format, versions 1 and 2.
///
/// A snapshot file is two 4 KiB header slots followed by segments of blocks
/// of packed 21-byte records, each block closed by a 16-byte trailer that
/// holds its CRC32C. Version 2 (written since the read path's zone maps)
/// follows each segment's blocks with a block directory: one 80-byte entry
/// per block with its kind (0 = packed rows; other kinds are reserved for
/// later encodings such as compressed columns), its file offset and length,
/// and its zone map, closed by a CRC32C, so a reader tests every block's
/// ranges without touching the blocks. Version 1 files are read as before
/// and appended to in version 1. docs/snapshot-format.md is the full
/// specification; this type is the reference implementation of its checks.
///
/// The parsing functions take raw bytes, so a fuzzer (or any other caller
/// with bytes of unknown origin) can run them: they throw a ``SnapshotError``
/// for every defect and never trap or read outside the buffer.
public enum SnapshotFormat {
    /// The newest format version this library reads and the one it writes: 2.
    ///
    /// Appends keep a file's own version, so a version 1 file stays one.
    public static let currentVersion: UInt16 = 2

    /// The eight magic bytes at the start of each header slot,
    /// `89 44 52 53 4E 41 50 0A` (`\x89DRSNAP\n`), as a little-endian integer.
    public static let magic: UInt64 = 0x0A50_414E_5352_4489

    /// Bytes per record: `MemoryLayout<sensor_record_t>.size`.
    public static let recordSize = 21

    /// Bytes per header slot. Each slot has a page to itself, so a torn write
    /// of one can never damage the other.
    public static let slotSize = 4096

    /// The file offset of the first block: just past the two header slots.
    public static let dataOffset = 2 * slotSize

    /// Bytes in a block trailer: CRC32C, record count, block index.
    public static let trailerSize = 16

    /// Bytes of a header slot before its segment table.
    static let fixedHeaderSize = 96

    /// Bytes per segment table entry.
    static let segmentEntrySize = 32

    /// The most segments one header slot can describe: 125.
    public static let maximumSegmentCount = (slotSize - fixedHeaderSize) / segmentEntrySize

    /// The largest records-per-block value a header may hold: 2^24.
    public static let maximumRecordsPerBlock = 1 << 24

    /// Bounds every count and offset so that the arithmetic below cannot overflow: 2^52.
    static let maximumFileSize = 1 << 52

    /// The slot offset a header of `generation` is written to: even in slot 0, odd in slot 1.
    static func slotOffset(forGeneration generation: UInt64) -> Int {
        Int(generation & 1) * slotSize
    }

    // MARK: Field offsets within a slot

    enum Field {
        static let magic = 0, version = 8, headerLength = 10, recordSize = 12, flags = 14
        static let recordsPerBlock = 16, segmentCount = 20, generation = 24, recordCount = 32
        static let blockCount = 40, creationTime = 48, modificationTime = 56, fileSize = 64
        static let checksum = 72, segments = 96
        /// Bytes 76 ..< 96: zero in versions 1 and 2, and checked.
        static let reserved = 76..<96
    }

    /// Bits of the header's flags field.
    enum Flags {
        /// Set on a slot written by an append before its blocks: the append has
        /// not committed, so readers skip the slot. Cleared by the commit write.
        /// A reader that predates it rejects the flag, and so skips the slot too.
        static let uncommitted: UInt16 = 0x8000
        /// Set on a snapshot whose records are compressed columnar blocks
        /// (docs/snapshot-format.md, "Compressed columnar blocks"). A reader
        /// that predates it rejects the flag, and so the file, by name.
        static let columnar: UInt16 = 0x0001
    }

    // MARK: Parsing

    /// Parses and checks the header of a snapshot held in `bytes`.
    ///
    /// Both header slots are read, and the committed one with the higher
    /// generation wins. A slot that an interrupted append left uncommitted is
    /// skipped. A damaged slot is skipped too, unless a block past the winner's
    /// end matches its checksum and continues its numbering: that is a newer
    /// committed generation whose header was damaged, and it is reported as
    /// ``SnapshotError/damagedNewerHeader(slotOffset:olderGeneration:newerGeneration:blockOffset:)``.
    /// The committed blocks are not read: call ``validate(_:)`` for that.
    ///
    /// - Parameter bytes: The whole file. Its first 8 KiB are read, and, only
    ///   when one slot is damaged and bytes follow the other's committed end,
    ///   up to one block past that end; its length is checked against the
    ///   committed size the header records.
    /// - Returns: The committed state.
    /// - Throws: ``SnapshotError`` naming the first defect and its offset.
    /// - Complexity: O(1) for a file whose slots are both readable; O(*b*) in
    ///   the bytes of one block when a slot is damaged.
    public static func parseHeader(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) -> SnapshotHeader {
        try parseHeader(bytes, fileSize: bytes.count) { (older) throws(SnapshotError) in
            continuationBlock(after: older, in: bytes)
        }
    }

    /// Parses the header and verifies every block of a snapshot held in `bytes`.
    ///
    /// This is the reader's whole check, with no file system involved: the
    /// entry point for fuzzing and for bytes that arrive over a network.
    ///
    /// - Parameter bytes: The whole snapshot file.
    /// - Returns: The committed state, once every block has matched its checksum.
    /// - Throws: ``SnapshotError`` naming the first defect and its offset.
    /// - Complexity: O(*n*) in the committed size.
    public static func validate(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) -> SnapshotHeader {
        let header = try parseHeader(bytes)
        guard let base = bytes.baseAddress else { return header }
        if hasDirectory(header.formatVersion) {
            for segment in header.segments.indices { try verifyDirectory(ofSegment: segment, of: header, base: base) }
        }
        for block in 0..<header.blockCount {
            try verifyBlock(block, of: header, base: base)
        }
        if header.isCompressed {
            // Structure too: every column section in bounds, so reads of the blocks cannot stray.
            _ = try openColumnarBlocks(of: header, base: base, owner: ValidationOwner())
        }
        return header
    }

    /// Parses the header from `bytes`, which hold at least `min(fileSize, dataOffset)`
    /// bytes from the start of a file of `fileSize` bytes.
    ///
    /// - Parameter continuation: Called only when the slot that is not the
    ///   winner is damaged and the file extends past the winner's end: returns
    ///   the trailer offset of a block that starts at the winner's end, matches
    ///   its CRC32C and carries the next block index, or `nil`.
    static func parseHeader(
        _ bytes: UnsafeRawBufferPointer, fileSize: Int,
        continuation: (SnapshotHeader) throws(SnapshotError) -> Int?
    ) throws(SnapshotError) -> SnapshotHeader {
        guard fileSize > 0, bytes.count > 0 else { throw .emptyFile }
        guard bytes.count >= 8 else { throw .truncated(fileSize: fileSize, requiredSize: dataOffset) }
        let first = read(UInt64.self, bytes, Field.magic)
        guard first == magic else { throw .badMagic(offset: 0, found: first) }
        guard bytes.count >= 10 else { throw .truncated(fileSize: fileSize, requiredSize: dataOffset) }
        let version = read(UInt16.self, bytes, Field.version)
        guard version >= 1, version <= currentVersion else {
            throw .unsupportedVersion(offset: Field.version, version: version, newestSupported: currentVersion)
        }
        guard fileSize >= dataOffset, bytes.count >= dataOffset else {
            throw .truncated(fileSize: fileSize, requiredSize: dataOffset)
        }
        let slots = [readSlot(bytes, at: 0), readSlot(bytes, at: slotSize)]
        let committed = slots.compactMap { (slot) -> SnapshotHeader? in
            if case let .committed(header) = slot { header } else { nil }
        }
        guard let header = committed.max(by: { $0.generation < $1.generation }) else {
            throw noCommittedSlot(slots)
        }
        guard fileSize >= header.fileSize else {
            throw .truncated(fileSize: fileSize, requiredSize: header.fileSize)
        }
        let otherOffset = slotSize - header.slotOffset
        if case .damaged = slots[otherOffset / slotSize], fileSize > header.fileSize,
            let evidence = try continuation(header)
        {
            throw .damagedNewerHeader(
                slotOffset: otherOffset, olderGeneration: header.generation, newerGeneration: header.generation + 1,
                blockOffset: evidence)
        }
        return header
    }

    /// Decodes and checks one header slot.
    ///
    /// - Returns: The header, and whether the slot carries ``Flags/uncommitted``.
    static func parseSlot(_ bytes: UnsafeRawBufferPointer, at slot: Int) throws(SnapshotError) -> (header: SnapshotHeader, uncommitted: Bool) {
        let found = read(UInt64.self, bytes, slot + Field.magic)
        guard found == magic else { throw .badMagic(offset: slot, found: found) }
        let version = read(UInt16.self, bytes, slot + Field.version)
        guard version >= 1, version <= currentVersion else {
            throw .unsupportedVersion(offset: slot + Field.version, version: version, newestSupported: currentVersion)
        }
        let length = Int(read(UInt16.self, bytes, slot + Field.headerLength))
        guard length >= fixedHeaderSize, length <= slotSize else {
            throw .invalidHeader(offset: slot + Field.headerLength, reason: "header length \(length) is outside \(fixedHeaderSize)...\(slotSize)")
        }
        let stored = read(UInt32.self, bytes, slot + Field.checksum)
        let computed = headerChecksum(UnsafeRawBufferPointer(rebasing: bytes[slot..<(slot + length)]))
        // A fuzz build may skip the checksum so that mutated headers reach the field checks below.
        #if !SNAPSHOT_FUZZ_IGNORE_CHECKSUMS
        guard stored == computed else { throw .headerChecksumMismatch(offset: slot, stored: stored, computed: computed) }
        #endif

        let recordSizeField = read(UInt16.self, bytes, slot + Field.recordSize)
        guard recordSizeField == recordSize else {
            throw .invalidHeader(offset: slot + Field.recordSize, reason: "record size \(recordSizeField), expected \(recordSize)")
        }
        let flags = read(UInt16.self, bytes, slot + Field.flags)
        guard flags & ~(Flags.uncommitted | Flags.columnar) == 0 else {
            throw .invalidHeader(offset: slot + Field.flags, reason: "unknown flags 0x\(String(flags, radix: 16))")
        }
        let columnar = flags & Flags.columnar != 0
        for offset in Field.reserved where bytes[slot + offset] != 0 {
            throw .invalidHeader(offset: slot + offset, reason: "reserved byte is 0x\(String(bytes[slot + offset], radix: 16)), not zero")
        }
        let perBlock = Int(read(UInt32.self, bytes, slot + Field.recordsPerBlock))
        guard perBlock >= 1, perBlock <= maximumRecordsPerBlock else {
            throw .invalidHeader(offset: slot + Field.recordsPerBlock, reason: "records per block \(perBlock) is outside 1...\(maximumRecordsPerBlock)")
        }
        let segmentCount = Int(read(UInt32.self, bytes, slot + Field.segmentCount))
        guard segmentCount <= maximumSegmentCount, length == fixedHeaderSize + segmentCount * segmentEntrySize else {
            throw .invalidHeader(offset: slot + Field.segmentCount, reason: "\(segmentCount) segments do not fit a header of \(length) bytes")
        }
        let generation = read(UInt64.self, bytes, slot + Field.generation)
        guard slotOffset(forGeneration: generation) == slot else {
            throw .invalidHeader(offset: slot + Field.generation, reason: "generation \(generation) does not belong in the slot at offset \(slot)")
        }
        let recordCount = try bounded(read(UInt64.self, bytes, slot + Field.recordCount), at: slot + Field.recordCount, "record count")
        let blockCount = try bounded(read(UInt64.self, bytes, slot + Field.blockCount), at: slot + Field.blockCount, "block count")
        let fileSize = try bounded(read(UInt64.self, bytes, slot + Field.fileSize), at: slot + Field.fileSize, "file size")

        if columnar {
            guard hasDirectory(version), segmentCount <= 1 else {
                throw .invalidHeader(
                    offset: slot + Field.flags,
                    reason: "compressed columnar blocks need format version 2 or later and at most one segment, not version \(version) with \(segmentCount)")
            }
        }
        // The segment table must tile the data region from `dataOffset` on, in record order.
        var segments: [SnapshotHeader.Segment] = []
        segments.reserveCapacity(segmentCount)
        var offset = dataOffset, records = 0, blocks = 0
        for index in 0..<segmentCount {
            let entry = slot + Field.segments + index * segmentEntrySize
            let segment = SnapshotHeader.Segment(
                fileOffset: try bounded(read(UInt64.self, bytes, entry), at: entry, "segment offset"),
                recordCount: try bounded(read(UInt64.self, bytes, entry + 8), at: entry + 8, "segment record count"),
                firstRecord: try bounded(read(UInt64.self, bytes, entry + 16), at: entry + 16, "segment first record"),
                firstBlock: try bounded(read(UInt64.self, bytes, entry + 24), at: entry + 24, "segment first block"))
            guard segment.fileOffset == offset, segment.firstRecord == records, segment.firstBlock == blocks,
                segment.recordCount > 0
            else {
                throw .invalidHeader(
                    offset: entry,
                    reason: "segment \(index) (offset \(segment.fileOffset), \(segment.recordCount) records from record \(segment.firstRecord), block \(segment.firstBlock)) does not follow the one before it (offset \(offset), record \(records), block \(blocks))")
            }
            if columnar {
                // Block sizes vary: the header's block count and file size give the segment's extent,
                // and its block directory (checked at open) must tile it exactly.
                let smallest = blockCount * (ColumnarBlockLimits.smallestBlockBytes + directoryEntrySize) + directoryTrailerSize
                guard blockCount >= 1, blockCount <= segment.recordCount, fileSize >= offset, fileSize - offset >= smallest else {
                    throw .invalidHeader(
                        offset: slot + Field.blockCount,
                        reason: "\(blockCount) compressed blocks of \(segment.recordCount) records cannot fill the \(fileSize - offset) bytes from offset \(offset) to the file size")
                }
                offset = fileSize
                blocks += blockCount
            } else {
                offset += segment.byteCount(recordsPerBlock: perBlock, formatVersion: version)
                blocks += segment.blockCount(recordsPerBlock: perBlock)
            }
            records += segment.recordCount
            guard offset <= maximumFileSize else {
                throw .invalidHeader(offset: entry + 8, reason: "segment \(index) ends past the \(maximumFileSize)-byte limit")
            }
            segments.append(segment)
        }
        guard blockCount == blocks else {
            throw .invalidHeader(offset: slot + Field.blockCount, reason: "block count \(blockCount) disagrees with the \(blocks) blocks the segment table lays out")
        }
        guard recordCount == records, fileSize == offset else {
            throw .recordCountMismatch(offset: slot + Field.recordCount, recordCount: recordCount, describedSize: offset, headerFileSize: fileSize)
        }
        let header = SnapshotHeader(
            formatVersion: version, recordsPerBlock: perBlock, generation: generation, recordCount: recordCount,
            blockCount: blockCount,
            creationTimeNanoseconds: Int64(bitPattern: read(UInt64.self, bytes, slot + Field.creationTime)),
            modificationTimeNanoseconds: Int64(bitPattern: read(UInt64.self, bytes, slot + Field.modificationTime)),
            fileSize: fileSize, segments: segments, slotOffset: slot, isCompressed: columnar)
        return (header, flags & Flags.uncommitted != 0)
    }

    private static func bounded(_ value: UInt64, at offset: Int, _ name: String) throws(SnapshotError) -> Int {
        guard value <= UInt64(maximumFileSize) else {
            throw .invalidHeader(offset: offset, reason: "\(name) \(value) is past the \(maximumFileSize) limit")
        }
        return Int(value)
    }

    @inline(__always)
    static func read<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    // MARK: Encoding

    /// The CRC32C of a header slot's first `length` bytes, with the checksum field read as zero.
    static func headerChecksum(_ slot: UnsafeRawBufferPointer) -> UInt32 {
        let base = slot.baseAddress.unsafelyUnwrapped
        var zero: UInt32 = 0
        var crc = dr_crc32c(0, base, Field.checksum)
        crc = dr_crc32c(crc, &zero, 4)
        return dr_crc32c(crc, base + Field.checksum + 4, slot.count - Field.checksum - 4)
    }

    /// Writes `header` as one slot into `slot`, which must hold `slotSize` zeroed bytes.
    ///
    /// - Parameter uncommitted: Whether to set ``Flags/uncommitted``: true for
    ///   the slot an append writes before its blocks.
    static func encode(_ header: SnapshotHeader, uncommitted: Bool = false, into slot: UnsafeMutableRawBufferPointer) {
        func put<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
            slot.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        }
        let length = fixedHeaderSize + header.segments.count * segmentEntrySize
        put(magic, Field.magic)
        put(header.formatVersion, Field.version)
        put(UInt16(length), Field.headerLength)
        put(UInt16(recordSize), Field.recordSize)
        put((uncommitted ? Flags.uncommitted : 0) | (header.isCompressed ? Flags.columnar : 0), Field.flags)
        put(UInt32(header.recordsPerBlock), Field.recordsPerBlock)
        put(UInt32(header.segments.count), Field.segmentCount)
        put(header.generation, Field.generation)
        put(UInt64(header.recordCount), Field.recordCount)
        put(UInt64(header.blockCount), Field.blockCount)
        put(header.creationTimeNanoseconds, Field.creationTime)
        put(header.modificationTimeNanoseconds, Field.modificationTime)
        put(UInt64(header.fileSize), Field.fileSize)
        for (index, segment) in header.segments.enumerated() {
            let entry = Field.segments + index * segmentEntrySize
            put(UInt64(segment.fileOffset), entry)
            put(UInt64(segment.recordCount), entry + 8)
            put(UInt64(segment.firstRecord), entry + 16)
            put(UInt64(segment.firstBlock), entry + 24)
        }
        put(headerChecksum(UnsafeRawBufferPointer(rebasing: slot[0..<length])), Field.checksum)
    }

    // MARK: Blocks

    /// Checks block `block` of `header` in a file mapped or read at `base`.
    static func verifyBlock(_ block: Int, of header: SnapshotHeader, base: UnsafeRawPointer) throws(SnapshotError) {
        if header.isCompressed { return try verifyColumnarBlock(block, of: header, base: base) }
        let location = header.block(block)
        let payload = base + location.fileOffset
        let trailerOffset = location.fileOffset + location.recordCount * recordSize
        let trailer = base + trailerOffset
        var crc = dr_crc32c(0, payload, location.recordCount * recordSize)
        crc = dr_crc32c(crc, trailer + 4, trailerSize - 4)
        let stored = UInt32(littleEndian: trailer.loadUnaligned(as: UInt32.self))
        #if !SNAPSHOT_FUZZ_IGNORE_CHECKSUMS
        guard stored == crc else {
            throw .blockChecksumMismatch(block: block, offset: trailerOffset, stored: stored, computed: crc)
        }
        #endif
        let count = Int(UInt32(littleEndian: trailer.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let index = UInt64(littleEndian: trailer.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard count == location.recordCount, index == UInt64(block) else {
            throw .misplacedBlock(
                block: block, offset: trailerOffset,
                reason: "its trailer names block \(index) with \(count) records, expected block \(block) with \(location.recordCount)")
        }
        if hasDirectory(header.formatVersion) {
            // The directory's zone map must be the records' own: a query trusts it to skip the block.
            let entryOffset = header.directoryEntryOffset(ofBlock: block)
            let stored = decodeDirectoryEntry(base + entryOffset, index: block).zoneMap
            let records = UnsafeRawPointer(payload).assumingMemoryBound(to: sensor_record_t.self)
            let actual = ZoneMap(summarizing: UnsafeBufferPointer(start: records, count: location.recordCount))
            guard stored == actual else {
                throw .invalidBlockDirectory(
                    segment: header.segmentIndex(containingBlock: block), offset: entryOffset,
                    reason: "block \(block)'s zone map differs from its records'")
            }
        }
    }

    /// Fills `trailer` (16 bytes) for a block of `count` records whose payload CRC32C so far is `crc`.
    static func encodeTrailer(payloadChecksum crc: UInt32, count: Int, block: Int, into trailer: UnsafeMutableRawPointer) {
        trailer.storeBytes(of: UInt32(count).littleEndian, toByteOffset: 4, as: UInt32.self)
        trailer.storeBytes(of: UInt64(block).littleEndian, toByteOffset: 8, as: UInt64.self)
        let full = dr_crc32c(crc, trailer + 4, trailerSize - 4)
        trailer.storeBytes(of: full.littleEndian, toByteOffset: 0, as: UInt32.self)
    }
}

extension SnapshotHeader {
    /// Where block `block` lives: its file offset, record count and first record index.
    func block(_ block: Int) -> (fileOffset: Int, recordCount: Int, firstRecord: Int) {
        let segment = segments[segmentIndex(containingBlock: block)]
        let local = block - segment.firstBlock
        let first = local * recordsPerBlock
        let offset = segment.fileOffset + local * (recordsPerBlock * SnapshotFormat.recordSize + SnapshotFormat.trailerSize)
        return (offset, Swift.min(recordsPerBlock, segment.recordCount - first), segment.firstRecord + first)
    }

    /// The file offset of record `index`.
    @usableFromInline
    func fileOffset(ofRecord index: Int) -> Int {
        let segment = segments.count == 1 ? segments[0] : segments[segmentIndex(containingRecord: index)]
        let (block, slot) = (index - segment.firstRecord).quotientAndRemainder(dividingBy: recordsPerBlock)
        return segment.fileOffset + block * (recordsPerBlock * SnapshotFormat.recordSize + SnapshotFormat.trailerSize)
            + slot * SnapshotFormat.recordSize
    }

    func segmentIndex(containingBlock block: Int) -> Int {
        searchLastIndex(in: segments.count, withKeyAtMost: block) { segments[$0].firstBlock }
    }

    @usableFromInline
    func segmentIndex(containingRecord record: Int) -> Int {
        searchLastIndex(in: segments.count, withKeyAtMost: record) { segments[$0].firstRecord }
    }
}
