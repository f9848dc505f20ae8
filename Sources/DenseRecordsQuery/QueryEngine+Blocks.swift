import DenseRecordsCore

/// Which blocks to test: all of them, or, in a store ordered by sensor then
/// time, only the runs of the filter's sensors, found by binary search.
extension QueryEngine {
    /// The blocks whose zone maps are worth testing, in ascending order.
    ///
    /// - Complexity: O(*b*) for an unordered store of *b* blocks; for a
    ///   `.sensorThenTime` store and a sensor filter of *s* ids, O(*s* log *b* + *k*)
    ///   zone-map reads, where *k* is the number of blocks in range.
    func candidateBlocks<Store: RecordBlockStore>(of store: Store) -> [Int] {
        let blockCount = store.blockCount
        guard store.recordOrdering == .sensorThenTime, filter.testsSensor else { return Array(0..<blockCount) }
        var blocks: [Int] = []
        var searchFrom = 0
        for sensorID in filter.sensorIDs {
            // The sensor's run: blocks whose sensor range reaches it. Each block's
            // smallest and largest sensor ids never decrease with the block index.
            let runStart = firstBlock(in: searchFrom..<blockCount) { store.zoneMap(ofBlock: $0).maxSensorID >= sensorID }
            let runEnd = firstBlock(in: runStart..<blockCount) { store.zoneMap(ofBlock: $0).minSensorID > sensorID }
            guard runStart < runEnd else {
                searchFrom = runStart
                continue
            }
            // Blocks wholly of this sensor are time-ordered: search them by time.
            // Only the run's first and last block can hold other sensors too.
            let pureStart = isPure(store, runStart, sensorID) ? runStart : runStart + 1
            let pureEnd = runEnd - 1 > runStart && !isPure(store, runEnd - 1, sensorID) ? runEnd - 1 : runEnd
            if pureStart > runStart { append(runStart, to: &blocks) }
            if pureStart < pureEnd {
                let timeStart = firstBlock(in: pureStart..<pureEnd) {
                    store.zoneMap(ofBlock: $0).maxTimestamp >= filter.lowestTimestamp
                }
                let timeEnd = firstBlock(in: timeStart..<pureEnd) {
                    store.zoneMap(ofBlock: $0).minTimestamp > filter.highestTimestamp
                }
                for block in timeStart..<timeEnd { append(block, to: &blocks) }
            }
            if pureEnd < runEnd { append(runEnd - 1, to: &blocks) }
            searchFrom = runEnd - 1
        }
        return blocks
    }

    private func isPure<Store: RecordBlockStore>(_ store: Store, _ block: Int, _ sensorID: UInt32) -> Bool {
        let zone = store.zoneMap(ofBlock: block)
        return zone.minSensorID == sensorID && zone.maxSensorID == sensorID
    }

    private func append(_ block: Int, to blocks: inout [Int]) {
        if let last = blocks.last, last >= block { return }
        blocks.append(block)
    }

    /// The first block in `range` for which `predicate` holds, for a
    /// predicate that is false, then true; `range.upperBound` when none.
    private func firstBlock(in range: Range<Int>, where predicate: (Int) -> Bool) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = low + (high - low) / 2
            if predicate(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
