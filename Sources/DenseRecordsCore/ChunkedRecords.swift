public import CDenseRecords

/// Records stored in contiguous chunks that can be read without copying.
///
/// ``RecordArena`` and ``SealedRecords`` conform. Code that only reads, such
/// as a scan or a sink, can take `some ChunkedRecords` and accept either.
public protocol ChunkedRecords: RandomAccessCollection where Element == SensorRecord, Index == Int {
    /// The number of chunks that hold records.
    var chunkCount: Int { get }

    /// Calls `body` with each chunk's records, in order.
    ///
    /// - Parameter body: A closure that reads one chunk. The buffer is valid
    ///   only during the call: do not store or return it.
    /// - Throws: What `body` throws; later chunks are not visited.
    func forEachChunk<E: Error>(_ body: (UnsafeBufferPointer<sensor_record_t>) throws(E) -> Void) throws(E)
}

extension ChunkedRecords {
    /// Calls `body` with each chunk's records as a `Span`, in order.
    ///
    /// - Parameter body: A closure that reads one chunk. The span cannot
    ///   escape the call.
    /// - Throws: What `body` throws.
    @inlinable
    public func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E) {
        try forEachChunk { (buffer) throws(E) in
            try body(Span(_unsafeElements: buffer))
        }
    }

    /// Combines every record, chunk by chunk, into one result.
    ///
    /// - Parameters:
    ///   - initialResult: The starting value.
    ///   - nextPartialResult: Combines the result so far with one chunk's
    ///     records. The buffer is valid only during the call.
    /// - Returns: The final result.
    /// - Complexity: O(*n*).
    @inlinable
    public func reduceChunks<Result>(
        _ initialResult: Result,
        _ nextPartialResult: (Result, UnsafeBufferPointer<sensor_record_t>) -> Result
    ) -> Result {
        var result = initialResult
        forEachChunk { (buffer) throws(Never) in result = nextPartialResult(result, buffer) }
        return result
    }

    /// The sum of every record's `value`, computed chunk by chunk.
    ///
    /// - Complexity: O(*n*).
    @inlinable
    public func sumOfValues() -> Double {
        reduceChunks(0.0) { sum, chunk in
            var sum = sum
            for record in chunk { sum += record.value }
            return sum
        }
    }
}
