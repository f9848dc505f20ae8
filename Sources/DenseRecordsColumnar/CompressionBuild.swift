/// Groups the input per sensor and time and feeds it, block by block, to a ``BlockBuilder``.
enum CompressionBuild {
    /// What a build hands the store.
    struct Parts {
        var pages: PageBuffer?
        var offsets: [Int]
        var recordStarts: [Int]
    }

    /// The most records a store indexes: positions in the grouping are 32-bit.
    static let recordLimit = Int(UInt32.max)

    static func run<S: ChunkedRecords>(_ records: S, options: ColumnarOptions) throws(ColumnarError) -> Parts {
        let blockSize = options.recordsPerBlock
        guard (1...ColumnarOptions.maximumRecordsPerBlock).contains(blockSize) else { throw .invalidBlockSize(blockSize) }
        let n = records.count
        guard n <= recordLimit else { throw .tooManyRecords(count: n, limit: recordLimit) }
        // Pass 1: the sensor id range, and whether the input is already in order.
        var minSensor = UInt32.max
        var maxSensor: UInt32 = 0
        var inOrder = true
        var previousSensor: UInt32 = 0
        var previousTime = Int64.min
        records.forEachChunk { chunk in
            for record in chunk {
                let sensor = record.sensor_id
                let time = record.timestamp_ns
                minSensor = min(minSensor, sensor)
                maxSensor = max(maxSensor, sensor)
                if sensor < previousSensor || (sensor == previousSensor && time < previousTime) { inOrder = false }
                previousSensor = sensor
                previousTime = time
            }
        }
        var builder = try BlockBuilder(blockSize: blockSize, expectedRecords: n)
        if inOrder {
            var failure: ColumnarError?
            records.forEachChunk { chunk in
                guard failure == nil else { return }
                do throws(ColumnarError) {
                    for record in chunk { try builder.append(record) }
                } catch { failure = error }
            }
            if let failure { throw failure }
        } else {
            let order = try groupedOrder(records, minSensor: minSensor, maxSensor: maxSensor)
            defer { order.deallocate() }
            // Gathered a block at a time through the store's own reads: one call per
            // block, not a generic subscript call per record.
            let rows = UnsafeMutablePointer<sensor_record_t>.allocate(capacity: blockSize)
            defer { rows.deallocate() }
            var start = 0
            while start < n {
                let end = Swift.min(n, start + blockSize)
                records.copyRecords(atOffsets: UnsafeBufferPointer(rebasing: order[start..<end]), to: rows)
                for k in 0..<(end - start) { try builder.append(rows[k]) }
                start = end
            }
        }
        try builder.flush()
        let pages = try builder.takeBlocks()
        return Parts(pages: pages, offsets: builder.blockOffsets, recordStarts: builder.recordStarts)
    }

    /// The input positions in store order: by sensor (a stable counting sort),
    /// then each sensor's positions sorted by timestamp where they are not already.
    static func groupedOrder<S: ChunkedRecords>(_ records: S, minSensor: UInt32, maxSensor: UInt32) throws(ColumnarError) -> UnsafeMutableBufferPointer<UInt32> {
        let n = records.count
        let range = Int(maxSensor - minSensor) + 1
        // Sensor ids dense enough index a table directly; others go through a dictionary.
        let direct = range <= max(65_536, n / 4)
        var dictionary: [UInt32: Int] = [:]
        var slotCount = range
        if !direct {
            records.forEachChunk { chunk in
                for record in chunk where dictionary[record.sensor_id] == nil {
                    dictionary[record.sensor_id] = dictionary.count
                }
            }
            // Dense indices in sensor id order, so the counting sort yields sensors ascending.
            let sorted = dictionary.keys.sorted()
            for (index, sensor) in sorted.enumerated() { dictionary[sensor] = index }
            slotCount = sorted.count
        }
        @inline(__always) func slot(_ sensor: UInt32) -> Int {
            direct ? Int(sensor - minSensor) : dictionary[sensor].unsafelyUnwrapped
        }
        // Per slot: the next output position, and whether its timestamps are in order.
        var next = [Int](repeating: 0, count: slotCount + 1)
        var lastTime = [Int64](repeating: .min, count: slotCount)
        var unsorted = [Bool](repeating: false, count: slotCount)
        records.forEachChunk { chunk in
            for record in chunk {
                let s = slot(record.sensor_id)
                next[s + 1] += 1
                if record.timestamp_ns < lastTime[s] { unsorted[s] = true }
                lastTime[s] = record.timestamp_ns
            }
        }
        for s in 0..<slotCount { next[s + 1] += next[s] }
        let starts = next
        let order = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: n)
        var position: UInt32 = 0
        records.forEachChunk { chunk in
            for record in chunk {
                let s = slot(record.sensor_id)
                order[next[s]] = position
                next[s] += 1
                position &+= 1
            }
        }
        let base = records.startIndex
        for s in 0..<slotCount where unsorted[s] {
            var segment = UnsafeMutableBufferPointer(rebasing: order[starts[s]..<starts[s + 1]])
            segment.sort { a, b in
                let ta = records[base + Int(a)].raw.timestamp_ns
                let tb = records[base + Int(b)].raw.timestamp_ns
                return ta != tb ? ta < tb : a < b
            }
        }
        return order
    }
}
