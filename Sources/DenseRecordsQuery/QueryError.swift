/// Why a query was refused before or while it ran.
public enum QueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A time bucket narrower than one nanosecond or wider than `Int64.max`
    /// nanoseconds.
    case invalidBucketWidth(Duration)
    /// A quantile outside `0...1` (or NaN).
    case invalidQuantile(Double)
    /// A sketch accuracy outside ``DDSketch/accuracyRange``.
    case invalidSketchAccuracy(Double)
    /// The query asks for no aggregate.
    case noAggregates
    /// Exact quantiles need to keep more values than the budget allows.
    case exactQuantileBudgetExceeded(valueCount: Int, byteLimit: Int)
    /// More groups than ``RecordQuery/groupLimit``.
    case tooManyGroups(limit: Int)
    /// A record's sensor id lies outside the sensor range its store's zone maps state: the
    /// store (a damaged file, or records changed in place behind a view) is inconsistent.
    case zoneMapContradicted(sensorID: UInt32)

    /// What was wrong, naming the value or limit.
    public var description: String {
        switch self {
        case .invalidBucketWidth(let width):
            "the time bucket width \(width) is not between 1 ns and Int64.max ns"
        case .invalidQuantile(let q):
            "the quantile \(q) is not in 0...1"
        case .invalidSketchAccuracy(let accuracy):
            "the sketch accuracy \(accuracy) is not in \(DDSketch.accuracyRange)"
        case .noAggregates:
            "the query asks for no aggregate"
        case .exactQuantileBudgetExceeded(let valueCount, let byteLimit):
            "exact quantiles need more than \(valueCount) values (8 bytes each), past the budget of \(byteLimit) bytes; "
                + "use .quantile (a DDSketch) or raise RecordQuery.exactQuantileByteLimit"
        case .tooManyGroups(let limit):
            "the query makes more than \(limit) groups (RecordQuery.groupLimit)"
        case .zoneMapContradicted(let sensorID):
            "a record's sensor id \(sensorID) lies outside its store's zone maps: the store is damaged "
                + "(verify a snapshot first) or was changed in place while it was read"
        }
    }
}
