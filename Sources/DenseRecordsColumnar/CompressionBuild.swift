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
        // Pass 1: the sensor id range, whether the input is already in order, and
        // the census grouping needs when it is not (see `SensorCensus`).
        var minSensor = UInt32.max
        var maxSensor: UInt32 = 0
        var inOrder = true
        var previousSensor: UInt32 = 0
        var previousTime = Int64.min
        let census = SensorCensus(firstSensor: records.first?.sensorID ?? 0)
        defer { census.deallocate() }
        var censusComplete = true
        let (censusBase, counts, lastTimes, unsorted) = (census.base, census.counts, census.lastTimes, census.unsorted)
        records.forEachChunk { chunk in
            for record in chunk {
                let sensor = record.sensor_id
                let time = record.timestamp_ns
                minSensor = min(minSensor, sensor)
                maxSensor = max(maxSensor, sensor)
                if sensor < previousSensor || (sensor == previousSensor && time < previousTime) { inOrder = false }
                previousSensor = sensor
                previousTime = time
                let d = Int(sensor &- censusBase)
                if d < SensorCensus.width {
                    counts[d] &+= 1
                    if time < lastTimes[d] { unsorted[d] = true }
                    lastTimes[d] = time
                } else {
                    censusComplete = false
                }
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
            let (order, runs) = try groupedOrder(
                records, minSensor: minSensor, maxSensor: maxSensor, census: censusComplete ? census : nil)
            // The blocks, as ranges of the grouped order, cut as the builder cuts them.
            let blocks = blockRanges(runs: runs, blockSize: blockSize, cutMinimum: builder.sensorCutMinimum)
            // Built in the order of their first input position, not the store's: the
            // blocks of every sensor that read one stretch of the input come one after
            // another while it is in cache, where building sensor by sensor would read
            // the whole input once per sensor. `reorderBlocks` puts them in store order.
            let production = blocks.indices.sorted { order[blocks[$0].lowerBound] < order[blocks[$1].lowerBound] }
            do {
                defer { order.deallocate() }
                // Gathered a block at a time through the store's own reads, straight
                // into the builder's columns: one call per block, not a generic
                // subscript call per record, and no rows in between.
                for block in production {
                    let range = blocks[block]
                    try builder.appendBlock(count: range.count) { sensorIDs, timestamps, values, units in
                        records.copyColumns(
                            atOffsets: UnsafeBufferPointer(rebasing: order[range]), sensorIDs: sensorIDs,
                            timestamps: timestamps, values: values, units: units)
                    }
                }
            }
            // The positions are freed first: the copy holds the output twice, briefly.
            try builder.reorderBlocks(production)
        }
        try builder.flush()
        let pages = try builder.takeBlocks()
        return Parts(pages: pages, offsets: builder.blockOffsets, recordStarts: builder.recordStarts)
    }

    /// The blocks a ``BlockBuilder`` cuts from records grouped in `runs` (the
    /// boundaries of each sensor's run in the grouped order, from 0 to the
    /// record count), as ranges of that order: a block ends after `blockSize`
    /// records, or where a new sensor starts once it holds `cutMinimum`.
    static func blockRanges(runs: [Int], blockSize: Int, cutMinimum: Int) -> [Range<Int>] {
        var blocks: [Range<Int>] = []
        var open = 0
        for (start, end) in zip(runs, runs.dropFirst()) where end > start {
            if start - open >= cutMinimum {
                blocks.append(open..<start)
                open = start
            }
            while end - open >= blockSize {
                blocks.append(open..<(open + blockSize))
                open += blockSize
            }
        }
        if let last = runs.last, open < last { blocks.append(open..<last) }
        return blocks
    }

    /// The input positions in store order: by sensor (a stable counting sort),
    /// then each sensor's positions sorted by timestamp where they are not
    /// already; and the boundaries of each sensor's run in that order, from 0
    /// to the record count.
    ///
    /// A complete `census` holds every sensor's count already, so the records
    /// are read once here instead of twice.
    static func groupedOrder<S: ChunkedRecords>(
        _ records: S, minSensor: UInt32, maxSensor: UInt32, census: SensorCensus?
    ) throws(ColumnarError) -> (order: UnsafeMutableBufferPointer<UInt32>, runs: [Int]) {
        let n = records.count
        let range = Int(maxSensor - minSensor) + 1
        // Sensor ids dense enough index a table directly; others go through a dictionary.
        let direct = census != nil || range <= max(65_536, n / 4)
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
        let slots = dictionary
        @inline(__always) func slot(_ sensor: UInt32) -> Int {
            direct ? Int(sensor &- minSensor) : slots[sensor].unsafelyUnwrapped
        }
        // Per slot: the next output position, and whether its timestamps are in
        // order. Raw buffers: arrays captured by the chunk closures would be
        // checked for uniqueness and exclusive access on every record.
        let next = UnsafeMutableBufferPointer<Int>.allocate(capacity: slotCount + 1)
        defer { next.deallocate() }
        next.initialize(repeating: 0)
        let lastTime = UnsafeMutableBufferPointer<Int64>.allocate(capacity: slotCount)
        defer { lastTime.deallocate() }
        lastTime.initialize(repeating: .min)
        let unsorted = UnsafeMutableBufferPointer<Bool>.allocate(capacity: slotCount)
        defer { unsorted.deallocate() }
        unsorted.initialize(repeating: false)
        if let census {
            // The census window starts at or below the smallest id and covers the largest.
            let offset = Int(minSensor - census.base)
            for s in 0..<slotCount {
                next[s &+ 1] = census.counts[offset &+ s]
                unsorted[s] = census.unsorted[offset &+ s]
            }
        } else {
            records.forEachChunk { chunk in
                for record in chunk {
                    let s = slot(record.sensor_id)
                    next[s &+ 1] &+= 1
                    if record.timestamp_ns < lastTime[s] { unsorted[s] = true }
                    lastTime[s] = record.timestamp_ns
                }
            }
        }
        for s in 0..<slotCount { next[s + 1] += next[s] }
        let starts = Array(next)
        let order = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: n)
        var position: UInt32 = 0
        records.forEachChunk { chunk in
            for record in chunk {
                let s = slot(record.sensor_id)
                order[next[s]] = position
                next[s] &+= 1
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
        return (order, starts)
    }
}

/// Per sensor id in a window of ``width`` ids from ``base``: how many records
/// it has and whether its timestamps ever decrease, counted during the first
/// pass over the input so that grouping need not read the input again to count.
/// An id outside the window makes the census incomplete, and grouping counts
/// on its own. The window is placed to hold the first record's id and, where
/// it can, the ids below it.
struct SensorCensus {
    /// The ids the window covers: 32 KiB of counts, as much again of timestamps.
    static let width = 4_096
    let base: UInt32
    let counts: UnsafeMutablePointer<Int>
    let lastTimes: UnsafeMutablePointer<Int64>
    let unsorted: UnsafeMutablePointer<Bool>

    init(firstSensor: UInt32) {
        let half = UInt32(Self.width / 2)
        // The window must not wrap past UInt32.max: an id below `base` then
        // lies at least `width` past it, outside.
        base = Swift.min(firstSensor < half ? 0 : firstSensor - half, UInt32.max - UInt32(Self.width - 1))
        counts = .allocate(capacity: Self.width)
        counts.initialize(repeating: 0, count: Self.width)
        lastTimes = .allocate(capacity: Self.width)
        lastTimes.initialize(repeating: .min, count: Self.width)
        unsorted = .allocate(capacity: Self.width)
        unsorted.initialize(repeating: false, count: Self.width)
    }

    func deallocate() {
        counts.deallocate()
        lastTimes.deallocate()
        unsorted.deallocate()
    }
}
