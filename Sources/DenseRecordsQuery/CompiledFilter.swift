/// A ``RecordFilter`` in the form the scan loops test: sorted sensor ids, an
/// inclusive time range, a 256-bit unit mask, and flags saying which parts
/// are active, so that a part a block's zone map proves can be switched off.
struct CompiledFilter {
    /// The filter's sensor ids, sorted ascending; used when `testsSensor`.
    let sensorIDs: [UInt32]
    /// The one sensor id when the set has exactly one.
    let singleSensorID: UInt32?
    /// The inclusive time bounds; `timeIsEmpty` when `[from, to)` holds nothing.
    let lowestTimestamp: Int64
    let highestTimestamp: Int64
    let timeIsEmpty: Bool
    /// Bit `code` is set when unit `code` matches.
    let unitMask: (UInt64, UInt64, UInt64, UInt64)
    /// The inclusive value bounds; used when `testsValue`.
    let lowestValue: Double
    let highestValue: Double

    var testsSensor: Bool
    var testsTime: Bool
    var testsUnit: Bool
    var testsValue: Bool

    init(_ filter: RecordFilter) {
        let sorted = (filter.sensorIDs.map { Array($0) } ?? []).sorted()
        sensorIDs = sorted
        singleSensorID = sorted.count == 1 ? sorted[0] : nil
        testsSensor = filter.sensorIDs != nil
        lowestTimestamp = filter.fromTimestamp ?? .min
        if let to = filter.toTimestamp {
            timeIsEmpty = to <= lowestTimestamp
            highestTimestamp = to == .min ? .min : to - 1
        } else {
            timeIsEmpty = false
            highestTimestamp = .max
        }
        testsTime = filter.fromTimestamp != nil || filter.toTimestamp != nil
        var mask: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for unit in filter.units ?? [] {
            let bit = UInt64(1) << UInt64(unit.rawValue & 63)
            switch unit.rawValue >> 6 {
            case 0: mask.0 |= bit
            case 1: mask.1 |= bit
            case 2: mask.2 |= bit
            default: mask.3 |= bit
            }
        }
        unitMask = mask
        testsUnit = filter.units != nil
        lowestValue = filter.valueRange?.lowerBound ?? -.infinity
        highestValue = filter.valueRange?.upperBound ?? .infinity
        testsValue = filter.valueRange != nil
    }

    /// Whether no per-record test is left.
    var isTrivial: Bool { !testsSensor && !testsTime && !testsUnit && !testsValue }

    @inline(__always)
    func containsSensor(_ id: UInt32) -> Bool {
        if let singleSensorID { return id == singleSensorID }
        var low = 0
        var high = sensorIDs.count
        while low < high {
            let middle = (low + high) >> 1
            if sensorIDs[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low < sensorIDs.count && sensorIDs[low] == id
    }

    @inline(__always)
    func containsUnit(_ code: UInt8) -> Bool {
        let word: UInt64
        switch code >> 6 {
        case 0: word = unitMask.0
        case 1: word = unitMask.1
        case 2: word = unitMask.2
        default: word = unitMask.3
        }
        return word & (UInt64(1) << UInt64(code & 63)) != 0
    }

    /// The per-record test, reading only the columns of the active parts.
    @inline(__always)
    func matches<Block: BlockAccessor>(_ block: Block, _ index: Int) -> Bool {
        if testsTime {
            let timestamp = block.timestamp(index)
            if timestamp < lowestTimestamp || timestamp > highestTimestamp { return false }
        }
        if testsSensor, !containsSensor(block.sensorID(index)) { return false }
        if testsValue {
            let value = block.value(index)
            if !(value >= lowestValue && value <= highestValue) { return false }
        }
        if testsUnit, !containsUnit(block.unitCode(index)) { return false }
        return true
    }

    /// The columns the active parts read.
    var columns: RecordColumnSet {
        var columns: RecordColumnSet = []
        if testsSensor { columns.insert(.sensorID) }
        if testsTime { columns.insert(.timestamp) }
        if testsValue { columns.insert(.value) }
        if testsUnit { columns.insert(.unit) }
        return columns
    }
}
