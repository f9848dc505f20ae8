import InternalDenseRecordsUtilities

extension CompressedRecords: RandomAccessCollection {
    /// Always 0.
    public var startIndex: Int { 0 }

    /// The number of records.
    public var endIndex: Int { count }

    /// The record at `position` in the store's order (by sensor id, then
    /// timestamp, then input position; see ``CompressedRecords``).
    ///
    /// Decodes one record of one block in place: run-length columns by binary
    /// search, delta columns from the nearest checkpoint (at most 127 deltas).
    ///
    /// - Parameter position: A valid index: `0 <= position < count`. Any other index traps.
    /// - Complexity: O(1) blocks touched; O(log *b*) in the number of blocks only
    ///   for stores opened over blocks of unequal sizes.
    public subscript(position: Int) -> SensorRecord {
        require(position >= 0 && position < count, "CompressedRecords index \(position) out of range 0..<\(count)")
        let block = block(containing: position)
        return SensorRecord(reader(ofBlock: block).record(at: position - recordStarts[block]))
    }
}

extension CompressedRecords: ChunkedRecords {
    /// The number of blocks: each is one chunk.
    public var chunkCount: Int { blockCount }

    /// Calls `body` with each block's records decoded into packed rows, in order.
    ///
    /// This is for readers that need `sensor_record_t` rows (exports, packed
    /// snapshots). Queries should use ``withBlock(_:columns:_:)``, which
    /// decodes only the columns they read.
    ///
    /// - Parameter body: Reads one block's rows. The span cannot escape the call;
    ///   the memory behind it is reused for the next block.
    /// - Throws: What `body` throws; later blocks are not visited.
    /// - Complexity: O(*n*); one block of rows is allocated for the whole call.
    public func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E) {
        guard blockCount > 0 else { return }
        var largest = 0
        for b in 0..<blockCount { largest = Swift.max(largest, recordStarts[b + 1] - recordStarts[b]) }
        let rows = UnsafeMutableBufferPointer<sensor_record_t>.allocate(capacity: largest)
        defer { rows.deallocate() }
        let scratch = BlockScratch(capacity: largest)
        defer { scratch.deallocate() }
        for b in 0..<blockCount {
            let columns = scratch.decode(reader(ofBlock: b), columns: .all)
            for i in 0..<columns.count {
                rows[i] = sensor_record_t(
                    sensor_id: columns.sensorIDs.unsafelyUnwrapped[i], timestamp_ns: columns.timestamps.unsafelyUnwrapped[i],
                    value: columns.values.unsafelyUnwrapped[i], unit: columns.unitCodes.unsafelyUnwrapped[i])
            }
            try body(Span(_unsafeElements: UnsafeBufferPointer(rebasing: rows[0..<columns.count])))
        }
    }
}

extension CompressedRecords {
    /// Calls `body` with block `block` decoded into packed rows, for readers
    /// that copy whole records; queries should use ``withBlock(_:columns:_:)``.
    ///
    /// - Parameters:
    ///   - block: A block index in `0..<blockCount`; any other traps.
    ///   - body: Reads the rows; they are valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    /// - Complexity: O(*k*) for the *k* records of the block; one block of rows
    ///   and one of columns are allocated for the call.
    public func withRows<Result, E: Error>(
        ofBlock block: Int, _ body: (UnsafeBufferPointer<sensor_record_t>) throws(E) -> Result
    ) throws(E) -> Result {
        require(block >= 0 && block < blockCount, "CompressedRecords block \(block) out of range 0..<\(blockCount)")
        let reader = reader(ofBlock: block)
        let n = reader.count
        let rows = UnsafeMutableBufferPointer<sensor_record_t>.allocate(capacity: n)
        defer { rows.deallocate() }
        let scratch = BlockScratch(capacity: n)
        defer { scratch.deallocate() }
        let columns = scratch.decode(reader, columns: .all)
        for i in 0..<n {
            rows[i] = sensor_record_t(
                sensor_id: columns.sensorIDs.unsafelyUnwrapped[i], timestamp_ns: columns.timestamps.unsafelyUnwrapped[i],
                value: columns.values.unsafelyUnwrapped[i], unit: columns.unitCodes.unsafelyUnwrapped[i])
        }
        return try body(UnsafeBufferPointer(rows))
    }
}

/// Decoding space for one block's columns.
struct BlockScratch {
    let memory: UnsafeMutableRawPointer
    let capacity: Int

    /// Space for `capacity` records of every column.
    init(capacity: Int) {
        self.capacity = capacity
        memory = .allocate(byteCount: Swift.max(1, 21 * capacity), alignment: 8)
    }

    func deallocate() { memory.deallocate() }

    /// Decodes `columns` of `block` into the scratch space.
    @inline(__always)
    func decode(_ block: BlockReader, columns: RecordColumnSet) -> RecordColumns {
        let n = block.count
        let values = memory
        let timestamps = memory + 8 * capacity
        let sensorIDs = memory + 16 * capacity
        let units = memory + 20 * capacity
        var valueBuffer: UnsafeBufferPointer<Double>?
        var timestampBuffer: UnsafeBufferPointer<Int64>?
        var sensorBuffer: UnsafeBufferPointer<UInt32>?
        var unitBuffer: UnsafeBufferPointer<UInt8>?
        if columns.contains(.value) {
            block.values.decode(into: values)
            valueBuffer = UnsafeBufferPointer(start: values.assumingMemoryBound(to: Double.self), count: n)
        }
        if columns.contains(.timestamp) {
            block.timestamps.decode(into: timestamps)
            timestampBuffer = UnsafeBufferPointer(start: timestamps.assumingMemoryBound(to: Int64.self), count: n)
        }
        if columns.contains(.sensorID) {
            let typed = sensorIDs.assumingMemoryBound(to: UInt32.self)
            block.sensors.decode(into: typed)
            sensorBuffer = UnsafeBufferPointer(start: typed, count: n)
        }
        if columns.contains(.unit) {
            let typed = units.assumingMemoryBound(to: UInt8.self)
            block.units.decode(into: typed, count: n)
            unitBuffer = UnsafeBufferPointer(start: typed, count: n)
        }
        return RecordColumns(count: n, sensorIDs: sensorBuffer, timestamps: timestampBuffer, values: valueBuffer, unitCodes: unitBuffer)
    }
}
