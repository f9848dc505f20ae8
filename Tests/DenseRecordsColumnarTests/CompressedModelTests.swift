import DenseRecordsArena
import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsQuery
import DenseRecordsTestKit
import Testing

/// Inputs that stress every column at once: NaN payloads, signed zeros, infinities,
/// `Int64.min`/`Int64.max` timestamps, unknown unit codes, records out of time order.
func adversarialRecords(count: Int, seed: UInt64) -> [SensorRecord] {
    var generator = SeededRandomNumberGenerator(seed: seed)
    let extremes: [Int64] = [.min, .max, .min + 1, .max - 1, 0, -1]
    let sensors: [UInt32] = [0, 1, 2, 7_919, .max - 1, .max]
    return (0..<count).map { i in
        let timestamp: Int64 =
            generator.next() % 4 == 0
            ? extremes[Int(generator.next() % UInt64(extremes.count))]
            : Int64(count - i) * 1_000 + Int64(generator.next() % 3)  // mostly descending: out of time order
        return SensorRecord(sensor_record_t(
            sensor_id: sensors[Int(generator.next() % UInt64(sensors.count))], timestamp_ns: timestamp,
            value: adversarialValue(&generator), unit: UInt8(truncatingIfNeeded: generator.next())))
    }
}

/// The packed form of the model: the input in store order, in a `RecordArena`.
func packedModel(_ input: [SensorRecord]) throws -> RecordArena {
    let arena = RecordArena()
    try arena.append(contentsOf: modelOrder(input))
    return arena
}

/// Checks `compressed[i]` at random positions and every sensor's lookups against the model.
func expectRandomAccessMatchesModel(_ store: CompressedRecords, input: [SensorRecord], seed: UInt64) {
    let model = modelOrder(input)
    var generator = SeededRandomNumberGenerator(seed: seed)
    for _ in 0..<min(2_000, model.count * 4) {
        let i = Int(generator.next() % UInt64(model.count))
        #expect(store[i] == model[i], "compressed[\(i)]")
        #expect(store[i].value.bitPattern == model[i].value.bitPattern)
    }
    for sensor in Set(model.map(\.sensorID)).sorted() + [3, 4_242] {
        let expected = model.indices.filter { model[$0].sensorID == sensor }
        let found = store.indices(ofSensor: sensor)
        #expect(found.isEmpty ? expected.isEmpty : Array(found) == expected, "sensor \(sensor)")
        for window in [Int64.min..<Int64.max, Int64.min..<0, 0..<Int64.max, (Int64.max - 1)..<Int64.max] {
            let wanted = expected.filter { window.contains(model[$0].timestampNanoseconds) }
            let range = store.indices(ofSensor: sensor, in: window)
            #expect(range.isEmpty ? wanted.isEmpty : Array(range) == wanted, "sensor \(sensor) in \(window)")
        }
    }
}

/// Whether two results hold the same groups with the same figures for every
/// aggregate asked for; NaN equals NaN (a sum over `+inf` and `-inf` is NaN in both).
func sameFigures(_ a: QueryResult, _ b: QueryResult, _ aggregates: [QueryAggregate]) -> Bool {
    guard a.groups.count == b.groups.count else { return false }
    for (x, y) in zip(a.groups, b.groups) {
        guard x.sensorID == y.sensorID, x.bucketStart == y.bucketStart, x.count == y.count,
            x.skippedNaNCount == y.skippedNaNCount, x.first?.timestamp == y.first?.timestamp, x.last?.timestamp == y.last?.timestamp
        else { return false }
        for aggregate in aggregates {
            let (u, v) = (x.value(of: aggregate), y.value(of: aggregate))
            guard u == v || (u?.isNaN == true && v?.isNaN == true) else { return false }
        }
    }
    return true
}

/// The queries both stores must answer alike.
func comparisonQueries(sensors: [UInt32]) -> [RecordQuery] {
    let order: [QueryAggregate] = [.count, .min, .max, .first, .last, .exactQuantile(0.5), .exactQuantile(0.99)]
    var queries = [
        RecordQuery(aggregates: order),
        RecordQuery(grouping: .sensor, aggregates: order),
        RecordQuery(grouping: .sensorAndTimeBucket(.seconds(3_600)), aggregates: [.count, .min, .max]),
        RecordQuery(filter: RecordFilter(valueRange: -100...100), grouping: .sensor, aggregates: order),
        RecordQuery(filter: RecordFilter(units: [.celsius, .percent]), aggregates: order),
    ]
    for sensor in sensors.prefix(3) {
        var filter = RecordFilter(sensorIDs: [sensor])
        filter.timestamps(from: -1_000_000, to: 1_000_000_000)
        queries.append(RecordQuery(filter: filter, grouping: .sensor, aggregates: order))
        queries.append(RecordQuery(filter: RecordFilter(sensorIDs: [sensor, sensors[0]]), grouping: .sensor, aggregates: order))
    }
    return queries
}

@Suite struct CompressedModelTests {
    @Test(arguments: [(UInt64(31), 64), (32, 1_000), (33, 4_096)])
    func adversarialInputMatchesThePackedModelBitForBit(seed: UInt64, recordsPerBlock: Int) throws {
        let input = adversarialRecords(count: 6_000, seed: seed)
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: recordsPerBlock))
        expectMatchesModel(store, input: input)
        expectRandomAccessMatchesModel(store, input: input, seed: seed)
    }

    @Test(arguments: [UInt64(41), 42])
    func randomInputRandomAccessMatchesModel(seed: UInt64) throws {
        let input = randomRecords(count: 8_000, sensors: 17, seed: seed, timeOrdered: seed % 2 == 0)
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 512))
        expectMatchesModel(store, input: input)
        expectRandomAccessMatchesModel(store, input: input, seed: seed)
    }

    /// Sensor id pools for ``interleavedSensorIDs(first:pool:)``: the first record's
    /// id and the ids the others draw from. The first pass's census window holds
    /// 4,096 ids from 2,048 below the first id (from 0 when the first id is
    /// smaller, never wrapping past `UInt32.max`); pools reach its edges from
    /// inside (the census groups them) or one id past them (grouping counts on
    /// its own).
    static let sensorPools: [(UInt32, [UInt32])] = [
        (5, Array(0...40) + [4_095]),  // inside: the window is 0...4,095
        (3_000, [952, 5_047] + Array(stride(from: 952, through: 5_047, by: 97))),  // inside, both edges
        (3_000, [951] + Array(stride(from: 1_000, through: 5_000, by: 131))),  // one below
        (3_000, [5_048] + Array(stride(from: 1_000, through: 5_000, by: 131))),  // one above
        (70_000, [67_952, 72_047] + Array(stride(from: 67_952, through: 72_047, by: 211))),  // inside, both edges
        (.max, Array(UInt32.max - 4_095 ... UInt32.max - 4_000) + Array(UInt32.max - 60 ... UInt32.max)),  // inside, at the top
        (.max, Array(UInt32.max - 30 ... UInt32.max) + Array(0...30)),  // would wrap: outside
        (1, Array(0...30) + Array(UInt32.max - 30 ... UInt32.max)),  // outside
    ]

    @Test(
        "Interleaved sensors, some out of time order: the first pass's census and the counting pass group alike",
        arguments: sensorPools)
    func interleavedSensorIDs(first: UInt32, pool: [UInt32]) throws {
        var generator = SeededRandomNumberGenerator(seed: UInt64(first) &+ UInt64(pool.count))
        var clock = [UInt32: Int64]()
        let input = (0..<9_000).map { i in
            let sensor = i == 0 ? first : pool[Int(generator.next() % UInt64(pool.count))]
            // Every third sensor's clock sometimes steps back.
            let step: Int64 = sensor % 3 == 0 && generator.next() % 5 == 0 ? -2_500 : 1_000
            clock[sensor, default: 0] += step
            return SensorRecord(sensor_record_t(
                sensor_id: sensor, timestamp_ns: clock[sensor]!, value: adversarialValue(&generator), unit: 1))
        }
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 300))
        expectMatchesModel(store, input: input)
        // The blocks are cut, and encoded, exactly as from the same records already
        // grouped, which the builder takes one by one: block for block, byte for byte.
        let grouped = try CompressedRecords(compressing: modelOrder(input), options: ColumnarOptions(recordsPerBlock: 300))
        #expect(store.blockCount == grouped.blockCount)
        for block in 0..<min(store.blockCount, grouped.blockCount) {
            #expect(store.indices(ofBlock: block) == grouped.indices(ofBlock: block), "block \(block)")
            let same = store.withBlockBytes(block) { a in grouped.withBlockBytes(block) { b in a.elementsEqual(b) } }
            #expect(same, "block \(block)")
        }
    }

    @Test("Interleaved sensors of every count around the cut rule's edges give the blocks grouped input gives")
    func blockCutsAtTheEdges() throws {
        // 64 records a block: a block also ends where a new sensor starts once it
        // holds 4. Sensor counts around 4, 64 and their sums, taking turns.
        let counts = [4, 3, 1, 5, 4, 60, 4, 64, 63, 65, 3, 128, 4, 1, 68, 4, 2, 2]
        var remaining = counts
        var input: [SensorRecord] = []
        var step = 0
        while remaining.contains(where: { $0 > 0 }) {
            for (sensor, left) in remaining.enumerated() where left > 0 {
                remaining[sensor] -= 1
                input.append(SensorRecord(sensor_record_t(
                    sensor_id: UInt32(sensor), timestamp_ns: Int64(step), value: Double(step % 97) / 4, unit: 1)))
                step += 1
            }
        }
        let options = ColumnarOptions(recordsPerBlock: 64)
        let store = try CompressedRecords(compressing: input, options: options)
        let grouped = try CompressedRecords(compressing: modelOrder(input), options: options)
        expectMatchesModel(store, input: input)
        #expect((0..<store.blockCount).map(store.indices(ofBlock:)) == (0..<grouped.blockCount).map(grouped.indices(ofBlock:)))
    }

    @Test func singleAdversarialRecordsEachRoundTrip() throws {
        var generator = SeededRandomNumberGenerator(seed: 51)
        for timestamp in [Int64.min, .max, 0, -1] {
            let record = SensorRecord(sensor_record_t(
                sensor_id: .max, timestamp_ns: timestamp, value: adversarialValue(&generator), unit: 200))
            let store = try CompressedRecords(compressing: [record])
            expectMatchesModel(store, input: [record])
            #expect(store[0].value.bitPattern == record.value.bitPattern)
            #expect(store.indices(ofSensor: .max) == 0..<1)
        }
    }

    @Test func emptyStoreAnswersQueriesLikeAnEmptyArena() throws {
        let store = try CompressedRecords(compressing: [SensorRecord]())
        let arena = RecordArena()
        for query in comparisonQueries(sensors: [1]) {
            #expect(try store.query(query).groups == arena.query(query).groups)
        }
    }

    @Test(arguments: [UInt64(61), 62, 63])
    func queriesEqualTheSameQueriesOverThePackedArena(seed: UInt64) throws {
        // Adversarial values: every order-insensitive aggregate, and first/last with ties
        // (store order equals the model order the arena holds).
        let input = adversarialRecords(count: 5_000, seed: seed) + randomRecords(count: 5_000, sensors: 6, seed: seed, timeOrdered: true)
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 700))
        let arena = try packedModel(input)
        let sensors = Set(input.map(\.sensorID)).sorted()
        for query in comparisonQueries(sensors: sensors) {
            let compressed = try store.query(query)
            let packed = try arena.query(query)
            #expect(sameFigures(compressed, packed, query.aggregates), "\(query)")
            #expect(compressed.skippedNaNCount == packed.skippedNaNCount)
        }
    }

    @Test func sumsAndMeansEqualThePackedArenaOnExactDecimals() throws {
        // Quarter values: every partial sum is exact, so sums agree whatever the block boundaries.
        var generator = SeededRandomNumberGenerator(seed: 71)
        let input = (0..<20_000).map { i in
            SensorRecord(sensor_record_t(
                sensor_id: UInt32(generator.next() % 12), timestamp_ns: Int64(i) * 60_000_000_000,
                value: Double(Int(generator.next() % 4_000) - 2_000) / 4, unit: UInt8(generator.next() % 5)))
        }
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 1_024))
        let arena = try packedModel(input)
        let aggregates: [QueryAggregate] = [.count, .sum, .mean, .min, .max, .first, .last]
        var filter = RecordFilter(sensorIDs: [3, 5])
        filter.timestamps(from: 60_000_000_000 * 1_000, to: 60_000_000_000 * 15_000)
        for query in [
            RecordQuery(aggregates: aggregates),
            RecordQuery(grouping: .sensor, aggregates: aggregates),
            RecordQuery(filter: filter, grouping: .sensor, aggregates: aggregates),
            RecordQuery(filter: RecordFilter(valueRange: 0...100), grouping: .timeBucket(.seconds(86_400)), aggregates: aggregates),
        ] {
            let compressed = try store.query(query)
            #expect(compressed.groups == (try arena.query(query)).groups, "\(query)")
            #expect(!compressed.groups.isEmpty)
        }
    }
}
