public import DenseRecordsCore
import InternalDenseRecordsUtilities
public import CDenseRecords
import Synchronization

/// Several sealed parts read as one sequence of records, without copying.
///
/// This is how several producers ingest at once: each fills a ``RecordArena``
/// of its own, with no lock on the hot path, seals it, and the parts are read
/// together through one `MergedRecords`. ``RecordArena/ingestConcurrently(producers:byteLimitPerProducer:_:)``
/// does all of it.
///
/// Records appear part by part, in the order of `parts`.
public struct MergedRecords: Sendable {
    /// The sealed parts, in reading order.
    public let parts: [SealedRecords]
    /// `starts[k]` is the index of part `k`'s first record; one extra entry holds the total.
    @usableFromInline let starts: [Int]
    /// `blockStarts[k]` is the index of part `k`'s first block; one extra entry holds the total.
    let blockStarts: [Int]

    /// Reads `parts` as one sequence.
    ///
    /// - Parameter parts: The parts, in the order their records should appear.
    /// - Complexity: O(*k*), where *k* is the number of parts.
    public init(_ parts: [SealedRecords]) {
        self.parts = parts
        var starts = [0]
        starts.reserveCapacity(parts.count + 1)
        for part in parts { starts.append(starts[starts.count - 1] + part.count) }
        self.starts = starts
        var blockStarts = [0]
        blockStarts.reserveCapacity(parts.count + 1)
        for part in parts { blockStarts.append(blockStarts[blockStarts.count - 1] + part.blockCount) }
        self.blockStarts = blockStarts
    }

    /// Accesses the record at `position`.
    ///
    /// - Parameter position: A valid index: `0 <= position < count`. Any other index traps.
    /// - Complexity: O(log *k*), where *k* is the number of parts.
    public subscript(position: Int) -> SensorRecord {
        require(position >= 0 && position < starts[starts.count - 1], "Index out of range")
        let part = searchLastIndex(in: parts.count, withKeyAtMost: position) { starts[$0] }
        return parts[part][position - starts[part]]
    }
}

extension MergedRecords: RandomAccessCollection {
    /// Always 0.
    @inlinable public var startIndex: Int { 0 }
    /// The total number of records.
    @inlinable public var endIndex: Int { starts[starts.count - 1] }
}

extension MergedRecords: ChunkedRecords {
    /// The number of chunks, summed over the parts.
    public var chunkCount: Int { parts.reduce(0) { $0 + $1.chunkCount } }

    /// Calls `body` with each part's chunks as spans, part by part.
    ///
    /// - Parameter body: A closure that reads one chunk. The span cannot escape the call.
    /// - Throws: What `body` throws.
    /// - Complexity: O(*c*) calls, where *c* is the number of chunks.
    @inlinable
    public func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E) {
        for part in parts { try part.forEachSpan(body) }
    }
}

extension MergedRecords: RecordBlockStore {
    /// The number of blocks, summed over the parts.
    public var blockCount: Int { blockStarts[blockStarts.count - 1] }

    /// The part holding block `block`, and the block's index within it.
    private func locate(_ block: Int) -> (part: Int, local: Int) {
        require(block >= 0 && block < blockCount, "MergedRecords: block \(block) out of range 0..<\(blockCount)")
        // Parts without records have no blocks, so the last part starting at or
        // before `block` is the one that holds it.
        let part = searchLastIndex(in: parts.count, withKeyAtMost: block) { blockStarts[$0] }
        return (part, block - blockStarts[part])
    }

    /// The zone map of block `block`: one chunk of one part.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Returns: The ranges of the block's records.
    /// - Complexity: O(log *k*) in the parts, plus the part's cost.
    public func zoneMap(ofBlock block: Int) -> ZoneMap {
        let (part, local) = locate(block)
        return parts[part].zoneMap(ofBlock: local)
    }

    /// Calls `body` with block `block`'s records as packed rows.
    ///
    /// - Parameters:
    ///   - block: A block index in `0..<blockCount`; any other traps.
    ///   - columns: Ignored: a chunk is rows.
    ///   - body: Reads the block. The buffer is valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    /// - Complexity: O(log *k*) in the parts, plus `body`.
    public func withBlock<Result, E: Error>(
        _ block: Int, columns: RecordColumnSet, _ body: (RecordBlock) throws(E) -> Result
    ) throws(E) -> Result {
        let (part, local) = locate(block)
        return try parts[part].withBlock(local, columns: columns, body)
    }
}

/// The stop signal shared by the producers of one concurrent ingest.
///
/// Set when a producer throws or the ingesting task is cancelled. Each
/// producer's arena loads it (relaxed, one atomic load) only when it needs a
/// new chunk or a larger one, so the per-record append path is untouched.
final class IngestCancellation: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let first = SanitizerVisibleMutex<(any Error)?>(nil)

    /// Whether the ingest has stopped.
    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Stops the ingest because a producer threw `error`; the first such error is kept.
    ///
    /// Errors thrown after the stop (a sibling's ``RecordArenaError/ingestCancelled``)
    /// are not kept: they are consequences, not the cause.
    func fail(with error: any Error) {
        first.withLock { first in
            if first == nil, !stopped.load(ordering: .relaxed) { first = error }
            stopped.store(true, ordering: .relaxed)
        }
    }

    /// Stops the ingest because its task was cancelled.
    func cancel() { stopped.store(true, ordering: .relaxed) }

    /// The error that stopped the ingest, if a producer threw.
    var firstError: (any Error)? { first.withLock { $0 } }
}

extension RecordArena {
    /// Fills one arena per producer, concurrently, and merges them into one read view.
    ///
    /// Each producer gets a fresh ``RecordArena`` of its own, in a child task,
    /// so appends take no lock and no producer waits for another. When every
    /// producer has returned, the arenas are sealed and merged in producer order.
    ///
    /// When a producer throws, or the calling task is cancelled, the ingest
    /// stops: every other producer's arena then throws
    /// ``RecordArenaError/ingestCancelled`` from its next append that needs a
    /// new chunk, so a producer that never suspends (a tight loop over an
    /// in-memory or file source) stops within one chunk, about 100,000 records,
    /// with no `Task.yield()` or `Task.checkCancellation()` in its loop. Let
    /// that error propagate, as `try` does:
    ///
    /// ```swift
    /// let all = try await RecordArena.ingestConcurrently(producers: 4) { producer, arena in
    ///     var reader = try FeedReader(shard: producer)
    ///     while let record = try reader.next() {
    ///         try arena.append(record)  // throws .ingestCancelled once a sibling has failed
    ///     }
    /// }
    /// ```
    ///
    /// A producer that does slow work between appends can check
    /// `Task.isCancelled` as well: the producers' tasks are cancelled too.
    ///
    /// - Parameters:
    ///   - producers: The number of producers, at least 1.
    ///   - byteLimitPerProducer: Each producer arena's byte limit, or `nil`.
    ///   - produce: Fills `arena` for producer number `producer` (`0..<producers`).
    ///     The arena must not escape the closure.
    /// - Returns: Every producer's records, producer 0's first.
    /// - Throws: The first error a producer throws (not the
    ///   ``RecordArenaError/ingestCancelled`` of the producers it stopped), or
    ///   `CancellationError` if the calling task was cancelled. Every arena's
    ///   memory is released.
    /// - Complexity: O(*p*) tasks, plus what the producers do.
    public static func ingestConcurrently(
        producers: Int,
        byteLimitPerProducer: Int? = nil,
        _ produce: @escaping @Sendable (_ producer: Int, _ arena: RecordArena) async throws -> Void
    ) async throws -> MergedRecords {
        require(producers >= 1, "ingestConcurrently needs at least one producer")
        let cancellation = IngestCancellation()
        let parts = try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: (Int, SealedRecords).self) { group in
                for producer in 0..<producers {
                    group.addTask {
                        let arena = RecordArena(byteLimit: byteLimitPerProducer, hugePages: false, cancellation: cancellation)
                        do {
                            try await produce(producer, arena)
                        } catch {
                            cancellation.fail(with: error)
                            throw error
                        }
                        return (producer, arena.seal())
                    }
                }
                var sealed = [SealedRecords?](repeating: nil, count: producers)
                do {
                    for try await (producer, part) in group { sealed[producer] = part }
                } catch {
                    // Leaving the group waits for every producer; the stop makes
                    // even those that never suspend return within one chunk.
                    cancellation.fail(with: error)
                    group.cancelAll()
                    throw cancellation.firstError ?? (Task.isCancelled ? CancellationError() : error)
                }
                return sealed.compactMap { $0 }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return MergedRecords(parts)
    }
}
