/// A question to a record store: which records (``filter``), split how
/// (``grouping``), and what to compute per group (``aggregates``).
///
/// ```swift
/// let query = RecordQuery(
///     filter: RecordFilter(sensorIDs: [7], fromTimestamp: march, toTimestamp: april),
///     grouping: .timeBucket(.seconds(3_600)),
///     aggregates: [.count, .mean, .max, .quantile(0.99)])
/// for group in try store.query(query) { print(group.bucketStart!, group.mean ?? .nan) }
/// ```
public struct RecordQuery: Sendable, Hashable {
    /// The default ``exactQuantileByteLimit``: 256 MiB, 32M values.
    public static let defaultExactQuantileByteLimit = 256 << 20

    /// The default ``groupLimit``: 16M groups.
    public static let defaultGroupLimit = 1 << 24

    /// The records to read.
    public var filter: RecordFilter
    /// How the records are grouped.
    public var grouping: QueryGrouping
    /// What each group computes, in the order results list them.
    public var aggregates: [QueryAggregate]
    /// The relative accuracy of the sketches behind ``QueryAggregate/quantile(_:)``.
    public var sketchAccuracy: Double
    /// The most bytes ``QueryAggregate/exactQuantile(_:)`` may keep, over all
    /// groups: 8 bytes per value.
    public var exactQuantileByteLimit: Int
    /// The most groups the query may make.
    public var groupLimit: Int

    /// Creates a query.
    ///
    /// - Parameters:
    ///   - filter: The records to read; every record by default.
    ///   - grouping: How to group them; one group by default.
    ///   - aggregates: What to compute; at least one.
    ///   - sketchAccuracy: The sketches' relative accuracy, in ``DDSketch/accuracyRange``; 1% by default.
    ///   - exactQuantileByteLimit: The memory budget for exact quantiles.
    ///   - groupLimit: The most groups.
    public init(
        filter: RecordFilter = .all,
        grouping: QueryGrouping = .none,
        aggregates: [QueryAggregate],
        sketchAccuracy: Double = DDSketch.defaultRelativeAccuracy,
        exactQuantileByteLimit: Int = RecordQuery.defaultExactQuantileByteLimit,
        groupLimit: Int = RecordQuery.defaultGroupLimit
    ) {
        self.filter = filter
        self.grouping = grouping
        self.aggregates = aggregates
        self.sketchAccuracy = sketchAccuracy
        self.exactQuantileByteLimit = exactQuantileByteLimit
        self.groupLimit = groupLimit
    }

    /// Checks the query's parameters.
    ///
    /// - Throws: ``QueryError`` naming the first bad parameter.
    public func validate() throws(QueryError) {
        if aggregates.isEmpty { throw .noAggregates }
        if let width = grouping.bucketWidth, BucketMath.nanoseconds(width) == nil { throw .invalidBucketWidth(width) }
        for aggregate in aggregates {
            switch aggregate {
            case .quantile(let q), .exactQuantile(let q):
                if !(q >= 0 && q <= 1) { throw .invalidQuantile(q) }
            default: break
            }
        }
        if !DDSketch.accuracyRange.contains(sketchAccuracy) { throw .invalidSketchAccuracy(sketchAccuracy) }
    }
}
