public import CDenseRecords

/// Records stored in contiguous chunks that can be read without copying.
///
/// ``RecordArena`` and ``SealedRecords`` conform. Code that only reads, such
/// as a scan or a sink, can take `some ChunkedRecords` and accept either.
public protocol ChunkedRecords: RandomAccessCollection where Element == SensorRecord, Index == Int {
    /// The number of chunks that hold records.
    var chunkCount: Int { get }

    /// Calls `body` with each chunk's records as a `Span`, in order.
    ///
    /// This is the primary way to read a store: a span is bounds-checked and
    /// cannot outlive the call, so a reader cannot keep a pointer into memory
    /// the store may free. ``forEachChunk(_:)`` derives a buffer pointer from
    /// it for code that hands records to C.
    ///
    /// - Parameter body: A closure that reads one chunk. The span cannot
    ///   escape the call.
    /// - Throws: What `body` throws; later chunks are not visited.
    func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E)

    /// Checks chunk `chunk` against the integrity data the store keeps for it,
    /// such as a snapshot block's CRC32C.
    ///
    /// Writers that copy records out of a store (snapshots, Arrow) call it
    /// for each chunk before writing the chunk, so that damage is refused
    /// rather than given a fresh, valid checksum in the copy. Stores in memory
    /// have nothing to check; the default does nothing.
    ///
    /// - Parameter chunk: A chunk index in `0..<chunkCount`.
    /// - Throws: An error naming the damage, when the chunk fails its check.
    /// - Complexity: O(1) for stores without integrity data; for a snapshot,
    ///   one checksum of the block the first time, O(1) after.
    func verifyChunk(_ chunk: Int) throws

    /// Copies the fields of the records at `offsets`, in that order, into four
    /// columns: element `k` of each column comes from record `offsets[k]`.
    ///
    /// A gather: many reads at scattered positions in one call, for code that
    /// reorders a store into columns, such as the columnar build, which groups
    /// records per sensor. The default reads each record through the
    /// subscript; it is inlinable, so each store's conformance gets it
    /// specialized to its own subscript, not a generic call per record.
    ///
    /// - Parameters:
    ///   - offsets: Positions counted from `startIndex`, each less than
    ///     `count`; any other traps.
    ///   - sensorIDs: Room for `offsets.count` sensor ids.
    ///   - timestamps: Room for `offsets.count` timestamps.
    ///   - values: Room for `offsets.count` values.
    ///   - units: Room for `offsets.count` unit codes.
    /// - Complexity: O(*k*) for *k* offsets.
    func copyColumns(
        atOffsets offsets: UnsafeBufferPointer<UInt32>, sensorIDs: UnsafeMutablePointer<UInt32>,
        timestamps: UnsafeMutablePointer<Int64>, values: UnsafeMutablePointer<Double>, units: UnsafeMutablePointer<UInt8>)

    /// The sum of every record's `value`.
    ///
    /// The default adds the values chunk by chunk, in order. A store may add
    /// them another way: a compressed store adds each block's decimal integers
    /// exactly and divides the total by a power of ten once. So two stores holding the same
    /// records can return sums that differ in their last bits, as any two
    /// orders of addition can. A NaN value makes the sum NaN.
    ///
    /// - Complexity: O(*n*).
    func sumOfValues() -> Double
}

extension ChunkedRecords {
    /// Does nothing: the store keeps no integrity data to check.
    ///
    /// - Parameter chunk: A chunk index.
    public func verifyChunk(_ chunk: Int) throws {}

    /// Copies the fields of the records at `offsets`, in that order, into four
    /// columns, reading each record through the subscript.
    ///
    /// - Parameters:
    ///   - offsets: Positions counted from `startIndex`, each less than `count`; any other traps.
    ///   - sensorIDs: Room for `offsets.count` sensor ids.
    ///   - timestamps: Room for `offsets.count` timestamps.
    ///   - values: Room for `offsets.count` values.
    ///   - units: Room for `offsets.count` unit codes.
    /// - Complexity: O(*k*) subscript reads for *k* offsets.
    @inlinable
    public func copyColumns(
        atOffsets offsets: UnsafeBufferPointer<UInt32>, sensorIDs: UnsafeMutablePointer<UInt32>,
        timestamps: UnsafeMutablePointer<Int64>, values: UnsafeMutablePointer<Double>, units: UnsafeMutablePointer<UInt8>
    ) {
        let base = startIndex
        for k in offsets.indices {
            let record = self[base + Int(offsets[k])].raw
            sensorIDs[k] = record.sensor_id
            timestamps[k] = record.timestamp_ns
            values[k] = record.value
            units[k] = record.unit
        }
    }
}

extension ChunkedRecords {
    /// Calls `body` with each chunk's records as a buffer pointer, in order.
    ///
    /// Derived from ``forEachSpan(_:)``, for code that hands records to C or
    /// needs an `UnsafeBufferPointer` API.
    ///
    /// - Parameter body: A closure that reads one chunk. The buffer is valid
    ///   only during the call: do not store or return it.
    /// - Throws: What `body` throws; later chunks are not visited.
    /// - Complexity: O(*c*) calls, where *c* is the number of chunks.
    @inlinable
    public func forEachChunk<E: Error>(_ body: (UnsafeBufferPointer<sensor_record_t>) throws(E) -> Void) throws(E) {
        try forEachSpan { (span) throws(E) in
            try span.withUnsafeBufferPointer { (buffer) throws(E) in try body(buffer) }
        }
    }

    /// Calls `body` with each chunk's records, in order, after checking the
    /// chunk with ``verifyChunk(_:)``.
    ///
    /// Writers that copy records out of a store use it, so that a damaged
    /// chunk (a snapshot block that fails its CRC32C, say) is refused before
    /// any of its records reach the output, rather than given a fresh, valid
    /// checksum in the copy.
    ///
    /// ```swift
    /// try records.forEachVerifiedChunk(damaged: { chunk, error in
    ///     ExportError.damagedInput(chunk: chunk, reason: "\(error)")
    /// }) { (chunk) throws(ExportError) in
    ///     try writer.write(contentsOf: chunk)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - damaged: Makes the error to throw for a chunk that fails its check,
    ///     from the chunk's index and the check's error.
    ///   - body: A closure that reads one verified chunk. The buffer is valid
    ///     only during the call: do not store or return it.
    /// - Throws: `damaged`'s error for the first chunk that fails its check, or
    ///   what `body` throws; later chunks are not visited.
    /// - Complexity: O(*c*) checks and calls, where *c* is the number of chunks.
    @inlinable
    public func forEachVerifiedChunk<E: Error>(
        damaged: (_ chunk: Int, _ error: any Error) -> E,
        _ body: (UnsafeBufferPointer<sensor_record_t>) throws(E) -> Void
    ) throws(E) {
        var index = 0
        try forEachChunk { (chunk) throws(E) in
            do {
                try verifyChunk(index)
            } catch {
                throw damaged(index, error)
            }
            index += 1
            try body(chunk)
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

    /// The sum of every record's `value`, added chunk by chunk, in order.
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
