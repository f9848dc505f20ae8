import DenseRecordsCore
import DenseRecordsQuery
import DenseRecordsTestKit
import Testing

/// Random stores and random queries, compared with `referenceQuery`.
enum RandomStores {
    static let timeBase: Int64 = 1_700_000_000_000_000_000

    /// Records with few sensors, clustered timestamps with ties, a few NaNs,
    /// signed zeros and infinities, and now and then extreme timestamps.
    static func records(_ count: Int, using generator: inout SeededRandomNumberGenerator) -> [SensorRecord] {
        let sensors: [UInt32] = [0, 1, 2, 3, 7, 1_000, UInt32.max]
        return (0..<count).map { _ in
            let sensorID = sensors[Int.random(in: 0..<(Bool.random(using: &generator) ? 3 : sensors.count), using: &generator)]
            var timestamp = timeBase + Int64.random(in: 0..<40, using: &generator) * 250
            switch Int.random(in: 0..<40, using: &generator) {
            case 0: timestamp = .min
            case 1: timestamp = .max
            case 2: timestamp = .min + Int64.random(in: 0..<5, using: &generator)
            case 3: timestamp = -Int64.random(in: 0..<10_000, using: &generator)
            default: break
            }
            var value = (Double.random(in: -50...50, using: &generator) * 8).rounded() / 8
            switch Int.random(in: 0..<60, using: &generator) {
            case 0, 1: value = .nan
            case 2: value = -0.0
            case 3: value = 0
            case 4: value = Double.random(in: 1e-3...1e6, using: &generator)
            default: break
            }
            let unit = SensorUnit(rawValue: UInt8.random(in: 0..<4, using: &generator))
            return SensorRecord(sensorID: sensorID, timestampNanoseconds: timestamp, value: value, unit: unit)
        }
    }

    static let allAggregates: [QueryAggregate] = [
        .count, .sum, .mean, .min, .max, .first, .last, .quantile(0.5), .quantile(0.9), .quantile(0.99),
        .quantile(0), .quantile(1), .exactQuantile(0.5), .exactQuantile(0.99),
    ]

    /// A query with a random filter, grouping and aggregate list.
    static func query(using generator: inout SeededRandomNumberGenerator) -> RecordQuery {
        var filter = RecordFilter()
        if Bool.random(using: &generator) {
            filter.sensorIDs = Set([0, 1, 3, 7, UInt32.max, 42].filter { _ in Bool.random(using: &generator) })
        }
        if Bool.random(using: &generator) {
            filter.fromTimestamp = timeBase + Int64.random(in: -2..<30, using: &generator) * 250
        }
        if Bool.random(using: &generator) {
            filter.toTimestamp = [Int64.min, .max, timeBase + Int64.random(in: 0..<42, using: &generator) * 250]
                .randomElement(using: &generator)
        }
        if Int.random(in: 0..<4, using: &generator) == 0 {
            filter.units = Set((0..<4).filter { _ in Bool.random(using: &generator) }.map { SensorUnit(rawValue: UInt8($0)) })
        }
        if Int.random(in: 0..<4, using: &generator) == 0 {
            let bound = Double(Int.random(in: -40...40, using: &generator))
            filter.valueRange = [bound...bound + 20, -0.0...0.0, -Double.infinity...bound, bound...bound]
                .randomElement(using: &generator)
        }
        let widths: [Duration] = [.nanoseconds(1), .nanoseconds(7), .nanoseconds(1_000), .seconds(3_600), .nanoseconds(Int64.max)]
        let width = widths.randomElement(using: &generator)!
        let grouping: QueryGrouping = [.none, .sensor, .timeBucket(width), .sensorAndTimeBucket(width)]
            .randomElement(using: &generator)!
        let aggregates = Int.random(in: 0..<3, using: &generator) == 0
            ? allAggregates
            : Array(allAggregates.filter { _ in Bool.random(using: &generator) }.prefix(4))
        return RecordQuery(filter: filter, grouping: grouping, aggregates: aggregates.isEmpty ? [.count] : aggregates)
    }
}

/// Checks `result` against the reference answer for `query` over `records` (in store order).
func expectMatchesReference(
    _ result: QueryResult, _ records: [SensorRecord], _ query: RecordQuery, _ context: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let expected = referenceQuery(records, query)
    guard result.count == expected.count else {
        Issue.record("\(context): \(result.count) groups, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    let requested = Set(query.aggregates)
    for (group, reference) in zip(result, expected) {
        let label = "\(context) group \(reference.sensorID.map(String.init) ?? "-")/\(reference.bucketStart.map(String.init) ?? "-")"
        #expect(group.sensorID == reference.sensorID && group.bucketStart == reference.bucketStart, "\(label)", sourceLocation: sourceLocation)
        #expect(group.count == reference.values.count, "\(label) count", sourceLocation: sourceLocation)
        #expect(group.skippedNaNCount == reference.nanCount, "\(label) NaNs", sourceLocation: sourceLocation)
        let sorted = reference.values.sorted()
        let empty = sorted.isEmpty
        if requested.contains(.sum) || requested.contains(.mean) {
            let scale = reference.values.reduce(0) { $0 + abs($1) }
            let sum = group.sum
            #expect(empty ? sum == nil : sum.map { sumsAgree($0, reference.sum, scale: scale) } == true,
                "\(label) sum \(String(describing: sum)) vs \(reference.sum)", sourceLocation: sourceLocation)
            let mean = group.mean
            #expect(empty ? mean == nil : mean.map { sumsAgree($0, reference.sum / Double(sorted.count), scale: scale / Double(sorted.count)) } == true,
                "\(label) mean", sourceLocation: sourceLocation)
        }
        if requested.contains(.min) || requested.contains(.max) {
            #expect(group.minimum == sorted.first && group.maximum == sorted.last,
                "\(label) min/max \(String(describing: group.minimum)) \(String(describing: group.maximum)) vs \(String(describing: sorted.first)) \(String(describing: sorted.last))",
                sourceLocation: sourceLocation)
        }
        if requested.contains(.first) || requested.contains(.last) {
            #expect(group.first?.timestamp == reference.first?.timestamp
                && group.first?.value.bitPattern == reference.first?.value.bitPattern, "\(label) first", sourceLocation: sourceLocation)
            #expect(group.last?.timestamp == reference.last?.timestamp
                && group.last?.value.bitPattern == reference.last?.value.bitPattern, "\(label) last", sourceLocation: sourceLocation)
        }
        for aggregate in query.aggregates {
            switch aggregate {
            case .exactQuantile(let q):
                #expect(group.exactQuantile(q) == exactQuantile(sorted, q), "\(label) exact p\(q)", sourceLocation: sourceLocation)
            case .quantile(let q):
                let estimate = group.quantile(q)
                if let exact = exactQuantile(sorted, q), let estimate {
                    let bound = DDSketch.defaultRelativeAccuracy * abs(exact) * (1 + 1e-9) + 1e-300
                    #expect(abs(estimate - exact) <= bound || estimate == exact,
                        "\(label) p\(q): \(estimate) vs exact \(exact)", sourceLocation: sourceLocation)
                } else {
                    #expect(estimate == nil && empty, "\(label) p\(q) on no values", sourceLocation: sourceLocation)
                }
            default: break
            }
        }
    }
}

@Suite("Query engine against the reference")
struct QueryModelTests {
    @Test(arguments: [ArrayBlockStore.Layout.rows, .columns])
    func randomStoresAndQueries(layout: ArrayBlockStore.Layout) throws {
        var generator = SeededRandomNumberGenerator(seed: layout == .rows ? 0x51 : 0x52)
        for round in 0..<300 {
            let sorted = round % 3 == 2
            var records = RandomStores.records(Int.random(in: 0..<(round % 10 == 0 ? 3 : 300), using: &generator), using: &generator)
            if sorted { records = ArrayBlockStore.sortedBySensorThenTime(records) }
            let store = ArrayBlockStore(
                records, blockSize: Int.random(in: 1...40, using: &generator), layout: layout,
                ordering: sorted ? .sensorThenTime : .unordered)
            for _ in 0..<8 {
                let query = RandomStores.query(using: &generator)
                let result = try store.query(query)
                expectMatchesReference(result, records, query, "round \(round) \(layout) sorted=\(sorted) \(query)")
                #expect(result.blocksRead + result.blocksSummarized + result.blocksSkipped >= store.blockCount || sorted)
            }
        }
    }

    @Test func sensorThenTimeSingleSensorQueriesReadOnlyTheirBlocks() throws {
        // 20 sensors × 500 readings, sorted, in blocks of 50: one sensor's
        // 100-reading window spans at most 3 blocks.
        var records: [SensorRecord] = []
        for sensor in 0..<20 {
            for step in 0..<500 {
                records.append(SensorRecord(
                    sensorID: UInt32(sensor), timestampNanoseconds: Int64(step) * 1_000, value: Double(step), unit: .volt))
            }
        }
        for layout in [ArrayBlockStore.Layout.rows, .columns] {
            let store = ArrayBlockStore(records, blockSize: 50, layout: layout, ordering: .sensorThenTime)
            let query = RecordQuery(
                filter: RecordFilter(sensorIDs: [7], fromTimestamp: 120_000, toTimestamp: 220_000),
                aggregates: [.count, .sum, .first, .last])
            let result = try store.query(query)
            expectMatchesReference(result, records, query, "sorted \(layout)")
            #expect(result.first?.count == 100)
            #expect(result.blocksRead <= 3, "read \(result.blocksRead) blocks")
            #expect(store.requests.count == result.blocksRead)
        }
    }
}
