import DenseRecordsCore
import InternalDenseRecordsUtilities
public import CDenseRecords
internal import CDenseRecordsJemalloc

/// Chunked record storage in a leased jemalloc arena: the state behind
/// ``RecordArena`` and ``SealedRecords``.
///
/// It is `~Copyable`, so exactly one value writes a given chunk table. The
/// table (a ``ChunkTable``) owns the chunks through one ``ChunkOwner`` each and
/// is shared with the live views taken from the arena: when the storage and
/// every view that holds the table are gone, the chunks are freed (one
/// `dallocx` each) and their pages purged. It holds an
/// ``ArenaLease``: ``RecordArena/seal()`` moves the storage into a
/// ``SealedRecords`` and gives the arena's fresh storage the same lease, so a
/// RecordArena and all its sealed parts share one jemalloc arena, which goes
/// back to the pool when the last of them does. Nothing has to remember to
/// call a `destroy()`.
///
/// Invariants (checked by `checkInvariants()` in debug builds):
/// - `chunks == table?.pointers`; `chunks[0..<chunkCount]` are live chunk
///   allocations in `lease.arena`, owned by `table.owners[0..<chunkCount]`.
/// - Every chunk but the last holds exactly `recordsPerChunk` records of capacity;
///   the last holds `lastChunkBytes / recordSize` (at most `recordsPerChunk`).
///   So record `i` lives at `chunks[i / recordsPerChunk] + i % recordsPerChunk`.
/// - `allocatedBytes` is the sum of the chunks' sizes, as jemalloc counts them.
/// - `count <= capacity`. When `cursor != nil`, `cursor` is the slot of record
///   `count` and `writeEnd` is the end of the chunk that holds it.
@usableFromInline
struct ChunkStorage: ~Copyable {
    @usableFromInline var count = 0
    @usableFromInline var cursor: UnsafeMutablePointer<sensor_record_t>? = nil
    @usableFromInline var writeEnd: UnsafeMutablePointer<sensor_record_t>? = nil
    /// `table.pointers`, kept here so the hot paths load one pointer.
    @usableFromInline var chunks: UnsafeMutablePointer<UnsafeMutablePointer<sensor_record_t>>? = nil
    @usableFromInline var chunkCount = 0
    var tableCapacity = 0
    /// The chunk table: owns the chunks (one ``ChunkOwner`` each) and caches
    /// their zone maps; views share it.
    var table: ChunkTable? = nil
    /// Set by in-place writes (`subscript` set, `forEachMutableChunk`): the
    /// cached zone maps may be stale and are dropped before the next read of one.
    @usableFromInline var zoneMapsMayBeStale = false
    /// Whether the arena's publisher has been asked for: only then do appends publish.
    var publishes = false
    var lastChunkBytes = 0
    var allocatedBytes = 0
    var relocatedChunks = 0
    var lease: ArenaLease?
    let byteLimit: Int?
    let hugePages: Bool
    /// The stop signal of the ingest this storage fills, if any; checked only
    /// when the storage needs memory, never per record.
    let cancellation: IngestCancellation?

    init(byteLimit: Int?, hugePages: Bool, lease: ArenaLease? = nil, cancellation: IngestCancellation? = nil) {
        self.byteLimit = byteLimit
        self.hugePages = hugePages
        self.lease = lease
        self.cancellation = cancellation
    }

    // MARK: Geometry

    var lastChunkCapacity: Int {
        min(lastChunkBytes / ChunkGeometry.recordSize, ChunkGeometry.recordsPerChunk)
    }

    var capacity: Int {
        chunkCount == 0 ? 0 : (chunkCount - 1) * ChunkGeometry.recordsPerChunk + lastChunkCapacity
    }

    func chunkCapacity(_ chunk: Int) -> Int {
        chunk == chunkCount - 1 ? lastChunkCapacity : ChunkGeometry.recordsPerChunk
    }

    /// Records stored in chunk `chunk`.
    @usableFromInline
    func chunkRecordCount(_ chunk: Int) -> Int {
        let start = chunk * ChunkGeometry.recordsPerChunk
        return Swift.min(Swift.max(count - start, 0), ChunkGeometry.recordsPerChunk)
    }

    /// Chunks that hold at least one record.
    @usableFromInline
    var filledChunkCount: Int {
        (count + ChunkGeometry.recordsPerChunk - 1) / ChunkGeometry.recordsPerChunk
    }

    // MARK: Reading

    @inlinable
    func pointer(at index: Int) -> UnsafeMutablePointer<sensor_record_t> {
        // One unsigned compare covers both ends (a negative index becomes huge), and
        // unsigned division by the constant is a multiply and two shifts.
        let slot = UInt(bitPattern: index)
        if _slowPath(!(slot < UInt(bitPattern: count))) { fatalError("Index out of range") }
        let (chunk, offset) = slot.quotientAndRemainder(dividingBy: UInt(ChunkGeometry.recordsPerChunk))
        return chunks.unsafelyUnwrapped[Int(bitPattern: chunk)] + Int(bitPattern: offset)
    }

    @inlinable
    func buffer(ofChunk chunk: Int) -> UnsafeMutableBufferPointer<sensor_record_t> {
        UnsafeMutableBufferPointer(start: chunks.unsafelyUnwrapped[chunk], count: chunkRecordCount(chunk))
    }

    // MARK: Writing

    /// Points `cursor`/`writeEnd` at the slot for record `count`, if there is capacity.
    mutating func refreshWriteWindow() {
        guard count < capacity else {
            cursor = nil
            writeEnd = nil
            return
        }
        let (chunk, offset) = count.quotientAndRemainder(dividingBy: ChunkGeometry.recordsPerChunk)
        let base = chunks.unsafelyUnwrapped[chunk]
        cursor = base + offset
        writeEnd = base + chunkCapacity(chunk)
    }

    mutating func acquireArena() throws(RecordArenaError) -> JemallocArena {
        if let lease { return lease.arena }
        let acquired = try ArenaPool.shared.acquire()
        lease = acquired
        return acquired.arena
    }

    /// Throws ``RecordArenaError/ingestCancelled`` once the ingest this storage
    /// fills has been stopped. One relaxed atomic load; called only on the
    /// paths that need memory.
    func checkCancellation() throws(RecordArenaError) {
        if let cancellation, cancellation.isStopped { throw .ingestCancelled }
    }

    /// Refuses, before allocating, a request for more bytes than Int can count
    /// or the machine has physical memory.
    func checkPhysicalMemory(records: Int) throws(RecordArenaError) {
        let (bytes, overflow) = records.multipliedReportingOverflow(by: ChunkGeometry.recordSize)
        let physical = ChunkGeometry.physicalMemoryBytes
        if overflow || bytes > physical {
            throw .requestExceedsPhysicalMemory(requestedBytes: overflow ? Int.max : bytes, physicalBytes: physical)
        }
    }

    func checkLimit(adding bytes: Int) throws(RecordArenaError) {
        if let byteLimit, allocatedBytes + bytes > byteLimit {
            throw .byteLimitExceeded(limit: byteLimit, allocatedBytes: allocatedBytes, requestedBytes: bytes)
        }
    }

    /// Makes room for at least `minimumCapacity` records without moving any.
    mutating func reserve(_ minimumCapacity: Int) throws(RecordArenaError) {
        guard minimumCapacity > capacity else { return }
        try checkCancellation()
        try checkPhysicalMemory(records: minimumCapacity)
        let arena = try acquireArena()
        let perChunk = ChunkGeometry.recordsPerChunk
        if chunkCount > 0, lastChunkCapacity < perChunk {
            let wanted = min(perChunk, minimumCapacity - (chunkCount - 1) * perChunk)
            try growLastChunk(toRecords: wanted, in: arena)
        }
        while capacity < minimumCapacity {
            try appendChunk(records: min(perChunk, minimumCapacity - capacity), in: arena)
        }
        refreshWriteWindow()
    }

    /// Grows by one step for a single append: the last chunk to its next size
    /// class, or a new smallest chunk when the last one is full.
    mutating func growForSingleAppend() throws(RecordArenaError) {
        try checkCancellation()
        let arena = try acquireArena()
        if chunkCount > 0, lastChunkCapacity < ChunkGeometry.recordsPerChunk {
            let next = ChunkGeometry.sizeClass(forRecords: lastChunkCapacity + 1) / ChunkGeometry.recordSize
            try growLastChunk(toRecords: min(next, ChunkGeometry.recordsPerChunk), in: arena)
        } else {
            try appendChunk(records: 1, in: arena)
        }
        refreshWriteWindow()
    }

    /// Adds a chunk sized for `records` records.
    ///
    /// Every chunk is first allocated at the full 2 MiB (2 MiB-aligned) and
    /// then shrunk in place to the size class that fits. jemalloc pads each
    /// large extent by a page (cache-oblivious placement) and will not merge
    /// free space across its mapping boundaries, so a chunk allocated small
    /// may find its neighbour taken; one allocated full owns its whole slot,
    /// and later in-place growth only takes back the space it gave up.
    private mutating func appendChunk(records: Int, in arena: JemallocArena) throws(RecordArenaError) {
        let bytes = ChunkGeometry.sizeClass(forRecords: records)
        try checkLimit(adding: bytes)
        let full = ChunkGeometry.chunkBytes
        guard let raw = arena.allocateChunk(bytes: full) else { throw .outOfMemory(requestedBytes: bytes) }
        let held = bytes < full ? arena.resizeChunkInPlace(raw, bytes: bytes) : full
        if hugePages, held == full {
            // Advice only; a kernel without THP leaves 4 KiB pages, which is correct.
            _ = dr_advise_huge_pages(raw, full)
        }
        if chunkCount == tableCapacity { growTable() }
        chunks.unsafelyUnwrapped[chunkCount] = raw.bindMemory(to: sensor_record_t.self, capacity: held / ChunkGeometry.recordSize)
        table.unsafelyUnwrapped.owners.append(ChunkOwner(base: raw, lease: lease.unsafelyUnwrapped))
        chunkCount += 1
        lastChunkBytes = held
        allocatedBytes += held
    }

    private mutating func growLastChunk(toRecords records: Int, in arena: JemallocArena) throws(RecordArenaError) {
        let bytes = ChunkGeometry.sizeClass(forRecords: records)
        guard bytes > lastChunkBytes else { return }
        try checkLimit(adding: bytes - lastChunkBytes)
        let last = chunks.unsafelyUnwrapped[chunkCount - 1]
        let resized = arena.resizeChunkInPlace(UnsafeMutableRawPointer(last), bytes: bytes)
        if resized >= bytes {
            allocatedBytes += resized - lastChunkBytes
            lastChunkBytes = resized
            return
        }
        // jemalloc could not extend in place. The space is the chunk's own
        // (see appendChunk), so this has not been observed; if it happens the
        // last chunk's records move once, and `relocatedChunks` counts it.
        guard let raw = arena.allocateChunk(bytes: bytes) else { throw .outOfMemory(requestedBytes: bytes) }
        let moved = raw.bindMemory(to: sensor_record_t.self, capacity: bytes / ChunkGeometry.recordSize)
        let stored = chunkRecordCount(chunkCount - 1)
        moved.update(from: last, count: stored)
        // Views may read the current table's entry for the old chunk: write the
        // new one into a copy. The old chunk's owner frees it once no table lists it.
        replaceTable(capacity: tableCapacity)
        chunks.unsafelyUnwrapped[chunkCount - 1] = moved
        table.unsafelyUnwrapped.owners[chunkCount - 1] = ChunkOwner(base: raw, lease: lease.unsafelyUnwrapped)
        allocatedBytes += bytes - lastChunkBytes
        lastChunkBytes = bytes
        relocatedChunks += 1
    }

    private mutating func growTable() {
        replaceTable(capacity: max(16, tableCapacity * 2))
    }

    /// Moves the entries into a new table of `capacity` entries. The old table
    /// stays alive, unchanged, for as long as a view holds it.
    private mutating func replaceTable(capacity: Int) {
        let next = ChunkTable(capacity: capacity, copying: table)
        table = next
        chunks = next.pointers
        tableCapacity = capacity
    }

    /// Lets go of every chunk and returns their pages to the OS.
    ///
    /// Dropping the table drops one reference to each chunk's owner; a chunk
    /// no view holds is freed at once (one `dallocx` each, then
    /// `arena.<i>.purge`). Chunks are freed one by one, not with an
    /// `arena.<i>.reset`, because the jemalloc arena may hold other stores'
    /// chunks: the sealed parts of the same RecordArena, or any store's in the
    /// shared arena.
    mutating func removeAll() {
        table = nil
        chunks = nil
        tableCapacity = 0
        count = 0
        chunkCount = 0
        lastChunkBytes = 0
        allocatedBytes = 0
        cursor = nil
        writeEnd = nil
        zoneMapsMayBeStale = false
    }

    // MARK: Zone maps

    /// Drops the cached zone maps if records were written in place since they were computed.
    mutating func refreshZoneMaps() {
        guard zoneMapsMayBeStale else { return }
        table?.invalidateZoneMaps()
        zoneMapsMayBeStale = false
    }

    /// The zone map of the records chunk `chunk` holds now.
    ///
    /// - Complexity: O(1) once computed; a chunk's map is computed on first
    ///   request, and the last chunk's is extended from the records it already
    ///   summarized, so appends never pay for it.
    func zoneMap(ofChunk chunk: Int) -> ZoneMap {
        table.unsafelyUnwrapped.zoneMap(ofChunk: chunk, recordCount: chunkRecordCount(chunk))
    }

    /// Ends the write window: a sealed store is never appended to.
    mutating func closeWriteWindow() {
        cursor = nil
        writeEnd = nil
    }

    // MARK: Statistics

    /// This store's own figures, from its chunk table: exact whether or not
    /// other stores share its jemalloc arena.
    func statistics() -> ArenaStatistics {
        var resident = 0
        for chunk in 0..<chunkCount {
            resident += dr_resident_bytes(chunks.unsafelyUnwrapped[chunk], chunk == chunkCount - 1 ? lastChunkBytes : ChunkGeometry.chunkBytes)
        }
        let active = allocatedBytes + chunkCount * ChunkGeometry.largeExtentPadBytes
        return ArenaStatistics(
            recordCount: count, capacity: capacity, chunkCount: chunkCount,
            allocatedBytes: allocatedBytes, activeBytes: active,
            residentBytes: resident, mappedBytes: active,
            relocatedChunks: relocatedChunks)
    }

    func checkInvariants() {
        #if DEBUG
        precondition(count >= 0 && count <= capacity, "count \(count) outside 0...\(capacity)")
        precondition(chunkCount <= tableCapacity)
        precondition(lastChunkBytes <= ChunkGeometry.chunkBytes)
        if let cursor, let writeEnd, cursor != writeEnd {
            precondition(cursor == pointer(atSlot: count) && cursor < writeEnd, "write cursor is not at slot \(count)")
        }
        #endif
    }

    private func pointer(atSlot slot: Int) -> UnsafeMutablePointer<sensor_record_t> {
        let (chunk, offset) = slot.quotientAndRemainder(dividingBy: ChunkGeometry.recordsPerChunk)
        return chunks.unsafelyUnwrapped[chunk] + offset
    }
}
