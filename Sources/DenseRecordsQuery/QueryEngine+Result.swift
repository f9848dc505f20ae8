import DenseRecordsCore

/// Turning the group table into a ``QueryResult``: ordering, exact quantiles.
extension QueryEngine {
    /// The result of the groups gathered so far, ordered by sensor, then bucket.
    ///
    /// A group is made when a block's zone map places the whole block in it,
    /// before any record is tested, so a group no record matched (not even a
    /// NaN) can exist in the table; it is left out of the result.
    ///
    /// - Complexity: O(*g* log *g*) for *g* groups, plus sorting each group's
    ///   kept values when the query asks for exact quantiles.
    func result(blocksSkipped: Int) -> QueryResult {
        let requested = Set(query.aggregates)
        let exactQs = query.aggregates.compactMap { aggregate -> Double? in
            if case .exactQuantile(let q) = aggregate { q } else { nil }
        }
        let order = (0..<table.count).filter {
            table.states[$0].count > 0 || table.states[$0].nanCount > 0
        }.sorted {
            (table.sensorIDs[$0], table.bucketIndices[$0]) < (table.sensorIDs[$1], table.bucketIndices[$1])
        }
        var groups: [QueryGroup] = []
        groups.reserveCapacity(order.count)
        for slot in order {
            var exact: [Double: Double] = [:]
            if plan.exactQuantiles {
                let values = table.exactValues[slot].sorted()
                if !values.isEmpty {
                    for q in exactQs { exact[q] = values[Self.rank(of: q, count: values.count)] }
                }
            }
            groups.append(QueryGroup(
                sensorID: bySensor ? table.sensorIDs[slot] : nil,
                bucketStart: buckets.map { $0.start(ofBucket: table.bucketIndices[slot]) },
                state: table.states[slot],
                sketch: plan.sketchQuantiles ? table.sketches[slot] : nil,
                exactQuantiles: exact,
                requested: requested))
        }
        return QueryResult(
            groups: groups, query: query, blocksRead: blocksRead, blocksSummarized: blocksSummarized,
            blocksSkipped: blocksSkipped)
    }

    /// The zero-based rank of the `q` quantile of `count` sorted values:
    /// `max(0, ⌈q·count⌉ − 1)`, DuckDB's `quantile_disc`.
    static func rank(of q: Double, count: Int) -> Int {
        Swift.min(count - 1, Swift.max(0, Int((q * Double(count)).rounded(.up)) - 1))
    }
}

extension RecordBlockStore {
    /// Answers `query` over the store's records.
    ///
    /// For each block, the engine tests the zone map against the filter and
    /// skips blocks that cannot match; when the zone map proves every record
    /// of a block matches, it skips the per-record tests, and when the query
    /// needs only counts, minima and maxima of a block that falls in one group,
    /// it reads nothing but the zone map. Otherwise it asks the block for only
    /// the columns the query reads, and reads packed rows or decoded columns
    /// as the store hands them out, without building rows from columns.
    /// In a store ordered by sensor, then time, a sensor filter finds its
    /// blocks and its records by binary search.
    ///
    /// NaN values are skipped by every aggregate and counted in
    /// ``QueryGroup/skippedNaNCount`` (unless a value range filters them out).
    ///
    /// - Parameter query: The question.
    /// - Returns: The groups, ordered by sensor, then bucket start; none for
    ///   an empty store or a filter that matches nothing.
    /// - Throws: ``QueryError`` for a bad query (checked before any block is
    ///   read), too many groups, or exact quantiles past their memory budget.
    /// - Complexity: O(*b* + *n*) for *b* blocks and *n* records read; a
    ///   single sensor's time range in a `.sensorThenTime` store is
    ///   O(log *b* + log *m* + *k*) for blocks of *m* records and *k* matches.
    ///   No allocation per record.
    public func query(_ query: RecordQuery) throws(QueryError) -> QueryResult {
        try QueryEngine(query).run(on: self)
    }
}
