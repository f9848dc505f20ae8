/// The answer to a ``RecordQuery``: its groups in a stable order (sensor id,
/// then bucket start; groups without a key part sort as if it were equal),
/// and what the engine read to get them.
///
/// A group exists when at least one record matched the filter, NaN or not;
/// a group whose matching records were all NaN has ``QueryGroup/count`` 0.
/// An empty store or a filter nothing matches gives no groups.
public struct QueryResult: Sendable, Hashable, RandomAccessCollection {
    /// The groups, ordered.
    public let groups: [QueryGroup]
    /// The aggregates the query asked for, in its order.
    public let aggregates: [QueryAggregate]
    /// The query's grouping.
    public let grouping: QueryGrouping
    /// NaN values skipped over every group.
    public let skippedNaNCount: Int
    /// Blocks whose records were read.
    public let blocksRead: Int
    /// Blocks answered from their zone maps alone, without reading a record.
    public let blocksSummarized: Int
    /// Blocks skipped because their zone maps rule out every record.
    public let blocksSkipped: Int

    init(
        groups: [QueryGroup], query: RecordQuery, blocksRead: Int, blocksSummarized: Int, blocksSkipped: Int
    ) {
        self.groups = groups
        self.aggregates = query.aggregates
        self.grouping = query.grouping
        self.skippedNaNCount = groups.reduce(0) { $0 + $1.skippedNaNCount }
        self.blocksRead = blocksRead
        self.blocksSummarized = blocksSummarized
        self.blocksSkipped = blocksSkipped
    }

    /// The first group's position: 0.
    public var startIndex: Int { 0 }
    /// The number of groups.
    public var endIndex: Int { groups.count }

    /// The group at `position`.
    ///
    /// - Parameter position: A position in `0..<count`; outside it traps, as `Array` does.
    public subscript(position: Int) -> QueryGroup { groups[position] }

    /// The group of `sensorID` and `bucketStart`, if any record fell in it.
    ///
    /// - Parameters:
    ///   - sensorID: The sensor, or `nil` when the query does not group by sensor.
    ///   - bucketStart: The bucket start, or `nil` when it does not group by time.
    /// - Returns: The group, or `nil`.
    /// - Complexity: O(log *g*) for *g* groups.
    public func group(sensorID: UInt32? = nil, bucketStart: Int64? = nil) -> QueryGroup? {
        let key = (sensorID ?? 0, bucketStart ?? 0)
        var low = 0
        var high = groups.count
        while low < high {
            let middle = (low + high) / 2
            let group = groups[middle]
            if (group.sensorID ?? 0, group.bucketStart ?? 0) < key { low = middle + 1 } else { high = middle }
        }
        guard low < groups.count else { return nil }
        let found = groups[low]
        return found.sensorID == sensorID && found.bucketStart == bucketStart ? found : nil
    }
}
