public import DenseRecordsCore
import InternalDenseRecordsUtilities
public import CDenseRecords
internal import CDenseRecordsJemalloc

/// A growable store of packed 21-byte sensor records in a dedicated jemalloc arena.
///
/// `RecordArena` keeps records in 2 MiB chunks, each exactly a jemalloc size
/// class, allocated from an explicit jemalloc arena that it takes from a
/// process-wide pool. Growing does not copy records: a new chunk is added, or
/// the last chunk is extended in place, so an element's address stays the same
/// while the arena holds it. The one exception: if jemalloc ever cannot extend
/// the last chunk in place, that chunk's records move once, and
/// ``ArenaStatistics/relocatedChunks`` counts it. Each chunk owns the 2 MiB slot
/// it grows into, and no relocation has been observed.
///
/// ```swift
/// let arena = RecordArena()
/// try arena.append(SensorRecord(sensorID: 7, timestampNanoseconds: 1_700_000_000_000_000_000,
///                               value: 21.5, unit: .celsius))
/// let total = arena.reduceChunks(0.0) { sum, chunk in chunk.reduce(sum) { $0 + $1.value } }
/// ```
///
/// ## Ownership and concurrency
///
/// `RecordArena` is a final class: the arena owns its memory, and copies of a
/// reference share it, as with any Swift class. It is not `Sendable`, because
/// it mutates without locks; keep each arena in one isolation domain while it
/// is written. To share a filled arena across tasks, call ``seal()``: it moves
/// the storage, without copying a record, into a ``SealedRecords`` value,
/// which is immutable and `Sendable`.
///
/// ## Memory
///
/// Dropping the last reference frees every chunk and purges the pages back to
/// the OS; the jemalloc arena returns to the pool once the arena's sealed
/// parts are gone too. Linking DenseRecords makes jemalloc the process-wide
/// `malloc`.
///
/// ## Limits
///
/// jemalloc 5.3 allows at most 4,095 arenas per process (4,086 explicit ones on
/// a 2-CPU machine), and each costs about 138 KiB of metadata for as long as the
/// process lives. So the pool creates at most four dedicated jemalloc arenas
/// per processor (16 to 256); further live arenas share one jemalloc arena,
/// and an arena's sealed parts always share its own. Any number of arenas and
/// sealed parts can be alive at once; what stays resident after they are all
/// dropped is at most that many arenas' metadata (about 2.2 MiB with 2 CPUs,
/// 35 MiB at most). ``statistics`` counts only this arena's chunks, so it stays
/// exact when a jemalloc arena is shared. See <doc:ArenasAndMemory>.
public final class RecordArena {
    // Mutable state lives behind a pointer: a class's stored `var`s would pay a
    // dynamic exclusivity check on every append and read.
    @usableFromInline let storage: UnsafeMutablePointer<ChunkStorage>
    /// Where the writer publishes views for other tasks; see ``publisher``.
    let viewPublisher = RecordArenaPublisher()

    /// Creates an empty arena.
    ///
    /// No memory is allocated until the first record arrives.
    ///
    /// - Parameters:
    ///   - byteLimit: The most bytes of chunks the arena may hold, or `nil` for
    ///     no limit. A request past it throws
    ///     ``RecordArenaError/byteLimitExceeded(limit:allocatedBytes:requestedBytes:)``.
    ///   - hugePages: Whether to advise the kernel to back chunks that are filled
    ///     at once (bulk appends, reservations) with 2 MiB transparent huge pages
    ///     (`MADV_HUGEPAGE`). Off by default. On bare metal it makes faulting a
    ///     fresh chunk several times cheaper; on a virtual machine whose host
    ///     reclaims free guest memory (virtio-balloon free page reporting),
    ///     faulting a huge page back in can cost ten times more instead. Measure
    ///     on your machines before turning it on; see <doc:ArenasAndMemory>.
    public convenience init(byteLimit: Int? = nil, hugePages: Bool = false) {
        self.init(byteLimit: byteLimit, hugePages: hugePages, cancellation: nil)
    }

    /// Creates an empty arena whose appends stop with
    /// ``RecordArenaError/ingestCancelled`` once `cancellation` is stopped.
    init(byteLimit: Int?, hugePages: Bool, cancellation: IngestCancellation?) {
        require(byteLimit.map { $0 >= 0 } ?? true, "RecordArena byteLimit must not be negative")
        storage = .allocate(capacity: 1)
        storage.initialize(to: ChunkStorage(byteLimit: byteLimit, hugePages: hugePages, cancellation: cancellation))
    }

    deinit {
        // Releases the chunk table (each chunk is freed once no view lists it) and the arena lease.
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    /// The byte limit given at creation, or `nil`.
    public var byteLimit: Int? { storage.pointee.byteLimit }

    /// Whether chunks filled at once are advised to use transparent huge pages.
    public var usesHugePages: Bool { storage.pointee.hugePages }

    /// The number of records the arena can hold without allocating.
    public var capacity: Int { storage.pointee.capacity }

    /// The number of full 2 MiB chunks' worth of records: 99,864.
    public static var recordsPerChunk: Int { ChunkGeometry.recordsPerChunk }

    /// Figures for this arena's own chunks, exact though it may share a jemalloc arena.
    ///
    /// - Complexity: O(*c*) `mincore` calls, where *c* is the number of chunks;
    ///   do not call it per record.
    public var statistics: ArenaStatistics { storage.pointee.statistics() }

    // MARK: Appending

    /// Appends one record.
    ///
    /// - Parameter record: The record to store.
    /// - Throws: ``RecordArenaError`` if a new chunk is needed and jemalloc, or
    ///   the byte limit, refuses it, or if the arena is a producer's in
    ///   ``ingestConcurrently(producers:byteLimitPerProducer:_:)`` and the
    ///   ingest has stopped (checked only when a chunk fills, about every
    ///   100,000 records). The arena is unchanged then.
    /// - Complexity: Amortized O(1).
    @inlinable
    public func append(_ record: SensorRecord) throws(RecordArenaError) {
        try append(raw: record.raw)
    }

    /// Appends one packed C record.
    ///
    /// - Parameter record: The record to store.
    /// - Throws: ``RecordArenaError`` if a new chunk is needed and refused, or
    ///   the ingest that fills the arena has stopped. The arena is unchanged then.
    /// - Complexity: Amortized O(1).
    @inlinable
    public func append(raw record: sensor_record_t) throws(RecordArenaError) {
        if let slot = storage.pointee.cursor, slot != storage.pointee.writeEnd {
            slot.initialize(to: record)
            storage.pointee.cursor = slot + 1
            storage.pointee.count += 1
            return
        }
        try appendSlowPath(record)
    }

    @usableFromInline
    func appendSlowPath(_ record: sensor_record_t) throws(RecordArenaError) {
        // A chunk boundary: publish the records so far, if anyone reads them.
        if storage.pointee.publishes { publish() }
        // Reached once per chunk (and per size-class step of a small last
        // chunk), never per record: the place where a producer that never
        // suspends learns that its ingest has stopped.
        try storage.pointee.checkCancellation()
        if storage.pointee.count < storage.pointee.capacity {
            storage.pointee.refreshWriteWindow()
        } else {
            try storage.pointee.growForSingleAppend()
        }
        try append(raw: record)
    }

    /// Appends packed records with one `memcpy` per chunk.
    ///
    /// Either every record is appended or, when memory is refused, none is.
    ///
    /// - Parameter records: The records to copy.
    /// - Throws: ``RecordArenaError`` if the chunks needed are refused, if
    ///   they would take more bytes than the machine has physical memory, or if
    ///   the ingest that fills the arena has stopped. The records already
    ///   stored are unchanged then, though capacity may have grown.
    /// - Complexity: O(*n*), where *n* is `records.count`.
    public func append(contentsOf records: UnsafeBufferPointer<sensor_record_t>) throws(RecordArenaError) {
        guard var source = records.baseAddress, !records.isEmpty else { return }
        try storage.pointee.checkCancellation()
        try storage.pointee.reserve(Self.saturatingSum(storage.pointee.count, records.count))
        var remaining = records.count
        while remaining > 0 {
            if storage.pointee.cursor == storage.pointee.writeEnd { storage.pointee.refreshWriteWindow() }
            let slot = storage.pointee.cursor.unsafelyUnwrapped
            let room = storage.pointee.writeEnd.unsafelyUnwrapped - slot
            let copied = Swift.min(room, remaining)
            if copied >= Self.populateThreshold { Self.populate(slot, count: copied) }
            slot.initialize(from: source, count: copied)
            storage.pointee.cursor = slot + copied
            storage.pointee.count += copied
            source += copied
            remaining -= copied
        }
        storage.pointee.checkInvariants()
        if storage.pointee.publishes { publish() }
    }

    /// Copies of at least this many records (64 KiB) fault their pages in with one
    /// `madvise(MADV_POPULATE_WRITE)` first: one system call instead of a page fault
    /// per 4 KiB page. Measured on 10M-record bulk appends into a fresh arena, it took
    /// the copy from 9.6–13.9 to 7.8–8.5 ns/record. Smaller copies skip it, so a
    /// small append does not pay for a system call.
    static var populateThreshold: Int { (64 << 10) / ChunkGeometry.recordSize }

    /// Faults in the pages that `count` records at `slot` will occupy.
    static func populate(_ slot: UnsafeMutablePointer<sensor_record_t>, count: Int) {
        // The pages lie inside the chunk: it starts on a 2 MiB boundary and its
        // size is a multiple of the page size. A failure (an old kernel) only
        // means the copy takes its page faults one by one.
        _ = dr_populate_for_writing(slot, count * ChunkGeometry.recordSize)
    }

    /// Appends records from any sequence.
    ///
    /// Contiguous sequences (arrays, buffers) take the `memcpy` path; others
    /// reserve `underestimatedCount` first and then append one by one.
    ///
    /// - Parameter records: The records to append.
    /// - Throws: ``RecordArenaError`` if memory is refused; in particular
    ///   ``RecordArenaError/requestExceedsPhysicalMemory(requestedBytes:physicalBytes:)``,
    ///   before anything is allocated, when the stored records plus the
    ///   sequence's `underestimatedCount` would need more bytes than the machine
    ///   has. The records appended before a failure stay appended; a contiguous
    ///   sequence is appended whole or not at all.
    /// - Complexity: O(*n*), where *n* is the number of records.
    public func append<S: Sequence>(contentsOf records: S) throws(RecordArenaError) where S.Element == SensorRecord {
        let contiguous: Result<Void, RecordArenaError>? = records.withContiguousStorageIfAvailable { buffer in
            // SensorRecord wraps exactly one sensor_record_t, so the rebinding is
            // layout-compatible; withMemoryRebound restores the caller's binding after.
            buffer.withMemoryRebound(to: sensor_record_t.self) { raw in
                Result { () throws(RecordArenaError) in try append(contentsOf: raw) }
            }
        }
        if let contiguous { return try contiguous.get() }
        if let arena = records as? RecordArena, arena === self {
            // Appending an arena to itself copies the records it holds now, as Array
            // does; iterating it while it grows would never reach its end.
            let existing = storage.pointee.count
            try reserveCapacity(Self.saturatingSum(existing, existing))
            for index in 0..<existing { try append(raw: storage.pointee.pointer(at: index).pointee) }
            return
        }
        try reserveCapacity(Self.saturatingSum(storage.pointee.count, records.underestimatedCount))
        for record in records { try append(raw: record.raw) }
        if storage.pointee.publishes { publish() }
    }

    /// `a + b`, or `Int.max` when that overflows: a count no machine can hold,
    /// which the reservation then refuses with a typed error instead of a trap.
    static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }

    /// Makes room for at least `minimumCapacity` records without moving any stored record.
    ///
    /// Reserved chunks are sized to the jemalloc size class that fits, so an
    /// arena reserved for *n* records holds close to 21 × *n* bytes.
    ///
    /// A request is checked against what is possible before anything is
    /// allocated: if `minimumCapacity` × 21 bytes overflows `Int` or exceeds the
    /// machine's physical memory, it throws at once instead of growing the
    /// process until the operating system kills it.
    ///
    /// - Parameter minimumCapacity: The number of records to make room for.
    /// - Throws: ``RecordArenaError/requestExceedsPhysicalMemory(requestedBytes:physicalBytes:)``
    ///   for a request no machine of this size can meet, with nothing allocated;
    ///   otherwise ``RecordArenaError`` if memory is refused, when the capacity
    ///   reserved before the failure is kept and the records are unchanged.
    /// - Complexity: O(*c*), where *c* is the number of chunks added.
    public func reserveCapacity(_ minimumCapacity: Int) throws(RecordArenaError) {
        try storage.pointee.reserve(minimumCapacity)
    }

    /// Removes every record and returns the arena's memory to the OS.
    ///
    /// Each chunk is freed (`dallocx`) and `arena.<i>.purge` returns the
    /// pages; the arena keeps its jemalloc arena and can be filled again.
    /// Chunks that live views (``RecordArenaView``) still read are freed when
    /// the last such view is dropped; the ``publisher`` publishes the empty arena.
    ///
    /// - Complexity: O(*c*), where *c* is the number of chunks (one per 99,864 records).
    public func removeAll() {
        storage.pointee.removeAll()
        if storage.pointee.publishes { publish() }
    }

    /// Moves the records into an immutable, `Sendable` ``SealedRecords`` without copying them.
    ///
    /// Afterwards this arena is empty and usable; its ``publisher`` publishes
    /// the empty arena, and views taken before keep reading the sealed records,
    /// which are immutable from now on. It and every part it has
    /// sealed share one jemalloc arena, so sealing repeatedly, and keeping the
    /// parts, never takes another one: there is no limit on the number of live
    /// sealed parts. Dropping a part frees its own chunks at once; the jemalloc
    /// arena returns to the pool when the arena and all its parts are gone.
    ///
    /// - Returns: The sealed records.
    /// - Complexity: O(1).
    public func seal() -> SealedRecords {
        // Move the storage out (ownership passes; no record or pointer is copied)
        // and leave a fresh, empty one in its place, on the same lease.
        storage.pointee.refreshZoneMaps()
        var moved = storage.move()
        storage.initialize(to: ChunkStorage(
            byteLimit: moved.byteLimit, hugePages: moved.hugePages,
            lease: moved.lease, cancellation: moved.cancellation))
        storage.pointee.publishes = moved.publishes
        if moved.publishes { publish() }
        moved.closeWriteWindow()
        return SealedRecords(storage: moved)
    }

    // MARK: Chunk access

    /// Calls `body` with each chunk's records as a mutable buffer, in order.
    ///
    /// Use it to transform records in place or to hand them to C code.
    ///
    /// - Parameter body: A closure that reads or writes one chunk's records.
    ///   The buffer is valid only during the call: do not store or return it.
    /// - Throws: What `body` throws; chunks after the throwing one are not visited.
    /// - Complexity: O(*c*) calls, where *c* is the number of chunks.
    @inlinable
    public func forEachMutableChunk<E: Error>(
        _ body: (UnsafeMutableBufferPointer<sensor_record_t>) throws(E) -> Void
    ) throws(E) {
        let chunkCount = storage.pointee.filledChunkCount
        // The body may change records: the cached zone maps are dropped before the next read.
        storage.pointee.zoneMapsMayBeStale = true
        for chunk in 0..<chunkCount { try body(storage.pointee.buffer(ofChunk: chunk)) }
    }

    /// Accesses the record at `index`.
    ///
    /// - Parameter position: A valid index: `0 <= position < count`. Any other index traps.
    /// - Complexity: O(1).
    @inlinable
    public subscript(position: Int) -> SensorRecord {
        get { SensorRecord(storage.pointee.pointer(at: position).pointee) }
        set {
            storage.pointee.pointer(at: position).pointee = newValue.raw
            storage.pointee.zoneMapsMayBeStale = true
        }
    }
}

extension RecordArena: RandomAccessCollection, MutableCollection {
    /// Always 0.
    @inlinable public var startIndex: Int { 0 }
    /// The number of records.
    @inlinable public var endIndex: Int { storage.pointee.count }
    /// The number of records.
    @inlinable public var count: Int { storage.pointee.count }
    /// Whether the arena holds no records.
    @inlinable public var isEmpty: Bool { storage.pointee.count == 0 }
}

extension RecordArena: ChunkedRecords {
    /// The number of chunks that hold records.
    @inlinable public var chunkCount: Int { storage.pointee.filledChunkCount }

    /// Calls `body` with each chunk's records as a `Span`, in order.
    ///
    /// - Parameter body: A closure that reads one chunk. The span cannot escape the call.
    /// - Throws: What `body` throws.
    /// - Complexity: O(*c*) calls, where *c* is the number of chunks.
    @inlinable
    public func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E) {
        let chunkCount = storage.pointee.filledChunkCount
        for chunk in 0..<chunkCount {
            try body(Span(_unsafeElements: UnsafeBufferPointer(storage.pointee.buffer(ofChunk: chunk))))
        }
    }
}

// MARK: Live views

extension RecordArena {
    /// A `Sendable` view of every record appended so far, which it also publishes.
    ///
    /// Call it on the writer's side and hand the view to readers on other
    /// tasks; readers that should take views themselves use ``publisher``.
    /// See ``RecordArenaView`` for what a view keeps alive.
    ///
    /// - Returns: A view of the first ``count`` records, as they are now.
    /// - Complexity: O(1); no allocation.
    public func view() -> RecordArenaView {
        storage.pointee.refreshZoneMaps()
        let view = RecordArenaView(table: storage.pointee.table, count: storage.pointee.count)
        if storage.pointee.publishes { viewPublisher.publish(view) }
        return view
    }

    /// Publishes every record appended so far to ``publisher``'s views.
    ///
    /// Appends publish on their own at the end of each bulk append and each
    /// time a single append starts a new chunk (about every 100,000 records);
    /// call this to publish single appends sooner.
    ///
    /// - Complexity: O(1): one lock.
    public func publish() {
        storage.pointee.refreshZoneMaps()
        viewPublisher.publish(RecordArenaView(table: storage.pointee.table, count: storage.pointee.count))
    }

    /// The `Sendable` source of views of this arena for other tasks.
    ///
    /// The first access turns publication on and publishes the records so
    /// far; from then on the arena publishes as ``publish()`` describes. An
    /// arena whose publisher is never asked for pays nothing for it.
    ///
    /// - Complexity: O(1).
    public var publisher: RecordArenaPublisher {
        if !storage.pointee.publishes {
            storage.pointee.publishes = true
            publish()
        }
        return viewPublisher
    }
}

// MARK: Blocks

extension RecordArena: RecordBlockStore {
    /// The number of blocks: one per chunk that holds records.
    public var blockCount: Int { storage.pointee.filledChunkCount }

    /// The zone map of chunk `block`'s records.
    ///
    /// Appends do not compute zone maps: a chunk's map is computed the first
    /// time it is asked for and cached, and the last chunk's cached map is
    /// extended from the record it had reached (a "summarized up to"
    /// watermark), so the append path is unchanged. In-place writes drop the
    /// cached maps, which are recomputed on the next request.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Returns: The ranges of the chunk's records.
    /// - Complexity: O(1) once cached; O(*r*) in the records not yet summarized.
    public func zoneMap(ofBlock block: Int) -> ZoneMap {
        require(block >= 0 && block < blockCount, "RecordArena: block \(block) out of range 0..<\(blockCount)")
        storage.pointee.refreshZoneMaps()
        return storage.pointee.zoneMap(ofChunk: block)
    }

    /// Calls `body` with chunk `block`'s records as packed rows.
    ///
    /// - Parameters:
    ///   - block: A block index in `0..<blockCount`; any other traps.
    ///   - columns: Ignored: a chunk is rows.
    ///   - body: Reads the block. The buffer is valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    /// - Complexity: O(1) plus `body`.
    public func withBlock<Result, E: Error>(
        _ block: Int, columns: RecordColumnSet, _ body: (RecordBlock) throws(E) -> Result
    ) throws(E) -> Result {
        require(block >= 0 && block < blockCount, "RecordArena: block \(block) out of range 0..<\(blockCount)")
        return try body(.rows(UnsafeBufferPointer(storage.pointee.buffer(ofChunk: block))))
    }
}
