public import DenseRecordsCore
import InternalDenseRecordsUtilities
public import CDenseRecords

/// Immutable records moved out of a ``RecordArena``, safe to share across tasks.
///
/// Create one with ``RecordArena/seal()``. The records stay where the arena
/// put them; nothing is copied. A sealed part shares its arena's jemalloc
/// arena, so any number of parts can be alive at once. When the last
/// reference goes away, its chunks are freed at once; the jemalloc arena
/// returns to the pool when the arena and all its parts are gone.
///
/// ```swift
/// let sealed = arena.seal()
/// async let left = Task { sealed.sumOfValues() }.value
/// async let right = Task { sealed.count }.value
/// ```
// @unchecked Sendable, and why that is sound: the one stored property is a `let`
// set in `init`, and the memory `storage` owns (the chunk table and the chunks)
// is written only before `init` (by the RecordArena that filled it and moved it
// here) and freed only by its `deinit`, which runs when no reference remains. In between it is
// only read, and concurrent reads of unchanging memory do not race.
public final class SealedRecords: @unchecked Sendable {
    @usableFromInline let storage: ChunkStorage
    /// The order of the records: ``RecordOrdering/sensorThenTime`` for the
    /// result of ``RecordArena/seal(sortedBy:)``, otherwise ``RecordOrdering/unordered``.
    public let recordOrdering: RecordOrdering
    /// Each sensor's run of records, by ascending sensor id, when
    /// ``recordOrdering`` is ``RecordOrdering/sensorThenTime``; otherwise empty.
    public let sensorRuns: [SensorRun]

    /// Takes ownership of `storage`; its chunks are freed when this object and
    /// every view that lists them are gone.
    init(storage: consuming ChunkStorage, ordering: RecordOrdering = .unordered, sensorRuns: [SensorRun] = []) {
        self.storage = storage
        self.recordOrdering = ordering
        self.sensorRuns = sensorRuns
    }

    /// Figures for this part's own chunks, exact though it shares a jemalloc arena.
    ///
    /// - Complexity: O(*c*) `mincore` calls, where *c* is the number of chunks;
    ///   do not call it per record.
    public var statistics: ArenaStatistics { storage.statistics() }

    /// Accesses the record at `position`.
    ///
    /// - Parameter position: A valid index: `0 <= position < count`. Any other index traps.
    /// - Complexity: O(1).
    @inlinable
    public subscript(position: Int) -> SensorRecord {
        SensorRecord(storage.pointer(at: position).pointee)
    }
}

extension SealedRecords: RandomAccessCollection {
    /// Always 0.
    @inlinable public var startIndex: Int { 0 }
    /// The number of records.
    @inlinable public var endIndex: Int { storage.count }
    /// The number of records.
    @inlinable public var count: Int { storage.count }
}

extension SealedRecords: ChunkedRecords {
    /// The number of chunks that hold records.
    @inlinable public var chunkCount: Int { storage.filledChunkCount }

    /// Calls `body` with each chunk's records as a `Span`, in order.
    ///
    /// - Parameter body: A closure that reads one chunk. The span cannot escape the call.
    /// - Throws: What `body` throws.
    /// - Complexity: O(*c*) calls, where *c* is the number of chunks.
    @inlinable
    public func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E) {
        for chunk in 0..<storage.filledChunkCount {
            try body(Span(_unsafeElements: UnsafeBufferPointer(storage.buffer(ofChunk: chunk))))
        }
    }
}

extension SealedRecords: RecordBlockStore {
    /// The number of blocks: one per chunk that holds records.
    public var blockCount: Int { storage.filledChunkCount }

    /// The zone map of chunk `block`'s records, computed on first request and cached.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Returns: The ranges of the chunk's records.
    /// - Complexity: O(1) once cached; O(*r*) in the chunk's records the first time.
    public func zoneMap(ofBlock block: Int) -> ZoneMap {
        require(block >= 0 && block < blockCount, "SealedRecords: block \(block) out of range 0..<\(blockCount)")
        return storage.zoneMap(ofChunk: block)
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
        require(block >= 0 && block < blockCount, "SealedRecords: block \(block) out of range 0..<\(blockCount)")
        return try body(.rows(UnsafeBufferPointer(storage.buffer(ofChunk: block))))
    }
}
