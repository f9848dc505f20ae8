/// The zone-map side of the filter: which blocks can be skipped, and which
/// per-record tests a block's ranges make unnecessary.
extension CompiledFilter {
    /// Whether the filter matches nothing, whatever the store holds.
    var matchesNothing: Bool {
        (testsSensor && sensorIDs.isEmpty) || (testsTime && timeIsEmpty)
            || (testsUnit && unitMask == (0, 0, 0, 0)) || (testsValue && !(lowestValue <= highestValue))
    }

    /// The filter with the tests `zone` proves switched off, or `nil` when no
    /// record the zone map summarizes can match.
    ///
    /// - Parameter zone: A block's zone map.
    /// - Returns: The residual per-record filter, or `nil` to skip the block.
    func residual(for zone: ZoneMap) -> CompiledFilter? {
        if zone.isEmpty || matchesNothing { return nil }
        var residual = self
        if testsTime {
            if zone.maxTimestamp < lowestTimestamp || zone.minTimestamp > highestTimestamp { return nil }
            if zone.minTimestamp >= lowestTimestamp && zone.maxTimestamp <= highestTimestamp { residual.testsTime = false }
        }
        if testsSensor {
            let first = firstSensorIndex(atLeast: zone.minSensorID)
            guard first < sensorIDs.count, sensorIDs[first] <= zone.maxSensorID else { return nil }
            // Every id in [min, max] is in the set when the set holds max - min + 1 ids there.
            let span = UInt64(zone.maxSensorID - zone.minSensorID) + 1
            let end = firstSensorIndex(atLeast: zone.maxSensorID)
            let inside = UInt64(end - first) + (end < sensorIDs.count && sensorIDs[end] == zone.maxSensorID ? 1 : 0)
            if inside == span { residual.testsSensor = false }
        }
        if testsUnit {
            var any = false
            var all = true
            for code in zone.minUnitCode...zone.maxUnitCode {
                if containsUnit(code) { any = true } else { all = false }
            }
            if !any { return nil }
            if all { residual.testsUnit = false }
        }
        if testsValue {
            // A block of only NaNs has minValue > maxValue: nothing in it lies in any range.
            if zone.nanCount == zone.recordCount { return nil }
            if zone.maxValue < lowestValue || zone.minValue > highestValue { return nil }
            if zone.nanCount == 0 && zone.minValue >= lowestValue && zone.maxValue <= highestValue {
                residual.testsValue = false
            }
        }
        return residual
    }

    /// The index of the first sorted sensor id at least `id`.
    func firstSensorIndex(atLeast id: UInt32) -> Int {
        var low = 0
        var high = sensorIDs.count
        while low < high {
            let middle = (low + high) >> 1
            if sensorIDs[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
