public import DenseRecordsCore
public import DenseRecordsColumnar
import DenseRecordsArena
import InternalDenseRecordsUtilities
public import CDenseRecords
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A snapshot file opened read-only through `mmap`: its records, in place, with no copy.
///
/// `MappedSnapshot` conforms to ``ChunkedRecords``, so it answers the same
/// read API as a ``RecordArena`` — indexing, iteration, `forEachChunk`,
/// `sumOfValues()` — with each snapshot block as one chunk. Opening reads the
/// two 4 KiB header slots, maps the file, and checks the block directories of a
/// version 2 file; the kernel pages packed records in as they are first touched.
/// A compressed file is read once in full at open, to check every block before
/// any read follows the offsets inside it.
///
/// ```swift
/// let snapshot = try MappedSnapshot(contentsOf: "/var/lib/sensors/readings.drsnap")
/// try snapshot.verify()             // optional: check every block's CRC32C now
/// print(snapshot.count, snapshot.sumOfValues())
/// ```
///
/// ## Verification
///
/// The header is always checked at open. Blocks are checked when you ask:
/// - ``verify()`` checks every block not yet checked;
/// - ``forEachVerifiedChunk(_:)`` and ``verifiedRecord(at:)`` check each block
///   the first time they read it, and throw instead of handing out bad bytes.
///
/// The `ChunkedRecords` and `RandomAccessCollection` members cannot throw, so
/// they read without checking: call ``verify()`` once before trusting them
/// with a file of unknown health. Each block is checked at most once per
/// `MappedSnapshot`; a bitset of atomics records which, so concurrent readers
/// share the work and never race.
///
/// ## Compressed snapshots
///
/// A snapshot written with ``SnapshotCompression/columnar(_:)`` holds
/// compressed columnar blocks. Opening one checks every block's CRC32C and
/// structure (one read of the file's compressed bytes, no decoding), then reads
/// the blocks in place through ``compressedRecords``: indexing decodes one
/// record, a query decodes only the columns it reads of the blocks it
/// reads, and nothing is ever decompressed whole.
///
/// ## Lifetime
///
/// The mapping lasts as long as the object. Saving a new snapshot over the
/// same path does not disturb it (the old file lives on until unmapped), and
/// appending only writes past what it mapped. Truncating the file under it
/// from outside DenseRecords would make reads of the lost pages fault.
// @unchecked Sendable, and why that is sound: every stored property is a `let`
// set in `init`. The mapping is PROT_READ and is only unmapped in `deinit`, when
// no reference remains, so concurrent reads of it cannot race with a write. The
// one mutable state, the verified-block bitset, is an array of `Atomic<UInt64>`
// changed only with atomic read-modify-write operations.
public final class MappedSnapshot: @unchecked Sendable {
    /// The committed state the snapshot was opened with.
    public let header: SnapshotHeader

    /// The path the snapshot was opened from.
    public let path: String

    @usableFromInline let base: UnsafeRawPointer
    /// Owns the mapping: shared with ``compressedRecords``, which reads it in place.
    let mapping: SnapshotMapping
    /// The compressed store over the mapped blocks, for a compressed snapshot of at least one record.
    @usableFromInline let compressed: CompressedRecords?
    // Single-segment fast path for indexing (every snapshot saved in one go).
    @usableFromInline let firstSegmentOffset: Int
    @usableFromInline let isSingleSegment: Bool
    @usableFromInline let recordsPerBlock: Int
    @usableFromInline let blockStride: Int
    private let verifiedWords: UnsafeMutablePointer<Atomic<UInt64>>
    private let verifiedWordCount: Int
    /// Version 1 files have no block directory: their zone maps are computed
    /// on first request and kept here. Empty for version 2.
    let computedZoneMaps: SanitizerVisibleMutex<[ZoneMap?]>

    /// Opens the snapshot at `path` read-only and maps it, without reading its blocks.
    ///
    /// - Parameter path: A snapshot file.
    /// - Throws: ``SnapshotError`` if the file cannot be opened or mapped, or
    ///   its header is damaged, from the future, or describes more bytes than
    ///   the file has;
    ///   ``SnapshotError/damagedNewerHeader(slotOffset:olderGeneration:newerGeneration:blockOffset:)``
    ///   if the newest header slot is damaged and blocks past the older one's
    ///   end show that it was committed;
    ///   ``SnapshotError/exceedsPhysicalMemory(purpose:requestedBytes:physicalBytes:)``
    ///   if the header claims more blocks than the verification bitset (one bit
    ///   per block) could hold in memory;
    ///   ``SnapshotError/invalidBlockDirectory(segment:offset:reason:)`` if a
    ///   version 2 block directory is damaged.
    /// - Complexity: Two header slots are read (8 KiB) and one `mmap` made; a
    ///   version 2 file's block directories (80 bytes per block, about 8 KiB
    ///   per million records) are checked, and no block is read. When one
    ///   slot is damaged, the first block past the other's end is read too.
    public convenience init(contentsOf path: String) throws(SnapshotError) {
        let file = try SnapshotFile(path: path, .readOnly)
        try self.init(file: file, header: file.readHeader().header)
    }

    /// Maps the committed part of `file`, whose header has been read as `header`.
    ///
    /// - Throws: ``SnapshotError/exceedsPhysicalMemory(purpose:requestedBytes:physicalBytes:)``
    ///   if the verified-block bitset could not fit in memory, or the `mmap` failure.
    init(file: borrowing SnapshotFile, header: SnapshotHeader) throws(SnapshotError) {
        let path = file.path
        // One bit per block: check the bitset against what the machine can hold before allocating it.
        let words = Swift.max(1, (header.blockCount + 63) / 64)
        try requirePhysicalMemory(words * MemoryLayout<UInt64>.stride, for: "the verified-block bitset of \(header.blockCount) blocks")
        let mapped = try file.mapReadOnly(length: header.fileSize)
        let owner = SnapshotMapping(base: mapped, length: header.fileSize)
        let mapping = mapped
        self.header = header
        self.path = path
        self.base = mapping
        self.mapping = owner
        self.firstSegmentOffset = header.segments.first?.fileOffset ?? SnapshotFormat.dataOffset
        self.isSingleSegment = header.segments.count <= 1
        self.recordsPerBlock = header.recordsPerBlock
        self.blockStride = header.recordsPerBlock * SnapshotFormat.recordSize + SnapshotFormat.trailerSize
        // The data region is viewed as records; trailers in it are only ever read as raw bytes.
        let dataBytes = header.fileSize - SnapshotFormat.dataOffset
        if dataBytes > 0 {
            _ = (base + SnapshotFormat.dataOffset).bindMemory(to: sensor_record_t.self, capacity: dataBytes / SnapshotFormat.recordSize)
        }
        // Every check that can throw runs before the bitset is allocated: `deinit` does not
        // run for an `init` that throws before every property is set, so nothing may need
        // freeing then.
        let hasDirectory = SnapshotFormat.hasDirectory(header.formatVersion)
        if hasDirectory {
            // Zone maps decide which blocks a query reads: check them before any is trusted.
            for segment in header.segments.indices {
                try SnapshotFormat.verifyDirectory(ofSegment: segment, of: header, base: mapping)
            }
        }
        if header.isCompressed {
            // Every read of a compressed block follows offsets inside it: check each block's
            // CRC32C and structure now, so no read can ever meet a damaged one.
            _ = madvise(UnsafeMutableRawPointer(mutating: mapping), header.fileSize, MADV_SEQUENTIAL)
            for block in 0..<header.blockCount {
                try SnapshotFormat.verifyColumnarBlock(block, of: header, base: mapping)
            }
            compressed = try SnapshotFormat.openColumnarBlocks(of: header, base: mapping, owner: owner)
            _ = madvise(UnsafeMutableRawPointer(mutating: mapping), header.fileSize, MADV_NORMAL)
        } else {
            compressed = nil
        }
        computedZoneMaps = SanitizerVisibleMutex(hasDirectory ? [] : [ZoneMap?](repeating: nil, count: header.blockCount))
        verifiedWordCount = words
        verifiedWords = .allocate(capacity: verifiedWordCount)
        for word in 0..<verifiedWordCount { (verifiedWords + word).initialize(to: Atomic(0)) }
        if header.isCompressed {
            for block in 0..<header.blockCount {
                let (word, bit) = block.quotientAndRemainder(dividingBy: 64)
                verifiedWords[word].bitwiseOr(1 << UInt64(bit), ordering: .relaxed)
            }
        }
    }

    deinit {
        verifiedWords.deinitialize(count: verifiedWordCount)
        verifiedWords.deallocate()
    }

    // MARK: Verification

    /// Checks every block's CRC32C that has not been checked yet.
    ///
    /// Safe to call from several tasks at once; each block is marked verified
    /// once it has matched.
    ///
    /// - Throws: ``SnapshotError/blockChecksumMismatch(block:offset:stored:computed:)``
    ///   or ``SnapshotError/misplacedBlock(block:offset:reason:)`` for the first bad block.
    /// - Complexity: O(*n*) in the bytes of unverified blocks; reads them all.
    public func verify() throws(SnapshotError) {
        guard verifiedBlockCount < header.blockCount else { return }
        // Read ahead for the pass, then back to normal paging for the reads that follow.
        advise(MADV_SEQUENTIAL)
        defer { advise(MADV_NORMAL) }
        for block in 0..<header.blockCount { try verifyBlock(block) }
    }

    /// Checks one block's CRC32C, unless it has already matched.
    ///
    /// - Parameter block: A block index, `0 ..< header.blockCount`; any other traps.
    /// - Throws: ``SnapshotError`` if the block does not match its trailer.
    /// - Complexity: O(*b*) in the block's bytes the first time, O(1) after.
    public func verifyBlock(_ block: Int) throws(SnapshotError) {
        require(block >= 0 && block < header.blockCount, "Block index \(block) out of range 0..<\(header.blockCount)")
        let (word, bit) = block.quotientAndRemainder(dividingBy: 64)
        let mask: UInt64 = 1 << UInt64(bit)
        if verifiedWords[word].load(ordering: .acquiring) & mask != 0 { return }
        try SnapshotFormat.verifyBlock(block, of: header, base: base)
        verifiedWords[word].bitwiseOr(mask, ordering: .releasing)
    }

    /// Whether block `block` has been checked and matched.
    ///
    /// - Parameter block: A block index, `0 ..< header.blockCount`; any other traps.
    /// - Returns: `true` once the block has matched its CRC32C through this object.
    public func isBlockVerified(_ block: Int) -> Bool {
        require(block >= 0 && block < header.blockCount, "Block index \(block) out of range 0..<\(header.blockCount)")
        let (word, bit) = block.quotientAndRemainder(dividingBy: 64)
        return verifiedWords[word].load(ordering: .acquiring) & (1 << UInt64(bit)) != 0
    }

    /// The number of blocks checked and matched so far.
    ///
    /// - Complexity: O(*b* / 64) in the number of blocks.
    public var verifiedBlockCount: Int {
        var total = 0
        for word in 0..<verifiedWordCount { total += verifiedWords[word].load(ordering: .relaxed).nonzeroBitCount }
        return total
    }

    /// Calls `body` with each block's records, in order, checking each block the first time it is read.
    ///
    /// - Parameter body: A closure that reads one block. The buffer is valid
    ///   only during the call: do not store or return it.
    /// - Throws: ``SnapshotError`` for the first block that does not match;
    ///   `body` has seen every block before it and none after.
    /// - Complexity: O(*n*).
    public func forEachVerifiedChunk(_ body: (UnsafeBufferPointer<sensor_record_t>) -> Void) throws(SnapshotError) {
        if let compressed {
            compressed.forEachSpan { span in span.withUnsafeBufferPointer { body($0) } }
            return
        }
        for block in 0..<header.blockCount {
            try verifyBlock(block)
            body(buffer(ofBlock: block))
        }
    }

    /// Calls `body` with each block's records, in order, after checking the
    /// block (once per object); `body` may throw a ``SnapshotError`` of its own.
    ///
    /// What the snapshot writers copy through.
    func forEachCheckedBlock(_ body: (UnsafeBufferPointer<sensor_record_t>) throws(SnapshotError) -> Void) throws(SnapshotError) {
        if let compressed {
            // Decoded block by block into rows; the blocks were checked at open.
            try compressed.forEachSpan { (span) throws(SnapshotError) in
                try span.withUnsafeBufferPointer { (rows) throws(SnapshotError) in try body(rows) }
            }
            return
        }
        for block in 0..<header.blockCount {
            try verifyBlock(block)
            try body(buffer(ofBlock: block))
        }
    }

    /// The record at `position`, after checking the block that holds it.
    ///
    /// - Parameter position: A valid index: `0 <= position < count`. Any other index traps.
    /// - Returns: The record.
    /// - Throws: ``SnapshotError`` if the record's block does not match its CRC32C.
    /// - Complexity: O(*b*) in the block's bytes the first time the block is read, O(1) after.
    public func verifiedRecord(at position: Int) throws(SnapshotError) -> SensorRecord {
        require(position >= 0 && position < header.recordCount, "Index out of range")
        // A compressed snapshot's blocks were all checked when it was opened.
        if let compressed { return compressed[position] }
        let segment = header.segments[header.segmentIndex(containingRecord: position)]
        try verifyBlock(segment.firstBlock + (position - segment.firstRecord) / recordsPerBlock)
        return self[position]
    }

    /// Block `block`'s records: packed-rows blocks only.
    func buffer(ofBlock block: Int) -> UnsafeBufferPointer<sensor_record_t> {
        precondition(compressed == nil, "MappedSnapshot: a compressed block has no packed rows")
        let location = header.block(block)
        let start = (base + location.fileOffset).assumingMemoryBound(to: sensor_record_t.self)
        return UnsafeBufferPointer(start: start, count: location.recordCount)
    }

    /// Tells the kernel how the mapping will be read (`madvise`); only a hint, so failures are ignored.
    func advise(_ advice: Int32) {
        _ = madvise(UnsafeMutableRawPointer(mutating: base), mapping.length, advice)
    }

    // MARK: Reading

    /// Accesses the record at `position`, without checking its block.
    ///
    /// - Parameter position: A valid index: `0 <= position < count`. Any other index traps.
    /// - Complexity: O(1) for a snapshot of one segment; O(log *s*) in its segments otherwise.
    @inlinable
    public subscript(position: Int) -> SensorRecord {
        if _slowPath(!(position >= 0 && position < header.recordCount)) { fatalError("Index out of range") }
        if let compressed { return compressed[position] }
        let offset: Int
        if isSingleSegment {
            let (block, slot) = position.quotientAndRemainder(dividingBy: recordsPerBlock)
            offset = firstSegmentOffset + block * blockStride + slot * SnapshotFormat.recordSize
        } else {
            offset = header.fileOffset(ofRecord: position)
        }
        return SensorRecord((base + offset).assumingMemoryBound(to: sensor_record_t.self).pointee)
    }
}

extension MappedSnapshot: RandomAccessCollection {
    /// Always 0.
    @inlinable public var startIndex: Int { 0 }
    /// The number of records.
    @inlinable public var endIndex: Int { header.recordCount }
    /// The number of records.
    @inlinable public var count: Int { header.recordCount }
}

extension MappedSnapshot: ChunkedRecords {
    /// The number of blocks: each block is one chunk.
    public var chunkCount: Int { header.blockCount }

    /// Checks block `chunk` against its CRC32C, once: ``verifyBlock(_:)``.
    ///
    /// Writers that copy out of a store call it before each chunk, so a
    /// damaged block is refused instead of laundered into a valid copy.
    ///
    /// - Parameter chunk: A block index in `0..<chunkCount`.
    /// - Throws: ``SnapshotError`` when the block does not match its checksum.
    /// - Complexity: One checksum of the block the first time; O(1) after.
    public func verifyChunk(_ chunk: Int) throws {
        try verifyBlock(chunk)
    }

    /// Calls `body` with each block's records as a `Span`, in order, without checking them.
    ///
    /// Call ``verify()`` first, or use ``forEachVerifiedChunk(_:)``, when the
    /// file's health is unknown. This member cannot throw a ``SnapshotError``
    /// (its error type is `body`'s), so it cannot refuse a bad block; that is
    /// why ``ChunkedRecords/writeSnapshot(to:options:)`` and
    /// ``ChunkedRecords/appendSnapshot(to:)`` read a `MappedSnapshot` source
    /// through the checked API instead, and why any other writer that copies
    /// the records out (an Arrow export) must call ``verify()`` first.
    ///
    /// - Parameter body: A closure that reads one block. The span cannot escape the call.
    /// - Throws: What `body` throws; later blocks are not visited.
    /// - Complexity: O(*c*) calls, where *c* is the number of blocks.
    public func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E) {
        if let compressed { return try compressed.forEachSpan(body) }
        for block in 0..<header.blockCount { try body(Span(_unsafeElements: buffer(ofBlock: block))) }
    }
}

extension MappedSnapshot {
    /// The snapshot's compressed columnar blocks as a store read in place from
    /// the mapping, or `nil` for a packed snapshot (or a compressed one of no records).
    ///
    /// The store keeps the mapping alive on its own: it may outlive the snapshot.
    public var compressedRecords: CompressedRecords? { compressed }
}

/// A read-only mapping of a snapshot file, unmapped when the last reader lets go.
///
/// `@unchecked Sendable`: both properties are `let`s, the pages are `PROT_READ`,
/// and they are unmapped only in `deinit`, when no reference remains.
final class SnapshotMapping: @unchecked Sendable {
    let base: UnsafeRawPointer
    let length: Int

    init(base: UnsafeRawPointer, length: Int) {
        self.base = base
        self.length = length
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }
}
