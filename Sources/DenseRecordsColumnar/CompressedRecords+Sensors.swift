import InternalDenseRecordsUtilities

extension CompressedRecords {
    /// The positions of sensor `sensorID`'s records, in time order.
    ///
    /// A store in ``RecordOrdering/sensorThenTime`` order keeps each sensor's
    /// records in one run: this finds it through the block index, by binary
    /// search over the blocks' first records and then inside one block.
    ///
    /// - Parameter sensorID: The sensor.
    /// - Returns: The run's index range; empty (at the position where the sensor
    ///   would be) when the store has none of its records.
    /// - Precondition: ``recordOrdering`` is ``RecordOrdering/sensorThenTime``
    ///   (always true for stores this module builds); the process traps otherwise.
    /// - Complexity: O(log *b*) blocks' first records plus O(log *k*) records of
    ///   two blocks, each decoded in place: no block is decoded whole.
    public func indices(ofSensor sensorID: UInt32) -> Range<Int> {
        indices(ofSensor: sensorID, in: Int64.min..<Int64.max).lowerBound
            ..< lowerBound(of: (sensorID, Int64.max), inclusiveOfEqual: true)
    }

    /// The positions of sensor `sensorID`'s records whose timestamps lie in
    /// `timeRange`, a half-open range of Unix nanoseconds.
    ///
    /// Read them with `self[range]`, or decode their blocks with
    /// ``blocks(containing:)`` and ``withBlock(_:columns:_:)``.
    ///
    /// - Parameters:
    ///   - sensorID: The sensor.
    ///   - timeRange: The timestamps wanted, `[from, to)`.
    /// - Returns: The matching records' index range, possibly empty.
    /// - Precondition: ``recordOrdering`` is ``RecordOrdering/sensorThenTime``.
    /// - Complexity: As ``indices(ofSensor:)``.
    public func indices(ofSensor sensorID: UInt32, in timeRange: Range<Int64>) -> Range<Int> {
        let lower = lowerBound(of: (sensorID, timeRange.lowerBound), inclusiveOfEqual: false)
        let upper = lowerBound(of: (sensorID, timeRange.upperBound), inclusiveOfEqual: false)
        return lower..<Swift.max(lower, upper)
    }

    /// The blocks that hold the records at `indices`.
    ///
    /// - Parameter indices: Positions in `0...count`.
    /// - Returns: The blocks to decode for them; empty for an empty range.
    /// - Complexity: O(1) for stores this module builds.
    public func blocks(containing indices: Range<Int>) -> Range<Int> {
        require(indices.lowerBound >= 0 && indices.upperBound <= count, "CompressedRecords range \(indices) out of 0..<\(count)")
        guard !indices.isEmpty else { return 0..<0 }
        return block(containing: indices.lowerBound)..<(block(containing: indices.upperBound - 1) + 1)
    }

    /// The first position whose (sensor, timestamp) key is `>= key`
    /// (`> key` when `inclusiveOfEqual`), or `count`.
    func lowerBound(of key: (UInt32, Int64), inclusiveOfEqual: Bool) -> Int {
        require(ordering == .sensorThenTime, "CompressedRecords sensor lookups need a store in sensor-then-time order")
        guard blockCount > 0 else { return 0 }
        @inline(__always) func before(_ candidate: (UInt32, Int64)) -> Bool {
            inclusiveOfEqual ? candidate <= key : candidate < key
        }
        // The last block whose first record is before the key; the bound is in it or at the next block's start.
        var low = 0
        var high = blockCount - 1
        while low < high {
            let mid = (low + high + 1) / 2
            let first = reader(ofBlock: mid)
            if before((first.sensors.id(ofRun: 0), first.timestamps.value(at: 0))) { low = mid } else { high = mid - 1 }
        }
        let reader = reader(ofBlock: low)
        let sensors = reader.sensors
        let timestamps = reader.timestamps
        // Inside the block: the sensor runs first, then the timestamps of one run.
        var lowRun = 0
        var highRun = sensors.runs
        while lowRun < highRun {
            let mid = (lowRun + highRun) / 2
            if sensors.id(ofRun: mid) < key.0 { lowRun = mid + 1 } else { highRun = mid }
        }
        var start = lowRun == 0 ? 0 : sensors.end(ofRun: lowRun - 1)
        var end = start
        if lowRun < sensors.runs, sensors.id(ofRun: lowRun) == key.0 {
            end = sensors.end(ofRun: lowRun)
            while start < end {
                let mid = (start + end) / 2
                if before((key.0, timestamps.value(at: mid))) { start = mid + 1 } else { end = mid }
            }
        }
        return recordStarts[low] + start
    }
}

extension CompressedRecords {
    /// Where the store's bytes go, exactly, and how many blocks use each encoding.
    ///
    /// - Complexity: O(*b*) in the number of blocks.
    public var storageStatistics: ColumnarStorageStatistics {
        var statistics = ColumnarStorageStatistics(
            recordCount: count, blockCount: blockCount, totalBytes: 0, sensorIDBytes: 0, timestampBytes: 0,
            valueBytes: 0, unitBytes: 0, blockHeaderBytes: 0, indexBytes: 0, overheadBytes: 0,
            sensorIDEncodings: [:], timestampEncodings: [:], valueEncodings: [:], unitEncodings: [:])
        var blockBytes = 0
        for b in 0..<blockCount {
            let reader = reader(ofBlock: b)
            statistics.sensorIDBytes += reader.columnBytes(0)
            statistics.timestampBytes += reader.columnBytes(1)
            statistics.valueBytes += reader.columnBytes(2)
            statistics.unitBytes += reader.columnBytes(3)
            statistics.blockHeaderBytes += BlockLayout.headerBytes
            blockBytes += reader.byteCount
            let encodings = reader.encodings
            statistics.sensorIDEncodings[encodings.sensorID, default: 0] += 1
            statistics.timestampEncodings[encodings.timestamp, default: 0] += 1
            statistics.valueEncodings[encodings.value, default: 0] += 1
            statistics.unitEncodings[encodings.unit, default: 0] += 1
        }
        // Arrays hold a 32-byte header and their capacity (which Swift sets from the allocator's usable size).
        statistics.indexBytes = 32 + 8 * blockOffsets.capacity + 32 + 8 * recordStarts.capacity
        // The object: a 16-byte header and its stored properties, rounded to the allocator's 16.
        let objectBytes = (16 + MemoryLayout<UnsafeRawPointer?>.size + MemoryLayout<PageBuffer?>.stride
            + MemoryLayout<(any AnyObject & Sendable)?>.stride + 2 * MemoryLayout<[Int]>.stride
            + 4 * MemoryLayout<Int>.stride + MemoryLayout<RecordOrdering>.stride + 15) & ~15
        let slack = bufferCapacity - blockBytes
        statistics.overheadBytes = objectBytes + slack
        statistics.totalBytes = blockBytes + statistics.indexBytes + statistics.overheadBytes
        return statistics
    }
}
