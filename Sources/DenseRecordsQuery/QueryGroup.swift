/// A reading and its time: what ``QueryGroup/first`` and ``QueryGroup/last`` return.
public struct TimedValue: Sendable, Hashable {
    /// The record's timestamp, Unix nanoseconds.
    public var timestamp: Int64
    /// The record's value.
    public var value: Double

    /// Creates a timed value.
    ///
    /// - Parameters:
    ///   - timestamp: Unix nanoseconds.
    ///   - value: The reading.
    public init(timestamp: Int64, value: Double) {
        self.timestamp = timestamp
        self.value = value
    }
}

/// One group of a ``QueryResult``: its key and the aggregates the query asked for.
///
/// An accessor returns `nil` when the query did not ask for its aggregate, and
/// when the group has no value to aggregate (every matching record was NaN):
/// ``sum`` follows SQL there, `nil` rather than 0. ``count`` and
/// ``skippedNaNCount`` are always available.
public struct QueryGroup: Sendable, Hashable {
    /// The group's sensor, when the query groups by sensor.
    public let sensorID: UInt32?
    /// The start of the group's time bucket (Unix nanoseconds), when the query
    /// groups by time. The one bucket that would start before `Int64.min`
    /// reports `Int64.min`.
    public let bucketStart: Int64?
    /// The number of records aggregated: matching records whose value is not NaN.
    public let count: Int
    /// The number of matching records skipped because their value is NaN.
    public let skippedNaNCount: Int

    let state: GroupState
    let sketch: DDSketch?
    let exactQuantiles: [Double: Double]
    let requested: Set<QueryAggregate>

    init(
        sensorID: UInt32?, bucketStart: Int64?, state: GroupState, sketch: DDSketch?,
        exactQuantiles: [Double: Double], requested: Set<QueryAggregate>
    ) {
        self.sensorID = sensorID
        self.bucketStart = bucketStart
        self.count = state.count
        self.skippedNaNCount = state.nanCount
        self.state = state
        self.sketch = sketch
        self.exactQuantiles = exactQuantiles
        self.requested = requested
    }

    private func ifRequested<T>(_ aggregates: QueryAggregate..., value: () -> T) -> T? {
        guard count > 0, aggregates.contains(where: requested.contains) else { return nil }
        return value()
    }

    /// The sum of the values, when asked for (by ``QueryAggregate/sum`` or ``QueryAggregate/mean``).
    public var sum: Double? { ifRequested(.sum, .mean) { state.sum } }
    /// The mean of the values, when asked for.
    public var mean: Double? { ifRequested(.mean, .sum) { state.sum / Double(count) } }
    /// The smallest value, when asked for.
    public var minimum: Double? { ifRequested(.min, .max) { state.minimum } }
    /// The largest value, when asked for.
    public var maximum: Double? { ifRequested(.max, .min) { state.maximum } }
    /// The earliest record's value and time; ties go to the record read first.
    public var first: TimedValue? {
        ifRequested(.first, .last) { TimedValue(timestamp: state.firstTimestamp, value: state.firstValue) }
    }
    /// The latest record's value and time; ties go to the record read last.
    public var last: TimedValue? {
        ifRequested(.last, .first) { TimedValue(timestamp: state.lastTimestamp, value: state.lastValue) }
    }

    /// The group's quantile sketch, when the query asked for any ``QueryAggregate/quantile(_:)``.
    ///
    /// Sketches merge: the sketch of several groups is the merge of theirs.
    public var quantileSketch: DDSketch? { count > 0 ? sketch : nil }

    /// The `q` quantile from the group's sketch, for any `q` in `0...1`.
    ///
    /// - Parameter q: The quantile.
    /// - Returns: The estimate within the sketch's relative accuracy, or `nil`
    ///   when the query asked for no sketch quantile or the group has no value.
    public func quantile(_ q: Double) -> Double? { quantileSketch?.quantile(q) }

    /// The exact `q` quantile, when the query asked for ``QueryAggregate/exactQuantile(_:)`` of `q`.
    ///
    /// - Parameter q: The quantile, as given in the query.
    /// - Returns: The value at rank `max(0, ⌈q·n⌉ − 1)`, or `nil`.
    public func exactQuantile(_ q: Double) -> Double? { exactQuantiles[q] }

    /// The value of `aggregate` for this group.
    ///
    /// - Parameter aggregate: Any aggregate; ``QueryAggregate/count`` as a `Double`.
    /// - Returns: The figure, or `nil` as the typed accessors return it.
    public func value(of aggregate: QueryAggregate) -> Double? {
        switch aggregate {
        case .count: Double(count)
        case .sum: sum
        case .mean: mean
        case .min: minimum
        case .max: maximum
        case .first: first?.value
        case .last: last?.value
        case .quantile(let q): quantile(q)
        case .exactQuantile(let q): exactQuantile(q)
        }
    }
}
