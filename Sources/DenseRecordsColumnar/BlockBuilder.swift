#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Encodes records, in the order given, into blocks of a growing buffer.
///
/// Holds one block of decoded columns as scratch (39 bytes per record of
/// the block size) and the encoded output; nothing else grows with the input.
struct BlockBuilder: ~Copyable {
    let blockSize: Int
    /// The encoded blocks so far, in pages that grow without being copied.
    private var pages: PageBuffer?
    private(set) var used = 0
    /// The bytes the pages can hold.
    private var capacity: Int { pages?.capacity ?? 0 }
    private(set) var blockOffsets: [Int] = [0]
    /// Block `b` holds records `recordStarts[b] ..< recordStarts[b + 1]` of the order fed in.
    private(set) var recordStarts: [Int] = [0]
    /// A block ends early where a new sensor starts once it holds this many records.
    let sensorCutMinimum: Int

    private let sensorIDs: UnsafeMutablePointer<UInt32>
    private let timestamps: UnsafeMutablePointer<Int64>
    private let values: UnsafeMutablePointer<Double>
    private let units: UnsafeMutablePointer<UInt8>
    private let integers: UnsafeMutablePointer<Int64>
    private let scratch: UnsafeMutablePointer<UInt64>
    private let exceptionPositions: UnsafeMutablePointer<UInt16>
    private var pending = 0
    /// The decimal exponent of the last block of decimals: the next block's value planner tries it first.
    private var valueExponentHint = 2

    init(blockSize: Int, expectedRecords: Int) throws(ColumnarError) {
        self.blockSize = blockSize
        sensorCutMinimum = Swift.max(1, blockSize / 16)
        sensorIDs = .allocate(capacity: blockSize)
        timestamps = .allocate(capacity: blockSize)
        values = .allocate(capacity: blockSize)
        units = .allocate(capacity: blockSize)
        integers = .allocate(capacity: blockSize)
        scratch = .allocate(capacity: blockSize)
        exceptionPositions = .allocate(capacity: blockSize)
        blockOffsets.reserveCapacity(expectedRecords / blockSize + 2)
        recordStarts.reserveCapacity(expectedRecords / blockSize + 2)
        // A first guess of 2 bytes per record; the buffer doubles when it must.
        try reserve(Swift.max(4_096, Swift.min(expectedRecords, 1 << 40) * 2))
    }

    deinit {
        sensorIDs.deallocate()
        timestamps.deallocate()
        values.deallocate()
        units.deallocate()
        integers.deallocate()
        scratch.deallocate()
        exceptionPositions.deallocate()
        pages?.release()
    }

    /// Appends one record; a full block is encoded at once.
    @inline(__always)
    mutating func append(_ record: sensor_record_t) throws(ColumnarError) {
        if pending >= sensorCutMinimum, record.sensor_id != sensorIDs[pending &- 1] { try flush() }
        sensorIDs[pending] = record.sensor_id
        timestamps[pending] = record.timestamp_ns
        values[pending] = record.value
        units[pending] = record.unit
        pending &+= 1
        if pending == blockSize { try flush() }
    }

    /// Encodes `count` records as one block of their own, which `fill` writes
    /// straight into the block's columns (sensor ids, timestamps, values and
    /// unit codes, `count` of each), with none of ``append(_:)``'s checks per record.
    ///
    /// - Precondition: No record is pending, and `count` is in 1...``blockSize``.
    mutating func appendBlock(
        count: Int,
        _ fill: (UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<UInt8>) -> Void
    ) throws(ColumnarError) {
        precondition(pending == 0 && count >= 1 && count <= blockSize, "appendBlock needs an empty builder and 1...blockSize records")
        fill(sensorIDs, timestamps, values, units)
        pending = count
        try flush()
    }

    /// Encodes the pending records, if any, as one block.
    mutating func flush() throws(ColumnarError) {
        let n = pending
        guard n > 0 else { return }
        pending = 0
        let (zone, sorted) = pendingZoneMap(count: n)
        let ids = UnsafeBufferPointer(start: sensorIDs, count: n)
        let sensorRuns = SensorColumn.runCount(ids)
        let sensorBytes = SensorColumn.byteCount(runs: sensorRuns)
        let timestampPlan = IntegerColumnPlan(
            planning: UnsafeBufferPointer(start: timestamps, count: n), scratch: scratch,
            range: zone.minTimestamp...zone.maxTimestamp)
        let timestampBytes = timestampPlan.byteCount
        let unitPlan = UnitColumnPlan(
            planning: UnsafeBufferPointer(start: units, count: n), codeRange: zone.minUnitCode...zone.maxUnitCode)
        let unitBytes = unitPlan.byteCount
        // The timestamp plan's scratch is written before the value plan reuses it.
        let header = BlockLayout.headerBytes
        let timestampOffset = header + sensorBytes
        let valueOffset = timestampOffset + timestampBytes
        try reserve(used + valueOffset)
        var block = pages.unsafelyUnwrapped.base + used
        block.initializeMemory(as: UInt8.self, repeating: 0, count: valueOffset)
        SensorColumn.write(ids, runs: sensorRuns, to: block + header)
        timestampPlan.write(UnsafeBufferPointer(start: timestamps, count: n), scratch: scratch, to: block + timestampOffset)
        let valuePlan = ValueColumnPlan(
            planning: UnsafeBufferPointer(start: values, count: n), integers: integers, scratch: scratch,
            exceptionPositions: exceptionPositions, exponentHint: valueExponentHint)
        if valuePlan.encoding != .plain { valueExponentHint = valuePlan.exponent }
        let unitOffset = valueOffset + valuePlan.byteCount
        let byteCount = unitOffset + unitBytes
        try reserve(used + byteCount)
        block = pages.unsafelyUnwrapped.base + used
        (block + valueOffset).initializeMemory(as: UInt8.self, repeating: 0, count: byteCount - valueOffset)
        valuePlan.write(
            UnsafeBufferPointer(start: values, count: n), integers: integers, scratch: scratch,
            exceptionPositions: exceptionPositions, to: block + valueOffset)
        unitPlan.write(UnsafeBufferPointer(start: units, count: n), to: block + unitOffset)
        block.storeBytes(of: BlockLayout.magic, as: UInt32.self)
        block.storeBytes(of: BlockLayout.version, toByteOffset: 4, as: UInt16.self)
        block.storeBytes(of: sorted ? BlockLayout.flagSorted : 0, toByteOffset: 6, as: UInt16.self)
        block.storeBytes(of: UInt32(n), toByteOffset: 8, as: UInt32.self)
        block.storeBytes(of: UInt32(byteCount), toByteOffset: 12, as: UInt32.self)
        block.storeBytes(of: zone.minSensorID, toByteOffset: 16, as: UInt32.self)
        block.storeBytes(of: zone.maxSensorID, toByteOffset: 20, as: UInt32.self)
        block.storeBytes(of: zone.minTimestamp, toByteOffset: 24, as: Int64.self)
        block.storeBytes(of: zone.maxTimestamp, toByteOffset: 32, as: Int64.self)
        block.storeBytes(of: zone.minValue.bitPattern, toByteOffset: 40, as: UInt64.self)
        block.storeBytes(of: zone.maxValue.bitPattern, toByteOffset: 48, as: UInt64.self)
        block.storeBytes(of: UInt32(zone.nanCount), toByteOffset: 56, as: UInt32.self)
        block.storeBytes(of: zone.minUnitCode, toByteOffset: 60, as: UInt8.self)
        block.storeBytes(of: zone.maxUnitCode, toByteOffset: 61, as: UInt8.self)
        block.storeBytes(of: UInt32(header), toByteOffset: 64, as: UInt32.self)
        block.storeBytes(of: UInt32(timestampOffset), toByteOffset: 68, as: UInt32.self)
        block.storeBytes(of: UInt32(valueOffset), toByteOffset: 72, as: UInt32.self)
        block.storeBytes(of: UInt32(unitOffset), toByteOffset: 76, as: UInt32.self)
        used += byteCount
        blockOffsets.append(used)
        recordStarts.append(recordStarts[recordStarts.count - 1] + n)
    }

    /// The zone map of the `n` pending records, the same as including them
    /// one by one in order, and whether they are ordered by sensor, then time.
    ///
    /// Column by column, so that each loop is short, and the values' minimum
    /// and maximum in two lanes of vector compares rather than one chain of
    /// dependent, branching comparisons.
    private func pendingZoneMap(count n: Int) -> (ZoneMap, sorted: Bool) {
        var zone = ZoneMap()
        zone.recordCount = n
        // Out of order anywhere: a pair whose sensor decreases, or whose sensor
        // stays and whose time decreases. One pass to the end, without stopping
        // at the first such pair.
        var disorder = false
        for i in 1..<Swift.max(n, 1) {
            let (s0, s1) = (sensorIDs[i &- 1], sensorIDs[i])
            disorder = disorder || (s0 > s1) || (s0 == s1 && timestamps[i &- 1] > timestamps[i])
        }
        let sorted = !disorder
        if sorted, n > 0, sensorIDs[0] == sensorIDs[n - 1] {
            // One sensor's records in time order: the ends are the extremes.
            zone.minSensorID = sensorIDs[0]
            zone.maxSensorID = sensorIDs[0]
            zone.minTimestamp = timestamps[0]
            zone.maxTimestamp = timestamps[n - 1]
        } else {
            for i in 0..<n {
                zone.minSensorID = Swift.min(zone.minSensorID, sensorIDs[i])
                zone.maxSensorID = Swift.max(zone.maxSensorID, sensorIDs[i])
                zone.minTimestamp = Swift.min(zone.minTimestamp, timestamps[i])
                zone.maxTimestamp = Swift.max(zone.maxTimestamp, timestamps[i])
            }
        }
        for i in 0..<n {
            zone.minUnitCode = Swift.min(zone.minUnitCode, units[i])
            zone.maxUnitCode = Swift.max(zone.maxUnitCode, units[i])
        }
        // Lanes of two, compared and selected without branches; a NaN compares
        // false, so it never replaces an extreme, and is counted on the side.
        var low = SIMD2<Double>(repeating: .infinity)
        var high = SIMD2<Double>(repeating: -.infinity)
        var nanCount = 0
        var i = 0
        while i &+ 2 <= n {
            let value = SIMD2(values[i], values[i &+ 1])
            low.replace(with: value, where: value .< low)
            high.replace(with: value, where: value .> high)
            nanCount &+= (value[0].isNaN ? 1 : 0) &+ (value[1].isNaN ? 1 : 0)
            i &+= 2
        }
        if i < n {
            let value = values[i]
            if value.isNaN { nanCount &+= 1 }
            if value < low[0] { low[0] = value }
            if value > high[0] { high[0] = value }
        }
        zone.nanCount = nanCount
        for lane in 0..<2 {
            zone.minValue = Swift.min(zone.minValue, low[lane])
            zone.maxValue = Swift.max(zone.maxValue, high[lane])
        }
        // Lanes may disagree only on which of two equal values to keep, which
        // matters for zeros alone (0.0 == -0.0). In order, `Swift.min` keeps the
        // first of equals and `Swift.max` the last: so the first zero, or the last.
        if zone.minValue == 0, let first = (0..<n).first(where: { values[$0] == 0 }) {
            zone.minValue = values[first]
        }
        if zone.maxValue == 0, let last = (0..<n).last(where: { values[$0] == 0 }) {
            zone.maxValue = values[last]
        }
        return (zone, sorted)
    }

    /// Puts the blocks built so far in another order: `production[k]` is the
    /// place in the new order of the block built `k`-th.
    ///
    /// Copies the blocks into fresh pages of the same size and unmaps the old
    /// ones, so the output is held twice for the length of the copy.
    ///
    /// - Precondition: `production` is a permutation of `0..<blockCount`, and no record is pending.
    mutating func reorderBlocks(_ production: [Int]) throws(ColumnarError) {
        let count = blockOffsets.count - 1
        precondition(production.count == count && pending == 0, "reorderBlocks needs a permutation of the blocks built")
        guard count > 1, let old = pages else { return }
        var built = [Int](repeating: -1, count: count)
        for (k, place) in production.enumerated() { built[place] = k }
        let fresh = try PageBuffer(byteCount: used)
        var offsets = [0]
        var starts = [0]
        offsets.reserveCapacity(count + 1)
        starts.reserveCapacity(count + 1)
        for place in 0..<count {
            let k = built[place]
            precondition(k >= 0, "reorderBlocks needs a permutation of the blocks built")
            let bytes = blockOffsets[k + 1] - blockOffsets[k]
            (fresh.base + offsets[place]).copyMemory(from: old.base + blockOffsets[k], byteCount: bytes)
            offsets.append(offsets[place] + bytes)
            starts.append(starts[place] + recordStarts[k + 1] - recordStarts[k])
        }
        old.release()
        pages = fresh
        blockOffsets = offsets
        recordStarts = starts
    }

    /// Grows the pages to hold at least `bytes`, doubling their address space
    /// (see ``PageBuffer/resized(toHold:keeping:)``: no copy on Linux).
    private mutating func reserve(_ bytes: Int) throws(ColumnarError) {
        guard bytes > capacity else { return }
        let newCapacity = Swift.max(bytes, capacity * 2)
        if let pages {
            self.pages = try pages.resized(toHold: newCapacity, keeping: used)
        } else {
            pages = try PageBuffer(byteCount: newCapacity)
        }
    }

    /// Hands over the pages that hold the blocks, cut to the pages they use
    /// and made read-only.
    ///
    /// Pages, not `malloc`, so that the store's allocated capacity is exact
    /// (the bytes rounded up to the page size) whatever allocator the process
    /// links, and so that the blocks cannot change once built. On Linux the
    /// cut copies nothing (`mremap`).
    mutating func takeBlocks() throws(ColumnarError) -> PageBuffer? {
        guard used > 0, let pages else { return nil }
        let taken = try pages.resized(toHold: used, keeping: used)
        taken.seal()
        self.pages = nil
        return taken
    }
}
