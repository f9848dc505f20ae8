public import CDenseRecords

/// The ranges one block of records spans: what a query tests before it reads
/// the block.
///
/// A zone map is exact for the records it summarizes: every record's field lies
/// within its range, and each bound is some record's field. NaN values are not
/// part of the value range; ``nanCount`` counts them, so a block of only NaNs has
/// `minValue > maxValue` (the empty range) and `nanCount == recordCount`.
/// `-0.0` and `+0.0` compare equal, so either may be the bound.
public struct ZoneMap: Sendable, Hashable {
    /// The number of records summarized.
    public var recordCount: Int
    /// The smallest sensor id, or `UInt32.max` when empty.
    public var minSensorID: UInt32
    /// The largest sensor id, or `0` when empty.
    public var maxSensorID: UInt32
    /// The earliest timestamp (Unix nanoseconds), or `Int64.max` when empty.
    public var minTimestamp: Int64
    /// The latest timestamp (Unix nanoseconds), or `Int64.min` when empty.
    public var maxTimestamp: Int64
    /// The smallest non-NaN value, or `+infinity` when there is none.
    public var minValue: Double
    /// The largest non-NaN value, or `-infinity` when there is none.
    public var maxValue: Double
    /// The smallest unit code, or `UInt8.max` when empty.
    public var minUnitCode: UInt8
    /// The largest unit code, or `0` when empty.
    public var maxUnitCode: UInt8
    /// The number of records whose value is NaN.
    public var nanCount: Int

    /// The zone map of no records: every range is empty.
    public init() {
        recordCount = 0
        minSensorID = .max
        maxSensorID = 0
        minTimestamp = .max
        maxTimestamp = .min
        minValue = .infinity
        maxValue = -.infinity
        minUnitCode = .max
        maxUnitCode = 0
        nanCount = 0
    }

    /// The zone map of `records`.
    ///
    /// - Parameter records: The records to summarize.
    /// - Complexity: O(*n*).
    @inlinable
    public init(summarizing records: UnsafeBufferPointer<sensor_record_t>) {
        self.init()
        for record in records { include(record) }
    }

    /// Whether the map summarizes no records.
    @inlinable
    public var isEmpty: Bool { recordCount == 0 }

    /// Widens the ranges to include `record`.
    ///
    /// - Parameter record: The record to include.
    /// - Complexity: O(1), no branches but the NaN test.
    @inlinable
    public mutating func include(_ record: sensor_record_t) {
        recordCount &+= 1
        minSensorID = Swift.min(minSensorID, record.sensor_id)
        maxSensorID = Swift.max(maxSensorID, record.sensor_id)
        minTimestamp = Swift.min(minTimestamp, record.timestamp_ns)
        maxTimestamp = Swift.max(maxTimestamp, record.timestamp_ns)
        minUnitCode = Swift.min(minUnitCode, record.unit)
        maxUnitCode = Swift.max(maxUnitCode, record.unit)
        let value = record.value
        if value.isNaN {
            nanCount &+= 1
        } else {
            minValue = Swift.min(minValue, value)
            maxValue = Swift.max(maxValue, value)
        }
    }

    /// Widens the ranges to include every record `other` summarizes.
    ///
    /// - Parameter other: Another block's zone map.
    @inlinable
    public mutating func formUnion(_ other: ZoneMap) {
        recordCount &+= other.recordCount
        nanCount &+= other.nanCount
        minSensorID = Swift.min(minSensorID, other.minSensorID)
        maxSensorID = Swift.max(maxSensorID, other.maxSensorID)
        minTimestamp = Swift.min(minTimestamp, other.minTimestamp)
        maxTimestamp = Swift.max(maxTimestamp, other.maxTimestamp)
        minUnitCode = Swift.min(minUnitCode, other.minUnitCode)
        maxUnitCode = Swift.max(maxUnitCode, other.maxUnitCode)
        minValue = Swift.min(minValue, other.minValue)
        maxValue = Swift.max(maxValue, other.maxValue)
    }
}

/// The columns of a record, as a set: what a reader asks a block to decode.
public struct RecordColumnSet: OptionSet, Sendable, Hashable {
    /// The raw bits.
    public let rawValue: UInt8

    /// Creates a set from its raw bits.
    ///
    /// - Parameter rawValue: The bits; unknown bits are kept and ignored.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The `sensor_id` column.
    public static let sensorID = RecordColumnSet(rawValue: 1 << 0)
    /// The `timestamp_ns` column.
    public static let timestamp = RecordColumnSet(rawValue: 1 << 1)
    /// The `value` column.
    public static let value = RecordColumnSet(rawValue: 1 << 2)
    /// The `unit` column.
    public static let unit = RecordColumnSet(rawValue: 1 << 3)
    /// Every column.
    public static let all: RecordColumnSet = [.sensorID, .timestamp, .value, .unit]
}

/// Decoded columns of one block, valid only during the call that hands them out.
///
/// A column the reader did not ask for may be `nil`. Each present buffer holds
/// ``count`` elements, record `i` of the block at position `i` of every column.
public struct RecordColumns {
    /// The number of records in the block.
    public let count: Int
    /// The sensor ids, if decoded.
    public let sensorIDs: UnsafeBufferPointer<UInt32>?
    /// The timestamps in Unix nanoseconds, if decoded.
    public let timestamps: UnsafeBufferPointer<Int64>?
    /// The values, if decoded.
    public let values: UnsafeBufferPointer<Double>?
    /// The unit codes, if decoded.
    public let unitCodes: UnsafeBufferPointer<UInt8>?

    /// Creates a column view. Every non-`nil` buffer must hold `count` elements.
    ///
    /// - Parameters:
    ///   - count: The number of records.
    ///   - sensorIDs: The sensor id column, or `nil`.
    ///   - timestamps: The timestamp column, or `nil`.
    ///   - values: The value column, or `nil`.
    ///   - unitCodes: The unit code column, or `nil`.
    @inlinable
    public init(
        count: Int,
        sensorIDs: UnsafeBufferPointer<UInt32>? = nil,
        timestamps: UnsafeBufferPointer<Int64>? = nil,
        values: UnsafeBufferPointer<Double>? = nil,
        unitCodes: UnsafeBufferPointer<UInt8>? = nil
    ) {
        precondition(
            (sensorIDs?.count ?? count) == count && (timestamps?.count ?? count) == count
                && (values?.count ?? count) == count && (unitCodes?.count ?? count) == count,
            "RecordColumns: every column must hold `count` elements")
        self.count = count
        self.sensorIDs = sensorIDs
        self.timestamps = timestamps
        self.values = values
        self.unitCodes = unitCodes
    }
}

/// One block's records in the form its store keeps them, valid only during the
/// call that hands it out.
public enum RecordBlock {
    /// Packed 21-byte rows, as arenas and uncompressed snapshots hold them.
    case rows(UnsafeBufferPointer<sensor_record_t>)
    /// Decoded columns, as a columnar store hands them out: only the columns
    /// asked for are guaranteed present.
    case columns(RecordColumns)

    /// The number of records in the block.
    @inlinable
    public var count: Int {
        switch self {
        case .rows(let rows): rows.count
        case .columns(let columns): columns.count
        }
    }
}

/// How a store's records are ordered across and within its blocks.
public enum RecordOrdering: Sendable, Hashable {
    /// No order is promised.
    case unordered
    /// Ordered by sensor id, then by timestamp: each sensor's records form one
    /// run, time-ordered, and blocks' zone maps are ordered the same way, so a
    /// reader can binary-search blocks by `(minSensorID, minTimestamp)`.
    case sensorThenTime
}

/// A store a query reads block by block, testing each block's zone map first.
///
/// ``RecordArena``'s chunks, sealed and merged records, mapped snapshots and
/// compressed stores conform. A query engine asks for ``blockCount``, tests
/// ``zoneMap(ofBlock:)`` against its filter, and calls
/// ``withBlock(_:columns:_:)`` only for blocks that may match, naming the
/// columns it reads, so a columnar block decodes nothing else and never builds
/// 21-byte rows.
public protocol RecordBlockStore {
    /// The number of blocks; each holds at least one record.
    var blockCount: Int { get }

    /// The order the store's records are in.
    var recordOrdering: RecordOrdering { get }

    /// The zone map of block `block`.
    ///
    /// - Parameter block: A block index in `0..<blockCount`.
    /// - Complexity: O(1).
    func zoneMap(ofBlock block: Int) -> ZoneMap

    /// Calls `body` with block `block`'s records, decoding at least `columns`.
    ///
    /// - Parameters:
    ///   - block: A block index in `0..<blockCount`.
    ///   - columns: The columns the reader uses. A row store ignores it.
    ///   - body: Reads the block. Its buffers are valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    func withBlock<Result, E: Error>(
        _ block: Int,
        columns: RecordColumnSet,
        _ body: (RecordBlock) throws(E) -> Result
    ) throws(E) -> Result

    /// The sum of block `block`'s values, NaNs left out, when the store
    /// computes it faster than a reader adding the block's decoded values;
    /// otherwise `nil`.
    ///
    /// A query uses it for a block that passes its filter whole and falls in
    /// one group, taking the count, minimum and maximum from the zone map. The
    /// default returns `nil`, and the query reads the block.
    ///
    /// - Parameter block: A block index in `0..<blockCount`.
    func sumOfNonNaNValues(ofBlock block: Int) -> Double?
}

extension RecordBlockStore {
    /// No order is promised, unless a store says otherwise.
    public var recordOrdering: RecordOrdering { .unordered }

    /// `nil`: the store has no faster sum than reading the block.
    ///
    /// - Parameter block: A block index.
    public func sumOfNonNaNValues(ofBlock block: Int) -> Double? { nil }
}
