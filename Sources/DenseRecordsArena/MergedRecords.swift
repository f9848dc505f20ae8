public import DenseRecordsCore
import InternalDenseRecordsUtilities
public import CDenseRecords

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
    }

    /// Accesses the record at `position`.
    ///
    /// - Parameter position: A valid index: `0 <= position < count`. Any other index traps.
    /// - Complexity: O(log *k*), where *k* is the number of parts.
    public subscript(position: Int) -> SensorRecord {
        precondition(position >= 0 && position < starts[starts.count - 1], "Index out of range")
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

extension RecordArena {
    /// Fills one arena per producer, concurrently, and merges them into one read view.
    ///
    /// Each producer gets a fresh ``RecordArena`` of its own, in a child task,
    /// so appends take no lock and no producer waits for another. When every
    /// producer has returned, the arenas are sealed and merged in producer order.
    ///
    /// ```swift
    /// let all = try await RecordArena.ingestConcurrently(producers: 2) { producer, arena in
    ///     for record in feed(producer) { try arena.append(record) }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - producers: The number of producers, at least 1.
    ///   - byteLimitPerProducer: Each producer arena's byte limit, or `nil`.
    ///   - produce: Fills `arena` for producer number `producer` (`0..<producers`).
    ///     The arena must not escape the closure.
    /// - Returns: Every producer's records, producer 0's first.
    /// - Throws: The first error a producer throws. The other producers are
    ///   cancelled, and every arena's memory is released.
    public static func ingestConcurrently(
        producers: Int,
        byteLimitPerProducer: Int? = nil,
        _ produce: @escaping @Sendable (_ producer: Int, _ arena: RecordArena) async throws -> Void
    ) async throws -> MergedRecords {
        precondition(producers >= 1, "ingestConcurrently needs at least one producer")
        let parts = try await withThrowingTaskGroup(of: (Int, SealedRecords).self) { group in
            for producer in 0..<producers {
                group.addTask {
                    let arena = RecordArena(byteLimit: byteLimitPerProducer)
                    try await produce(producer, arena)
                    return (producer, arena.seal())
                }
            }
            var sealed = [SealedRecords?](repeating: nil, count: producers)
            for try await (producer, part) in group { sealed[producer] = part }
            return sealed.compactMap { $0 }
        }
        return MergedRecords(parts)
    }
}
