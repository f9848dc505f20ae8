import DenseRecordsCore

/// One run of a query over one store: the block selection and the
/// per-block dispatch. The scan loops are in `QueryEngine+Scan.swift`, the
/// block search in `QueryEngine+Blocks.swift`, the result in
/// `QueryEngine+Result.swift`.
///
/// Used by one call on one thread; a class so that the scan loops share its
/// counters without copying.
final class QueryEngine {
    let query: RecordQuery
    let plan: QueryPlan
    let filter: CompiledFilter
    let buckets: BucketMath?
    let bySensor: Bool
    /// The most values exact quantiles may keep, over all groups.
    let exactValueLimit: Int
    var exactValueCount = 0
    var blocksRead = 0
    var blocksSummarized = 0
    var table: GroupTable

    init(_ query: RecordQuery) throws(QueryError) {
        try query.validate()
        self.query = query
        plan = QueryPlan(query)
        filter = CompiledFilter(query.filter)
        buckets = query.grouping.bucketWidth.flatMap(BucketMath.nanoseconds).map(BucketMath.init(width:))
        bySensor = query.grouping.groupsBySensor
        exactValueLimit = query.exactQuantileByteLimit / MemoryLayout<Double>.stride
        table = GroupTable(plan: plan, groupLimit: query.groupLimit, directSensors: nil)
    }

    /// Runs the query over `store`.
    func run<Store: RecordBlockStore>(on store: Store) throws(QueryError) -> QueryResult {
        let blockCount = store.blockCount
        if filter.matchesNothing || blockCount == 0 {
            return result(blocksSkipped: blockCount)
        }
        var selected: [(block: Int, zone: ZoneMap, residual: CompiledFilter)] = []
        var union = ZoneMap()
        for block in candidateBlocks(of: store) {
            let zone = store.zoneMap(ofBlock: block)
            guard let residual = filter.residual(for: zone) else { continue }
            selected.append((block, zone, residual))
            union.formUnion(zone)
        }
        if query.grouping == .sensor, !union.isEmpty,
            Int(union.maxSensorID - union.minSensorID) < GroupTable.directSpanLimit
        {
            table = GroupTable(
                plan: plan, groupLimit: query.groupLimit, directSensors: union.minSensorID...union.maxSensorID)
        }
        for (block, zone, residual) in selected {
            try process(store, block: block, zone: zone, residual: residual)
        }
        return result(blocksSkipped: blockCount - selected.count)
    }

    /// The group every record of a block falls in, when its zone map proves there is only one.
    func constantSlot(for zone: ZoneMap) throws(QueryError) -> Int? {
        var sensorID: UInt32 = 0
        var bucketIndex: Int64 = 0
        if bySensor {
            guard zone.minSensorID == zone.maxSensorID else { return nil }
            sensorID = zone.minSensorID
        }
        if let buckets {
            bucketIndex = buckets.index(of: zone.minTimestamp)
            guard bucketIndex == buckets.index(of: zone.maxTimestamp) else { return nil }
        }
        return try table.slot(sensorID: sensorID, bucketIndex: bucketIndex)
    }

    /// Reads one block, or answers it from its zone map.
    func process<Store: RecordBlockStore>(
        _ store: Store, block: Int, zone: ZoneMap, residual: CompiledFilter
    ) throws(QueryError) {
        let constant = try constantSlot(for: zone)
        let narrows = store.recordOrdering == .sensorThenTime && filter.testsSensor
            && (residual.testsSensor || residual.testsTime)
        if let constant, residual.isTrivial, plan.zoneMapsSuffice {
            table.states[constant].add(summarizedBy: zone)
            blocksSummarized += 1
            return
        }
        if let constant, residual.isTrivial, plan.needsSum, !plan.needsEachValue,
            let sum = store.sumOfNonNaNValues(ofBlock: block)
        {
            // The store sums the block on its own encoding; the zone map has the rest.
            table.states[constant].add(summarizedBy: zone, extremes: plan.needsExtremes)
            table.states[constant].sum += sum
            blocksRead += 1
            return
        }
        var columns: RecordColumnSet = [.value]
        columns.formUnion(residual.columns)
        if constant == nil {
            if bySensor { columns.insert(.sensorID) }
            if buckets != nil { columns.insert(.timestamp) }
        }
        if plan.needsFirstLast { columns.insert(.timestamp) }
        if narrows { columns.formUnion([.sensorID, .timestamp]) }
        blocksRead += 1
        try store.withBlock(block, columns: columns) { (records) throws(QueryError) in
            switch records {
            case .rows(let rows):
                guard let base = rows.baseAddress else { return }
                try scanBlock(
                    RowAccessor(rows: base), count: rows.count, zone: zone, residual: residual,
                    constantSlot: constant, narrows: narrows)
            case .columns(let decoded):
                try scanBlock(
                    ColumnAccessor(decoded), count: decoded.count, zone: zone, residual: residual,
                    constantSlot: constant, narrows: narrows)
            }
        }
    }

    /// Scans a block: whole, or, in a store ordered by sensor then time, only
    /// the runs of the filter's sensors within its time range, found by binary search.
    func scanBlock<Block: BlockAccessor>(
        _ records: Block, count: Int, zone: ZoneMap, residual: CompiledFilter, constantSlot: Int?, narrows: Bool
    ) throws(QueryError) {
        let nanFree = zone.nanCount == 0
        guard narrows else {
            try scan(records, 0..<count, residual: residual, constantSlot: constantSlot, nanFree: nanFree)
            return
        }
        var inRun = residual
        inRun.testsSensor = false
        inRun.testsTime = false
        var position = filter.firstSensorIndex(atLeast: zone.minSensorID)
        var start = 0
        while position < filter.sensorIDs.count, filter.sensorIDs[position] <= zone.maxSensorID, start < count {
            let sensorID = filter.sensorIDs[position]
            let low = records.lowerBound(in: start..<count, sensorID: sensorID, timestamp: filter.lowestTimestamp)
            let high = records.upperBound(in: low..<count, sensorID: sensorID, timestamp: filter.highestTimestamp)
            if low < high {
                try scan(records, low..<high, residual: inRun, constantSlot: constantSlot, nanFree: nanFree)
            }
            start = high
            position += 1
        }
    }
}
