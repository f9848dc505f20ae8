import DenseRecordsCore
import DenseRecordsQuery
import Testing

@Suite("Query edge cases")
struct QueryEdgeTests {
    static let every = RandomStores.allAggregates

    func stores(_ records: [SensorRecord], blockSize: Int = 4) -> [ArrayBlockStore] {
        [ArrayBlockStore(records, blockSize: blockSize, layout: .rows),
         ArrayBlockStore(records, blockSize: blockSize, layout: .columns)]
    }

    @Test func emptyStoreAndEmptyRangeGiveNoGroups() throws {
        for store in stores([]) {
            for grouping in [QueryGrouping.none, .sensor, .timeBucket(.seconds(1)), .sensorAndTimeBucket(.seconds(1))] {
                let result = try store.query(RecordQuery(grouping: grouping, aggregates: Self.every))
                #expect(result.isEmpty && result.skippedNaNCount == 0 && result.blocksRead == 0)
            }
        }
        let records = (0..<10).map { SensorRecord(sensorID: 1, timestampNanoseconds: Int64($0), value: 1, unit: .volt) }
        for store in stores(records) {
            let result = try store.query(RecordQuery(
                filter: RecordFilter(fromTimestamp: 5, toTimestamp: 5), aggregates: Self.every))
            #expect(result.isEmpty && store.requests.isEmpty)
            let none = try store.query(RecordQuery(filter: RecordFilter(sensorIDs: []), aggregates: [.count]))
            #expect(none.isEmpty && none.blocksSkipped == store.blockCount)
        }
    }

    @Test func oneRecord() throws {
        let record = SensorRecord(sensorID: 9, timestampNanoseconds: -5, value: -2.5, unit: .lux)
        for store in stores([record]) {
            let query = RecordQuery(grouping: .sensorAndTimeBucket(.seconds(1)), aggregates: Self.every)
            let result = try store.query(query)
            expectMatchesReference(result, [record], query, "one record")
            #expect(result.first?.bucketStart == -1_000_000_000)
            #expect(result.first?.quantile(0.5) == -2.5 && result.first?.exactQuantile(0.99) == -2.5)
        }
    }

    @Test func nanValuesAreSkippedAndCounted() throws {
        let records = [1.0, .nan, 3, .nan, .nan].enumerated().map {
            SensorRecord(sensorID: UInt32($0.offset % 2), timestampNanoseconds: Int64($0.offset), value: $0.element, unit: .volt)
        }
        for store in stores(records, blockSize: 2) {
            let result = try store.query(RecordQuery(grouping: .sensor, aggregates: [.count, .mean, .max]))
            #expect(result.skippedNaNCount == 3)
            #expect(result.group(sensorID: 0)?.count == 2 && result.group(sensorID: 0)?.skippedNaNCount == 1)
            #expect(result.group(sensorID: 0)?.mean == 2)
            // Sensor 1 has only NaNs: the group exists with nothing to aggregate.
            let onlyNaN = try #require(result.group(sensorID: 1))
            #expect(onlyNaN.count == 0 && onlyNaN.skippedNaNCount == 2 && onlyNaN.mean == nil && onlyNaN.maximum == nil)
            // A value range never matches NaN, so nothing is counted as skipped.
            let ranged = try store.query(RecordQuery(filter: RecordFilter(valueRange: -10...10), aggregates: [.count]))
            #expect(ranged.skippedNaNCount == 0 && ranged.first?.count == 2)
        }
    }

    @Test func extremeTimestampsDoNotTrapInBucketMath() throws {
        let timestamps: [Int64] = [.min, .min + 1, -1, 0, 1, .max - 1, .max]
        let records = timestamps.map { SensorRecord(sensorID: 1, timestampNanoseconds: $0, value: 1, unit: .volt) }
        for width in [Duration.nanoseconds(1), .nanoseconds(3), .seconds(3_600), .seconds(86_400 * 365), .nanoseconds(Int64.max)] {
            for store in stores(records, blockSize: 3) {
                let query = RecordQuery(grouping: .timeBucket(width), aggregates: [.count, .first, .last])
                let result = try store.query(query)
                expectMatchesReference(result, records, query, "width \(width)")
                #expect(result.first?.bucketStart == .min || width == .nanoseconds(1), "width \(width)")
            }
        }
        // The whole Int64 range as a filter.
        for store in stores(records) {
            let all = try store.query(RecordQuery(filter: RecordFilter(fromTimestamp: .min, toTimestamp: .max), aggregates: [.count]))
            #expect(all.first?.count == records.count - 1)  // Int64.max is outside [min, max)
        }
    }

    @Test func valueRangeEdgesAreInclusive() throws {
        let values = [-1.0, -0.0, 0.0, 1.0, 2.0, .infinity, -.infinity]
        let records = values.enumerated().map {
            SensorRecord(sensorID: 1, timestampNanoseconds: Int64($0.offset), value: $0.element, unit: .volt)
        }
        for store in stores(records, blockSize: 2) {
            for range in [0.0...0.0, -1.0...1.0, 1.0...1.0, -Double.infinity...Double.infinity, 2.0...Double.infinity] {
                let query = RecordQuery(filter: RecordFilter(valueRange: range), aggregates: [.count, .min, .max, .sum])
                expectMatchesReference(try store.query(query), records, query, "range \(range)")
            }
        }
    }

    @Test func badQueriesThrowBeforeReadingAnything() {
        let store = ArrayBlockStore([SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 1, unit: .volt)], blockSize: 1, layout: .rows)
        #expect(throws: QueryError.invalidBucketWidth(.zero)) {
            try store.query(RecordQuery(grouping: .timeBucket(.zero), aggregates: [.count]))
        }
        #expect(throws: QueryError.invalidQuantile(1.5)) { try store.query(RecordQuery(aggregates: [.quantile(1.5)])) }
        #expect(throws: QueryError.noAggregates) { try store.query(RecordQuery(aggregates: [])) }
        #expect(throws: QueryError.invalidSketchAccuracy(0)) { try store.query(RecordQuery(aggregates: [.count], sketchAccuracy: 0)) }
        #expect(store.requests.isEmpty)
    }

    @Test func limitsAreEnforced() {
        let records = (0..<100).map { SensorRecord(sensorID: UInt32($0), timestampNanoseconds: Int64($0), value: 1, unit: .volt) }
        let store = ArrayBlockStore(records, blockSize: 10, layout: .rows)
        #expect(throws: QueryError.tooManyGroups(limit: 50)) {
            try store.query(RecordQuery(grouping: .sensor, aggregates: [.count, .sum], groupLimit: 50))
        }
        #expect(throws: QueryError.exactQuantileBudgetExceeded(valueCount: 65, byteLimit: 512)) {
            try store.query(RecordQuery(aggregates: [.exactQuantile(0.5)], exactQuantileByteLimit: 512))
        }
    }

    @Test func columnarBlocksAreAskedOnlyForTheColumnsAQueryReads() throws {
        let records = (0..<100).map {
            SensorRecord(sensorID: UInt32($0 % 3), timestampNanoseconds: Int64($0), value: Double($0), unit: .volt)
        }
        let store = ArrayBlockStore(records, blockSize: 10, layout: .columns)
        let sum = try store.query(RecordQuery(aggregates: [.count, .sum]))
        #expect(sum.first?.sum == 4_950 && sum.first?.count == 100)
        #expect(store.requests.allSatisfy { $0.columns == [.value] })
        let perSensor = try store.query(RecordQuery(grouping: .sensor, aggregates: [.mean]))
        #expect(perSensor.count == 3)
        #expect(store.requests.suffix(10).allSatisfy { $0.columns == [.value, .sensorID] })
    }

    @Test func zoneMapsSkipAndSummarizeBlocks() throws {
        // Time-ordered: 100 blocks of 10; a range covering blocks 20..<30 exactly.
        let records = (0..<1_000).map {
            SensorRecord(sensorID: 1, timestampNanoseconds: Int64($0), value: Double($0 % 7), unit: .volt)
        }
        let store = ArrayBlockStore(records, blockSize: 10, layout: .rows)
        let counted = try store.query(RecordQuery(
            filter: RecordFilter(fromTimestamp: 200, toTimestamp: 300), aggregates: [.count, .min, .max]))
        #expect(counted.first?.count == 100 && counted.blocksSkipped == 90 && counted.blocksSummarized == 10)
        #expect(store.requests.isEmpty, "count/min/max of whole matching blocks need no read")
        let summed = try store.query(RecordQuery(
            filter: RecordFilter(fromTimestamp: 205, toTimestamp: 300), aggregates: [.sum]))
        #expect(summed.blocksRead == 10 && summed.blocksSkipped == 90)
    }
}
