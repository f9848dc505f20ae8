public import DenseRecordsCore
public import DenseRecordsArena
public import DenseRecordsColumnar
import InternalDenseRecordsUtilities
internal import CDenseRecordsShims
internal import CDenseRecords
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// How a snapshot stores its records.
public enum SnapshotCompression: Sendable, Hashable {
    /// Packed 21-byte rows, each block with its CRC32C trailer: what every
    /// reader of versions 1 and 2 reads.
    case none
    /// Compressed columnar blocks (``CompressedRecords``), read in place from
    /// the mapped file: about 1 to 2.5 bytes per record instead of 21.
    case columnar(ColumnarOptions = ColumnarOptions())
}

/// Choices for ``ChunkedRecords/writeSnapshot(to:options:)``.
public struct SnapshotWriteOptions: Sendable, Equatable {
    /// Records per block: each block has its own CRC32C and is verified as a unit.
    ///
    /// The default, ``RecordArena/recordsPerChunk``, makes every full arena
    /// chunk exactly one block, so a save is one `writev` per chunk. It must
    /// lie in `1...SnapshotFormat.maximumRecordsPerBlock`.
    public var recordsPerBlock: Int

    /// The creation time to record, in nanoseconds since the Unix epoch, or
    /// `nil` for the current time.
    public var creationTimeNanoseconds: Int64?

    /// The format version to write: ``SnapshotFormat/currentVersion`` (2, with
    /// block directories and zone maps) by default, or 1 for readers that
    /// predate version 2. It must lie in `1...SnapshotFormat.currentVersion`.
    public var formatVersion: UInt16 = SnapshotFormat.currentVersion

    /// How to store the records: packed 21-byte rows (``SnapshotCompression/none``,
    /// the default) or compressed columnar blocks. A compressed snapshot is
    /// always format version 2 and ignores ``recordsPerBlock`` and
    /// ``formatVersion``: its block size is the columnar options'.
    public var compression: SnapshotCompression = .none

    /// Creates write options.
    ///
    /// - Parameters:
    ///   - recordsPerBlock: Records per block; traps outside `1...SnapshotFormat.maximumRecordsPerBlock`.
    ///   - creationTimeNanoseconds: The creation time to record, or `nil` for now.
    public init(recordsPerBlock: Int = RecordArena.recordsPerChunk, creationTimeNanoseconds: Int64? = nil) {
        require(
            recordsPerBlock >= 1 && recordsPerBlock <= SnapshotFormat.maximumRecordsPerBlock,
            "recordsPerBlock \(recordsPerBlock) is outside 1...\(SnapshotFormat.maximumRecordsPerBlock)")
        self.recordsPerBlock = recordsPerBlock
        self.creationTimeNanoseconds = creationTimeNanoseconds
    }

    /// Creates write options for a given format version.
    ///
    /// - Parameters:
    ///   - formatVersion: The version to write; traps outside `1...SnapshotFormat.currentVersion`.
    ///   - recordsPerBlock: Records per block; traps outside `1...SnapshotFormat.maximumRecordsPerBlock`.
    ///   - creationTimeNanoseconds: The creation time to record, or `nil` for now.
    public init(formatVersion: UInt16, recordsPerBlock: Int = RecordArena.recordsPerChunk, creationTimeNanoseconds: Int64? = nil) {
        require(
            formatVersion >= 1 && formatVersion <= SnapshotFormat.currentVersion,
            "formatVersion \(formatVersion) is outside 1...\(SnapshotFormat.currentVersion)")
        self.init(recordsPerBlock: recordsPerBlock, creationTimeNanoseconds: creationTimeNanoseconds)
        self.formatVersion = formatVersion
    }
}

extension ChunkedRecords {
    /// Saves the records as a snapshot file at `path`, replacing any file there atomically.
    ///
    /// The records are written exactly as they lie in memory, with one
    /// `writev` per block straight from the chunks and no per-record encoding.
    /// When they come from a ``MappedSnapshot``, each of its blocks is checked
    /// against its CRC32C before it is copied (once per `MappedSnapshot`), so a
    /// damaged block stops the save with its error instead of being written
    /// under a fresh checksum.
    /// The file is written under a temporary name in the same folder, flushed
    /// with `fsync`, renamed over `path`, and then the folder is flushed. A
    /// crash at any moment leaves either the old file at `path` or the new one,
    /// never a mix (at worst, a stray `.<name>.tmp-…` file next to it).
    ///
    /// ```swift
    /// try arena.writeSnapshot(to: "/var/lib/sensors/readings.drsnap")
    /// ```
    ///
    /// With `options.compression` set to ``SnapshotCompression/columnar(_:)``,
    /// the records are first compressed into a ``CompressedRecords`` store
    /// (unless they are one already), whose blocks are then written as they
    /// lie in memory, with a block directory holding each block's CRC32C and
    /// zone map (docs/snapshot-format.md, "Compressed columnar blocks"). The
    /// same temporary-file-and-rename steps make the save atomic.
    ///
    /// - Parameters:
    ///   - path: Where to save. Its folder must exist and be writable.
    ///   - options: The block size and creation time to record.
    /// - Returns: The header that was written.
    /// The new file gets mode `0644` less the process's umask; the old file's
    /// mode and owner are not carried over.
    ///
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` when the
    ///   operating system refuses a step (a full disk is `ENOSPC`), or the
    ///   error of a source block that fails its check. Until the rename, the file at `path`
    ///   is unchanged and the temporary file is removed; if only the final
    ///   `fsync` of the folder fails, the new file is in place but a power cut
    ///   could still undo the rename.
    /// - Complexity: O(*n*): one pass that computes each block's CRC32C and writes it.
    @discardableResult
    public func writeSnapshot(to path: String, options: SnapshotWriteOptions = .init()) throws(SnapshotError) -> SnapshotHeader {
        if case .columnar(let columnarOptions) = options.compression {
            return try writeCompressedSnapshot(
                to: path, columnarOptions: columnarOptions, creationTime: options.creationTimeNanoseconds ?? nanosecondsSinceEpoch())
        }
        let header = SnapshotHeader(
            recordCount: count, recordsPerBlock: options.recordsPerBlock,
            creationTime: options.creationTimeNanoseconds ?? nanosecondsSinceEpoch(), formatVersion: options.formatVersion)
        try writeSnapshotFile(at: path, header: header) { (file) throws(SnapshotError) in
            try writeBlocks(to: file, recordsPerBlock: header.recordsPerBlock, firstBlock: 0, directoryFor: header.formatVersion)
        }
        return header
    }

    /// Adds the records to the end of the snapshot at `path`, as a new segment, without rewriting a byte of it.
    ///
    /// The append commits in three flushed steps. First the new header goes
    /// into the header slot the current one does not occupy, marked
    /// uncommitted, and is flushed with `fsync`; readers skip such a slot.
    /// Then the new blocks go after the committed end of the file and are
    /// flushed. Last the same header is written again without the mark, and
    /// flushed: that write is the commit. A crash at any moment leaves the
    /// file opening as before the append or after it, and a reader can tell
    /// the bytes an interrupted append left from a damaged committed header
    /// (docs/snapshot-format.md, "Appending").
    ///
    /// Appends to one file are serialized with an exclusive `flock`. An open
    /// ``MappedSnapshot`` of the file keeps seeing the records it opened with.
    /// When the records come from a ``MappedSnapshot``, each of its blocks is
    /// checked against its CRC32C before it is copied, so a damaged block is
    /// reported, never written with a fresh checksum.
    ///
    /// - Parameter path: An existing snapshot file.
    /// - Returns: The new header, or the current one when there are no records to add.
    /// - Throws: A ``SnapshotError`` if the file is not a valid snapshot
    ///   (including
    ///   ``SnapshotError/damagedNewerHeader(slotOffset:olderGeneration:newerGeneration:blockOffset:)``:
    ///   then nothing is written or cut), has
    ///   ``SnapshotFormat/maximumSegmentCount`` segments already
    ///   (``SnapshotError/tooManySegments(limit:)``), holds compressed
    ///   columnar blocks (``SnapshotError/appendToCompressedSnapshot(path:)``:
    ///   nothing is written), a source block is
    ///   damaged, or the system refuses a step. The committed snapshot is
    ///   unchanged then, and a failure before the commit write cuts the file
    ///   back to its committed length, so a full disk or a damaged source
    ///   leaves no tail behind. If the commit write itself or the `fsync`
    ///   after it fails, the new blocks are kept: the header may have reached
    ///   the disk, and readers of the file may already see the new records.
    /// - Complexity: O(*n*) in the records appended; the existing blocks are not read.
    @discardableResult
    public func appendSnapshot(to path: String) throws(SnapshotError) -> SnapshotHeader {
        let file = try SnapshotFile(path: path, .readWrite)
        try file.lockExclusively()
        let (current, size) = try file.readHeader()
        guard !current.isCompressed else { throw .appendToCompressedSnapshot(path: path) }
        guard !isEmpty else { return current }
        guard current.segments.count < SnapshotFormat.maximumSegmentCount else {
            throw .tooManySegments(limit: SnapshotFormat.maximumSegmentCount)
        }
        let next = current.appending(count, modificationTime: nanosecondsSinceEpoch())
        let slot = UnsafeMutableRawBufferPointer.allocate(byteCount: SnapshotFormat.slotSize, alignment: 16)
        defer { slot.deallocate() }
        do {
            // Bytes past the committed end are a torn earlier append: drop them, durably, before
            // the slot is touched, so that a torn slot never sits beside checksummed blocks.
            if size != current.fileSize {
                try file.truncate(to: current.fileSize)
                try file.sync()
            }
            slot.initializeMemory(as: UInt8.self, repeating: 0)
            SnapshotFormat.encode(next, uncommitted: true, into: slot)
            try file.writeAll(UnsafeRawBufferPointer(slot), at: next.slotOffset)
            try file.sync()
            try file.seek(to: current.fileSize)
            try writeBlocks(
                to: file, recordsPerBlock: current.recordsPerBlock, firstBlock: current.blockCount,
                segmentOffset: current.fileSize, directoryFor: current.formatVersion)
            try file.sync()
        } catch {
            // Not committed: give the space back. The uncommitted slot stays, and readers skip it.
            try? file.truncate(to: current.fileSize)
            try? file.sync()
            throw error
        }
        slot.initializeMemory(as: UInt8.self, repeating: 0)
        SnapshotFormat.encode(next, into: slot)
        try file.writeAll(UnsafeRawBufferPointer(slot), at: next.slotOffset)
        try file.sync()
        return next
    }

    /// Streams every record into `file` at its current position as blocks
    /// numbered from `firstBlock`, each followed by its trailer, and, for a
    /// file of format `version` 2 or later, the segment's block directory.
    ///
    /// A ``MappedSnapshot`` source is read block by block through its checked
    /// API, so a block that fails its CRC32C stops the write with its error
    /// instead of being written under a fresh checksum.
    ///
    /// - Parameter segmentOffset: The file offset the segment starts at (the
    ///   current position), which the directory records.
    func writeBlocks(
        to file: borrowing SnapshotFile, recordsPerBlock: Int, firstBlock: Int,
        segmentOffset: Int = SnapshotFormat.dataOffset, directoryFor version: UInt16
    ) throws(SnapshotError) {
        var stream = BlockStream(
            recordsPerBlock: recordsPerBlock, firstBlock: firstBlock,
            segmentOffset: SnapshotFormat.hasDirectory(version) ? segmentOffset : nil)
        defer { stream.deallocate() }
        if let mapped = self as? MappedSnapshot {
            try mapped.forEachCheckedBlock { (chunk) throws(SnapshotError) in try stream.add(chunk, to: file) }
        } else {
            try forEachChunk { (chunk) throws(SnapshotError) in try stream.add(chunk, to: file) }
        }
        try stream.finish(to: file)
        precondition(stream.recordsWritten == count, "\(Self.self).forEachChunk visited \(stream.recordsWritten) records, but count is \(count)")
    }
}

/// Writes a new snapshot file at `path`: `header` in the header region, then what
/// `body` writes after it, to a temporary file in the same folder that is flushed
/// and renamed over `path`, and the folder flushed after.
///
/// Until the rename, the file at `path` is unchanged, and on a failure the
/// temporary file is removed. Only a temporary file this call created is
/// removed: an exclusive create that fails (`EEXIST`) must not delete another
/// writer's file. If only the final `fsync` of the folder fails, the new file is
/// in place but a power cut could still undo the rename.
///
/// - Parameters:
///   - path: The snapshot's path; its folder must exist and be writable.
///   - header: The header, encoded into the first slot of the header region.
///   - body: Writes the rest of the file, from ``SnapshotFormat/dataOffset`` on.
/// - Throws: ``SnapshotError/system(operation:path:errno:)`` for a refused step, or what `body` throws.
func writeSnapshotFile(
    at path: String, header: SnapshotHeader, _ body: (borrowing SnapshotFile) throws(SnapshotError) -> Void
) throws(SnapshotError) {
    let directory = directoryPart(of: path)
    var temporary = ""
    let file = try createTemporaryFile(for: path, in: directory, named: &temporary)
    do {
        let region = UnsafeMutableRawBufferPointer.allocate(byteCount: SnapshotFormat.dataOffset, alignment: 16)
        defer { region.deallocate() }
        region.initializeMemory(as: UInt8.self, repeating: 0)
        SnapshotFormat.encode(header, into: UnsafeMutableRawBufferPointer(rebasing: region[0..<SnapshotFormat.slotSize]))
        try file.writeAll([UnsafeRawBufferPointer(region)])
        try body(file)
        try file.sync()
        try renameFile(temporary, to: path)
    } catch {
        try? FileSystem.removeFile(atPath: temporary)
        throw error
    }
    try syncDirectory(directory)
}

/// Creates a temporary file beside `path` with an exclusive create, and names it in `temporary`.
///
/// A name is taken when a process that crashed left its temporary file and
/// this process now has its id; the create then moves on to the next name, up
/// to 16 times, and never opens or removes a file it did not create.
///
/// - Throws: ``SnapshotError/system(operation:path:errno:)`` from `open`.
func createTemporaryFile(for path: String, in directory: String, named temporary: inout String) throws(SnapshotError) -> SnapshotFile {
    var attempt = 0
    while true {
        temporary = temporaryPath(for: path, in: directory)
        do {
            return try SnapshotFile(path: temporary, .writeOnly, options: [.create, .exclusiveCreate])
        } catch {
            guard case .system(_, _, let code) = error, code == EEXIST, attempt < 16 else { throw error }
            attempt += 1
        }
    }
}

private let temporaryCounter = Atomic<Int>(0)

/// `<folder>/.<name>.tmp-<pid>-<n>`: in the same folder, so that `rename` is atomic.
func temporaryPath(for path: String, in directory: String) -> String {
    let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    let n = temporaryCounter.add(1, ordering: .relaxed).newValue
    return "\(directory)/.\(name).tmp-\(getpid())-\(n)"
}

/// Cuts a stream of chunks into blocks and writes them with their trailers.
///
/// Each chunk's pieces are written before the next chunk is visited, so no
/// pointer into a chunk outlives the `forEachChunk` call that lent it. A
/// block's CRC32C runs on across chunks, and its trailer goes out with the
/// write that completes it. Trailers wait in a small ring, and the pending
/// `iovec`s are written whenever the ring fills or a chunk ends, so a chunk
/// of many small blocks still takes few `writev` calls.
struct BlockStream {
    static let ringSize = 64
    let recordsPerBlock: Int
    private(set) var block: Int
    private(set) var recordsWritten = 0
    private var filled = 0
    private var checksum: UInt32 = 0
    private var vectors: [UnsafeRawBufferPointer] = []
    private var pendingTrailers = 0
    private let trailers = UnsafeMutableRawPointer.allocate(
        byteCount: BlockStream.ringSize * SnapshotFormat.trailerSize, alignment: 8)
    /// Where the segment starts, when a block directory follows it (version 2).
    private let segmentOffset: Int?
    private let firstBlock: Int
    /// The open block's zone map, and the closed blocks' (version 2 only).
    private var zoneMap = ZoneMap()
    private var zoneMaps: [ZoneMap] = []

    init(recordsPerBlock: Int, firstBlock: Int, segmentOffset: Int? = nil) {
        self.recordsPerBlock = recordsPerBlock
        self.block = firstBlock
        self.firstBlock = firstBlock
        self.segmentOffset = segmentOffset
        vectors.reserveCapacity(2 * BlockStream.ringSize + 2)
    }

    func deallocate() { trailers.deallocate() }

    mutating func add(_ chunk: UnsafeBufferPointer<sensor_record_t>, to file: borrowing SnapshotFile) throws(SnapshotError) {
        guard let start = chunk.baseAddress, !chunk.isEmpty else { return }
        var next = UnsafeRawPointer(start)
        var remaining = chunk.count
        while remaining > 0 {
            let taken = Swift.min(remaining, recordsPerBlock - filled)
            let bytes = taken * SnapshotFormat.recordSize
            checksum = dr_crc32c(checksum, next, bytes)
            if segmentOffset != nil {
                for record in UnsafeBufferPointer(start: next.assumingMemoryBound(to: sensor_record_t.self), count: taken) {
                    zoneMap.include(record)
                }
            }
            vectors.append(UnsafeRawBufferPointer(start: next, count: bytes))
            filled += taken
            recordsWritten += taken
            next += bytes
            remaining -= taken
            if filled == recordsPerBlock {
                closeBlock()
                if pendingTrailers == BlockStream.ringSize { try flush(to: file) }
            }
        }
        try flush(to: file)
    }

    mutating func finish(to file: borrowing SnapshotFile) throws(SnapshotError) {
        if filled > 0 { closeBlock() }
        try flush(to: file)
        if let segmentOffset, !zoneMaps.isEmpty { try writeDirectory(to: file, segmentOffset: segmentOffset) }
    }

    /// Writes the segment's block directory: one entry per block, then its trailer.
    private func writeDirectory(to file: borrowing SnapshotFile, segmentOffset: Int) throws(SnapshotError) {
        let bytes = SnapshotFormat.directoryByteCount(blocks: zoneMaps.count)
        let directory = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 8)
        defer { directory.deallocate() }
        directory.initializeMemory(as: UInt8.self, repeating: 0)
        let base = directory.baseAddress.unsafelyUnwrapped
        var offset = segmentOffset
        for (local, map) in zoneMaps.enumerated() {
            let blockBytes = map.recordCount * SnapshotFormat.recordSize + SnapshotFormat.trailerSize
            let info = SnapshotBlockInfo(
                index: firstBlock + local, kind: .packedRows, fileOffset: offset, byteCount: blockBytes, zoneMap: map)
            SnapshotFormat.encodeDirectoryEntry(info, into: base + local * SnapshotFormat.directoryEntrySize)
            offset += blockBytes
        }
        let entries = zoneMaps.count * SnapshotFormat.directoryEntrySize
        let trailer = base + entries
        trailer.storeBytes(of: UInt32(zoneMaps.count).littleEndian, toByteOffset: 4, as: UInt32.self)
        trailer.storeBytes(of: UInt64(firstBlock).littleEndian, toByteOffset: 8, as: UInt64.self)
        var crc = dr_crc32c(0, base, entries)
        crc = dr_crc32c(crc, trailer + 4, SnapshotFormat.directoryTrailerSize - 4)
        trailer.storeBytes(of: crc.littleEndian, toByteOffset: 0, as: UInt32.self)
        try file.writeAll([UnsafeRawBufferPointer(directory)])
    }

    private mutating func flush(to file: borrowing SnapshotFile) throws(SnapshotError) {
        try file.writeAll(vectors)
        vectors.removeAll(keepingCapacity: true)
        pendingTrailers = 0
    }

    /// Appends the current block's trailer, from the next free place in the ring.
    private mutating func closeBlock() {
        let trailer = trailers + pendingTrailers * SnapshotFormat.trailerSize
        SnapshotFormat.encodeTrailer(payloadChecksum: checksum, count: filled, block: block, into: trailer)
        vectors.append(UnsafeRawBufferPointer(start: trailer, count: SnapshotFormat.trailerSize))
        pendingTrailers += 1
        block += 1
        filled = 0
        checksum = 0
        if segmentOffset != nil {
            zoneMaps.append(zoneMap)
            zoneMap = ZoneMap()
        }
    }
}
