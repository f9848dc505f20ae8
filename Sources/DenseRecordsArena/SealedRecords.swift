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

    /// Takes ownership of `storage`; its `deinit` frees the chunks when this object goes away.
    init(storage: consuming ChunkStorage) {
        self.storage = storage
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
