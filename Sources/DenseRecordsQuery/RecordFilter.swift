/// Which records a query reads: sensors, a half-open time range, units and a
/// value range, all of which a record must satisfy.
///
/// Every part is optional; `nil` means "any". The default filter matches every
/// record.
///
/// ```swift
/// var filter = RecordFilter()
/// filter.sensorIDs = [7, 9]
/// filter.timestamps(from: start, to: end)      // [start, end)
/// filter.valueRange = 0...100
/// ```
///
/// A record whose value is NaN never lies in a ``valueRange``, so with a value
/// range it does not match (and is not counted as a skipped NaN). Without one,
/// it matches and the aggregates skip and count it (see ``QueryGroup/skippedNaNCount``).
public struct RecordFilter: Sendable, Hashable {
    /// The sensors to read, or `nil` for every sensor. An empty set matches nothing.
    public var sensorIDs: Set<UInt32>?

    /// The earliest timestamp to read, inclusive (Unix nanoseconds), or `nil`
    /// for no lower bound.
    public var fromTimestamp: Int64?

    /// The timestamp the range stops before, exclusive (Unix nanoseconds), or
    /// `nil` for no upper bound. With no upper bound, `Int64.max` itself matches.
    public var toTimestamp: Int64?

    /// The units to read, or `nil` for every unit. An empty set matches nothing.
    public var units: Set<SensorUnit>?

    /// The values to read, both ends included, or `nil` for every value,
    /// NaN included. `-0.0` and `+0.0` compare equal.
    public var valueRange: ClosedRange<Double>?

    /// Creates a filter.
    ///
    /// - Parameters:
    ///   - sensorIDs: The sensors to read, or `nil` for all.
    ///   - fromTimestamp: The inclusive lower time bound in Unix nanoseconds, or `nil`.
    ///   - toTimestamp: The exclusive upper time bound in Unix nanoseconds, or `nil`.
    ///   - units: The units to read, or `nil` for all.
    ///   - valueRange: The values to read, or `nil` for all.
    public init(
        sensorIDs: Set<UInt32>? = nil,
        fromTimestamp: Int64? = nil,
        toTimestamp: Int64? = nil,
        units: Set<SensorUnit>? = nil,
        valueRange: ClosedRange<Double>? = nil
    ) {
        self.sensorIDs = sensorIDs
        self.fromTimestamp = fromTimestamp
        self.toTimestamp = toTimestamp
        self.units = units
        self.valueRange = valueRange
    }

    /// A filter that matches every record.
    public static var all: RecordFilter { RecordFilter() }

    /// Restricts the filter to the half-open range `[from, to)`.
    ///
    /// - Parameters:
    ///   - from: The earliest timestamp to read (Unix nanoseconds).
    ///   - to: The timestamp to stop before (Unix nanoseconds).
    public mutating func timestamps(from: Int64, to: Int64) {
        fromTimestamp = from
        toTimestamp = to
    }

    /// Whether `record` satisfies every part of the filter.
    ///
    /// The engine uses a compiled form of the same test; this one is the
    /// definition, for callers and for reference implementations.
    ///
    /// - Parameter record: The record to test.
    /// - Returns: `true` when the record matches.
    /// - Complexity: O(1) on average (set lookups).
    public func matches(_ record: SensorRecord) -> Bool {
        if let sensorIDs, !sensorIDs.contains(record.sensorID) { return false }
        if let fromTimestamp, record.timestampNanoseconds < fromTimestamp { return false }
        if let toTimestamp, record.timestampNanoseconds >= toTimestamp { return false }
        if let units, !units.contains(record.unit) { return false }
        if let valueRange, !valueRange.contains(record.value) { return false }
        return true
    }

    /// Whether the filter provably matches no record at all (an empty set or
    /// an empty time range).
    public var isUnsatisfiable: Bool {
        if let sensorIDs, sensorIDs.isEmpty { return true }
        if let units, units.isEmpty { return true }
        if let toTimestamp, toTimestamp <= (fromTimestamp ?? .min) { return true }
        return false
    }
}
