public import DenseRecordsCore
import InternalDenseRecordsUtilities
public import CDenseRecords

/// A read-only, `Sendable` view of the first ``count`` records of a
/// ``RecordArena`` that may still be filling.
///
/// Take one with ``RecordArena/view()`` on the writer's side, or with
/// ``RecordArenaPublisher/view()`` from any task. A view sees exactly the
/// records that were published when it was taken, and never changes: the
/// writer's later appends land past its end, in memory the view does not
/// read. Chunks never move, so a view copies nothing: it is one reference to
/// the arena's chunk table and a count, and taking or dropping one allocates
/// nothing and creates no jemalloc arena.
///
/// ## Lifetime
///
/// A view keeps the chunks it reads alive, by reference counting at chunk
/// granularity: the arena's ``RecordArena/removeAll()``, ``RecordArena/seal()``
/// and ``RecordArena/seal(sortedBy:)`` never wait and never throw because of
/// views; a chunk is freed when neither the arena (or the sealed records it
/// moved into) nor any view lists it any more. A view taken before
/// `removeAll()` keeps reading the old records until it is dropped.
///
/// Changing records in place (``RecordArena/subscript(_:)`` set,
/// ``RecordArena/forEachMutableChunk(_:)``) while a view that covers them is
/// read by another task is a data race: do such edits before publishing, or
/// after the views are gone. Even from one task, a view's queries may still use
/// the zone maps of records as they were before such an edit, and skip blocks
/// that now match (iteration sees the new values): take a new view after
/// changing records in place.
///
/// ```swift
/// let publisher = arena.publisher
/// Task.detached { print(publisher.view().sumOfValues()) }   // a reader
/// try arena.append(contentsOf: batch)                        // the writer goes on; batch is published
/// ```
public struct RecordArenaView: Sendable {
    @usableFromInline let table: ChunkTable?
    /// The number of records the view sees.
    public let count: Int

    init(table: ChunkTable?, count: Int) {
        self.table = table
        self.count = count
    }

    /// Records in chunk `chunk` as this view sees them.
    @inlinable
    func recordCount(ofChunk chunk: Int) -> Int {
        Swift.min(count - chunk * ChunkGeometry.recordsPerChunk, ChunkGeometry.recordsPerChunk)
    }

    @inlinable
    func buffer(ofChunk chunk: Int) -> UnsafeBufferPointer<sensor_record_t> {
        UnsafeBufferPointer(start: table.unsafelyUnwrapped.pointers[chunk], count: recordCount(ofChunk: chunk))
    }

    /// Accesses the record at `position`.
    ///
    /// - Parameter position: A valid index: `0 <= position < count`. Any other index traps.
    /// - Complexity: O(1).
    @inlinable
    public subscript(position: Int) -> SensorRecord {
        let slot = UInt(bitPattern: position)
        if _slowPath(!(slot < UInt(bitPattern: count))) { fatalError("RecordArenaView: index \(position) out of range 0..<\(count)") }
        let (chunk, offset) = slot.quotientAndRemainder(dividingBy: UInt(ChunkGeometry.recordsPerChunk))
        return SensorRecord(table.unsafelyUnwrapped.pointers[Int(bitPattern: chunk)][Int(bitPattern: offset)])
    }
}

extension RecordArenaView: RandomAccessCollection {
    /// Always 0.
    @inlinable public var startIndex: Int { 0 }
    /// The number of records the view sees.
    @inlinable public var endIndex: Int { count }
}

extension RecordArenaView: ChunkedRecords {
    /// The number of chunks that hold the view's records.
    @inlinable public var chunkCount: Int {
        (count + ChunkGeometry.recordsPerChunk - 1) / ChunkGeometry.recordsPerChunk
    }

    /// Calls `body` with each chunk's records as a `Span`, in order.
    ///
    /// - Parameter body: A closure that reads one chunk. The span cannot escape the call.
    /// - Throws: What `body` throws.
    /// - Complexity: O(*c*) calls, where *c* is the number of chunks.
    @inlinable
    public func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E) {
        for chunk in 0..<chunkCount { try body(Span(_unsafeElements: buffer(ofChunk: chunk))) }
    }
}

extension RecordArenaView: RecordBlockStore {
    /// The number of blocks: one per chunk that holds the view's records.
    public var blockCount: Int { chunkCount }

    /// The zone map of the view's records in chunk `block`.
    ///
    /// Maps are computed on first request and cached in the chunk table the
    /// arena and its views share, so each chunk is summarized once.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Returns: The ranges of the block's records.
    /// - Complexity: O(1) once cached; O(*r*) in the chunk's records the first time.
    public func zoneMap(ofBlock block: Int) -> ZoneMap {
        require(block >= 0 && block < blockCount, "RecordArenaView: block \(block) out of range 0..<\(blockCount)")
        return table.unsafelyUnwrapped.zoneMap(ofChunk: block, recordCount: recordCount(ofChunk: block))
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
        require(block >= 0 && block < blockCount, "RecordArenaView: block \(block) out of range 0..<\(blockCount)")
        return try body(.rows(buffer(ofChunk: block)))
    }
}

/// Hands out views of a filling ``RecordArena`` to any task.
///
/// Get it from ``RecordArena/publisher``. The writer publishes (stores the
/// count of complete records, under a lock) whenever a bulk append finishes,
/// whenever a single append starts a new chunk, and when it calls
/// ``RecordArena/publish()`` or ``RecordArena/view()``; `removeAll()` and
/// `seal()` publish the empty arena. ``view()`` returns the latest publication.
public final class RecordArenaPublisher: Sendable {
    private let latest = SanitizerVisibleMutex(RecordArenaView(table: nil, count: 0))

    init() {}

    /// A view of the records published last.
    ///
    /// - Returns: A view that sees every record published before the call.
    /// - Complexity: O(1): one lock, no allocation.
    public func view() -> RecordArenaView {
        latest.withLock { $0 }
    }

    func publish(_ view: RecordArenaView) {
        latest.withLock { $0 = view }
    }
}
