import DenseRecordsCore

/// The inner loops. Each is generic over the block accessor (rows or
/// columns), so the compiler emits one specialized loop per layout; flags
/// that cannot change within a range are tested once, outside the loop.
/// Nothing here allocates per record: group storage grows by doubling, sketches
/// by doubling their bucket arrays, exact-quantile arrays by doubling.
extension QueryEngine {
    /// Aggregates the records of `range` that pass `residual`.
    @inline(__always)
    func scan<Block: BlockAccessor>(
        _ records: Block, _ range: Range<Int>, residual: CompiledFilter, constantSlot: Int?, nanFree: Bool
    ) throws(QueryError) {
        if let constantSlot, !plan.needsEachValue {
            if !residual.isTrivial {
                addMatching(records, range, residual: residual, into: &table.states[constantSlot], extremes: plan.needsExtremes)
            } else if plan.needsExtremes {
                addExtremes(records, range, into: &table.states[constantSlot])
            } else {
                addSum(records, range, into: &table.states[constantSlot], nanFree: nanFree)
            }
            return
        }
        try scanEach(records, range, residual: residual, constantSlot: constantSlot)
    }

    /// Count and sum of every record in `range`: the full-store fast path,
    /// one load and one add per record when the zone map says there is no NaN.
    @inline(__always)
    func addSum<Block: BlockAccessor>(
        _ records: Block, _ range: Range<Int>, into state: inout GroupState, nanFree: Bool
    ) {
        var sum = 0.0
        var nanCount = 0
        if nanFree {
            for index in range { sum += records.value(index) }
        } else {
            for index in range {
                let value = records.value(index)
                if value.isNaN { nanCount &+= 1 } else { sum += value }
            }
        }
        state.count &+= range.count - nanCount
        state.nanCount &+= nanCount
        state.sum += sum
    }

    /// Count, sum, minimum and maximum of every record in `range`.
    @inline(__always)
    func addExtremes<Block: BlockAccessor>(_ records: Block, _ range: Range<Int>, into state: inout GroupState) {
        var local = state
        for index in range {
            let value = records.value(index)
            if value.isNaN { local.nanCount &+= 1 } else { local.add(value) }
        }
        state = local
    }

    /// Count and sum (and with `extremes`, minimum and maximum) of the records
    /// of `range` that pass `residual`, all in one group: the loop of a block
    /// the filter cuts through, such as the ends of a time range. The running
    /// figures stay in registers; a time-only filter is two compares a record.
    @inline(__always)
    func addMatching<Block: BlockAccessor>(
        _ records: Block, _ range: Range<Int>, residual: CompiledFilter, into state: inout GroupState, extremes: Bool
    ) {
        var local = state
        @inline(__always) func add(_ value: Double) {
            if value.isNaN {
                local.nanCount &+= 1
            } else if extremes {
                local.add(value)
            } else {
                local.count &+= 1
                local.sum += value
            }
        }
        if residual.testsTime, !residual.testsSensor, !residual.testsUnit, !residual.testsValue {
            let low = residual.lowestTimestamp
            let high = residual.highestTimestamp
            for index in range {
                let timestamp = records.timestamp(index)
                if timestamp >= low && timestamp <= high { add(records.value(index)) }
            }
        } else {
            for index in range where residual.matches(records, index) { add(records.value(index)) }
        }
        state = local
    }

    /// Per-sensor count, sum, minimum and maximum through the direct table:
    /// one array lookup per record, no hashing and no key cache, for sensors
    /// that interleave record by record.
    func addBySensor<Block: BlockAccessor>(
        _ records: Block, _ range: Range<Int>, residual: CompiledFilter, direct: UnsafeMutablePointer<Int32>
    ) throws(QueryError) {
        let testsRecords = !residual.isTrivial
        let base = table.directBase
        let span = table.directSpan
        var states = table.states
        for index in range {
            if testsRecords && !residual.matches(records, index) { continue }
            let sensorID = records.sensorID(index)
            let position = Int(sensorID &- base)
            var slot = position < span ? Int(direct[position]) : -1
            if slot < 0 {
                // A new group, or a sensor outside the zone maps' range, which `slot` reports.
                slot = try table.slot(sensorID: sensorID, bucketIndex: 0)
                states = table.states
            }
            let value = records.value(index)
            if value.isNaN { states[slot].nanCount &+= 1 } else { states[slot].add(value) }
        }
    }

    /// The general loop: filter, find the group, aggregate.
    func scanEach<Block: BlockAccessor>(
        _ records: Block, _ range: Range<Int>, residual: CompiledFilter, constantSlot: Int?
    ) throws(QueryError) {
        if constantSlot == nil, bySensor, buckets == nil, !plan.needsEachValue, let direct = table.directSlots {
            try addBySensor(records, range, residual: residual, direct: direct)
            return
        }
        let testsRecords = !residual.isTrivial
        let tracksTime = plan.needsFirstLast
        let sketches = plan.sketchQuantiles
        let exact = plan.exactQuantiles
        let bySensor = self.bySensor
        let buckets = self.buckets
        var states = table.states
        var knownGroups = table.count
        // A one-entry cache of the last key's group: time-ordered or
        // sensor-ordered data stays in one group for long runs.
        var cachedSensor: UInt32 = 0
        var cachedLow = Int64.max
        var cachedHigh = Int64.min
        var cachedSlot = -1
        for index in range {
            if testsRecords && !residual.matches(records, index) { continue }
            let slot: Int
            if let constantSlot {
                slot = constantSlot
            } else {
                let sensorID = bySensor ? records.sensorID(index) : 0
                let timestamp = buckets == nil ? 0 : records.timestamp(index)
                if cachedSlot >= 0 && sensorID == cachedSensor && timestamp >= cachedLow && timestamp <= cachedHigh {
                    slot = cachedSlot
                } else {
                    var bucketIndex: Int64 = 0
                    if let buckets {
                        bucketIndex = buckets.index(of: timestamp)
                        cachedLow = buckets.start(ofBucket: bucketIndex)
                        cachedHigh = buckets.end(ofBucket: bucketIndex)
                    } else {
                        cachedLow = .min
                        cachedHigh = .max
                    }
                    slot = try table.slot(sensorID: sensorID, bucketIndex: bucketIndex)
                    cachedSensor = sensorID
                    cachedSlot = slot
                    if slot >= knownGroups {
                        states = table.states
                        knownGroups = slot + 1
                    }
                }
            }
            let value = records.value(index)
            if value.isNaN {
                states[slot].nanCount &+= 1
                continue
            }
            states[slot].add(value)
            if tracksTime { states[slot].addTimed(value, at: records.timestamp(index)) }
            if sketches { table.sketches[slot].add(value) }
            if exact {
                guard exactValueCount < exactValueLimit else {
                    throw .exactQuantileBudgetExceeded(valueCount: exactValueCount + 1, byteLimit: query.exactQuantileByteLimit)
                }
                exactValueCount += 1
                table.exactValues[slot].append(value)
            }
        }
    }
}
