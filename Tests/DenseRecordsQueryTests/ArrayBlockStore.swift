import DenseRecordsCore
import DenseRecordsQuery

/// A test-only `RecordBlockStore` over an array: fixed-size blocks handed out
/// as packed rows, or as decoded columns holding only the columns asked for.
/// It records every request, so tests can check what the engine read.
final class ArrayBlockStore: RecordBlockStore {
    enum Layout { case rows, columns }

    let records: [SensorRecord]
    let blockSize: Int
    let layout: Layout
    let recordOrdering: RecordOrdering
    private(set) var requests: [(block: Int, columns: RecordColumnSet)] = []
    /// Whether the store answers ``sumOfNonNaNValues(ofBlock:)``; off by default, like a packed store.
    var answersBlockSums = false
    /// The blocks whose sums were asked for.
    private(set) var summedBlocks: [Int] = []

    /// - Parameters:
    ///   - records: The records, in store order (sorted first for `.sensorThenTime`).
    ///   - blockSize: Records per block, at least 1.
    ///   - layout: Rows or columns.
    ///   - ordering: The order the records are in.
    init(_ records: [SensorRecord], blockSize: Int, layout: Layout, ordering: RecordOrdering = .unordered) {
        self.records = records
        self.blockSize = blockSize
        self.layout = layout
        self.recordOrdering = ordering
    }

    /// The records sorted by sensor, then time (stable), as a sensor-then-time store holds them.
    static func sortedBySensorThenTime(_ records: [SensorRecord]) -> [SensorRecord] {
        records.enumerated().sorted {
            ($0.element.sensorID, $0.element.timestampNanoseconds, $0.offset)
                < ($1.element.sensorID, $1.element.timestampNanoseconds, $1.offset)
        }.map(\.element)
    }

    var blockCount: Int { (records.count + blockSize - 1) / blockSize }

    func range(of block: Int) -> Range<Int> {
        block * blockSize..<min(records.count, (block + 1) * blockSize)
    }

    func zoneMap(ofBlock block: Int) -> ZoneMap {
        var zone = ZoneMap()
        for record in records[range(of: block)] { zone.include(record.raw) }
        return zone
    }

    /// With ``answersBlockSums``, the block's non-NaN values added in order, recorded in ``summedBlocks``.
    func sumOfNonNaNValues(ofBlock block: Int) -> Double? {
        guard answersBlockSums else { return nil }
        summedBlocks.append(block)
        return records[range(of: block)].reduce(0.0) { $1.value.isNaN ? $0 : $0 + $1.value }
    }

    func withBlock<Result, E: Error>(
        _ block: Int, columns: RecordColumnSet, _ body: (RecordBlock) throws(E) -> Result
    ) throws(E) -> Result {
        precondition((0..<blockCount).contains(block), "block \(block) out of range")
        requests.append((block, columns))
        let slice = Array(records[range(of: block)])
        switch layout {
        case .rows:
            let raw = slice.map(\.raw)
            return try raw.withUnsafeBufferPointer { (buffer) throws(E) in try body(.rows(buffer)) }
        case .columns:
            let sensorIDs = slice.map(\.sensorID)
            let timestamps = slice.map(\.timestampNanoseconds)
            let values = slice.map(\.value)
            let units = slice.map(\.unit.rawValue)
            return try sensorIDs.withUnsafeBufferPointer { (s) throws(E) in
                try timestamps.withUnsafeBufferPointer { (t) throws(E) in
                    try values.withUnsafeBufferPointer { (v) throws(E) in
                        try units.withUnsafeBufferPointer { (u) throws(E) in
                            try body(.columns(RecordColumns(
                                count: slice.count,
                                sensorIDs: columns.contains(.sensorID) ? s : nil,
                                timestamps: columns.contains(.timestamp) ? t : nil,
                                values: columns.contains(.value) ? v : nil,
                                unitCodes: columns.contains(.unit) ? u : nil)))
                        }
                    }
                }
            }
        }
    }
}
