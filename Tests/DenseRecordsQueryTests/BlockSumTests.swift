import DenseRecordsCore
import DenseRecordsQuery
import DenseRecordsTestKit
import Testing

/// A store that sums blocks on its own (a compressed store) against the same
/// store read record by record: the query takes a block's sum from the store
/// exactly when the block passes the filter whole and falls in one group.
@Suite("Query engine: block sums a store computes")
struct BlockSumTests {
    /// Four sensors, 40 records each in a row, so blocks of 10 are each one sensor's.
    static let records: [SensorRecord] = (0..<160).map { (i: Int) -> SensorRecord in
        let sensorID = UInt32(i / 40 + 1)
        let timestamp = Int64(i % 40) * 1_000
        let value: Double = i % 37 == 5 ? .nan : Double(i % 13) * 0.25
        return SensorRecord(sensorID: sensorID, timestampNanoseconds: timestamp, value: value, unit: .volt)
    }

    static func stores() -> (plain: ArrayBlockStore, summing: ArrayBlockStore) {
        let plain = ArrayBlockStore(records, blockSize: 10, layout: .columns, ordering: .sensorThenTime)
        let summing = ArrayBlockStore(records, blockSize: 10, layout: .columns, ordering: .sensorThenTime)
        summing.answersBlockSums = true
        return (plain, summing)
    }

    @Test("Whole blocks in one group are summed by the store; the figures equal a record-by-record read")
    func wholeBlocksUseTheStoreSum() throws {
        var filter = RecordFilter(sensorIDs: [2, 3])
        filter.timestamps(from: 5_000, to: 34_000)  // cuts the first and last block of each sensor
        let queries = [
            RecordQuery(aggregates: [.count, .sum, .mean]),
            RecordQuery(grouping: .sensor, aggregates: [.count, .sum, .mean, .min, .max]),
            RecordQuery(filter: filter, grouping: .sensor, aggregates: [.count, .sum, .min, .max]),
        ]
        for query in queries {
            let (plain, summing) = Self.stores()
            let expected = try plain.query(query)
            let result = try summing.query(query)
            #expect(result.groups == expected.groups, "\(query)")
            #expect(result.skippedNaNCount == expected.skippedNaNCount)
            // Summed blocks are never decoded.
            let decoded = Set(summing.requests.map(\.block))
            #expect(decoded.isDisjoint(with: summing.summedBlocks), "\(query)")
            #expect(!summing.summedBlocks.isEmpty, "\(query)")
        }
        // With the filter, only the blocks wholly inside it are summed: 10..<30 and 40..<70 of sensor 2's
        // and 3's records are blocks 5, 6 (sensor 2) and 9, 10 (sensor 3); their neighbours are cut.
        let (_, summing) = Self.stores()
        _ = try summing.query(queries[2])
        #expect(summing.summedBlocks.sorted() == [5, 6, 9, 10])
    }

    @Test("Queries that need each value, or no sum, never ask for block sums")
    func otherQueriesReadRecords() throws {
        for query in [
            RecordQuery(aggregates: [.count, .min, .max]),
            RecordQuery(grouping: .sensor, aggregates: [.sum, .first]),
            RecordQuery(grouping: .sensor, aggregates: [.sum, .quantile(0.5)]),
            RecordQuery(filter: RecordFilter(valueRange: 0...1), aggregates: [.sum]),
        ] {
            let (plain, summing) = Self.stores()
            #expect(try summing.query(query).groups == plain.query(query).groups, "\(query)")
            #expect(summing.summedBlocks.isEmpty, "\(query)")
        }
    }
}
