import DenseRecordsArena
import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsTestKit
import Testing

@Suite struct CompressedRecordsTests {
    @Test(arguments: [(UInt64(1), 1), (2, 7), (3, 128), (4, 4_096)])
    func randomTimeOrderedInputMatchesModel(seed: UInt64, recordsPerBlock: Int) throws {
        let input = randomRecords(count: 5_000, sensors: 9, seed: seed, timeOrdered: true)
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: recordsPerBlock))
        expectMatchesModel(store, input: input)
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func randomUnorderedInputWithExtremeTimestampsMatchesModel(seed: UInt64) throws {
        let input = randomRecords(count: 3_000, sensors: 5, seed: seed, timeOrdered: false)
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 256))
        expectMatchesModel(store, input: input)
    }

    @Test func inputAlreadyInStoreOrderMatchesModel() throws {
        // Takes the streaming path: no grouping needed.
        let input = modelOrder(randomRecords(count: 10_000, sensors: 4, seed: 21, timeOrdered: true))
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 1_000))
        expectMatchesModel(store, input: input)
    }

    @Test func compressesEveryChunkOfAnArena() throws {
        let input = randomRecords(count: RecordArena.recordsPerChunk * 2 + 17, sensors: 30, seed: 5, timeOrdered: true)
        let arena = RecordArena()
        try arena.append(contentsOf: input)
        let store = try CompressedRecords(compressing: arena)
        expectMatchesModel(store, input: input)
    }

    @Test func emptyInputGivesAnEmptyStore() throws {
        let store = try CompressedRecords(compressing: [SensorRecord]())
        #expect(store.isEmpty)
        #expect(store.blockCount == 0)
        #expect(store.indices(ofSensor: 3) == 0..<0)
        #expect(store.storageStatistics.bytesPerRecord == nil)
        expectMatchesModel(store, input: [])
    }

    @Test func oneRecord() throws {
        let input = [SensorRecord(sensor_record_t(sensor_id: .max, timestamp_ns: .min, value: -0.0, unit: 255))]
        let store = try CompressedRecords(compressing: input)
        #expect(store.blockCount == 1)
        expectMatchesModel(store, input: input)
    }

    @Test func oneSensorRegularSeries() throws {
        let input = (0..<20_000).map { i in
            SensorRecord(sensorID: 1, timestampNanoseconds: 1_700_000_000_000_000_000 + Int64(i) * 60_000_000_000,
                         value: Double(2_000 + i % 50) / 100, unit: .celsius)
        }
        let store = try CompressedRecords(compressing: input)
        expectMatchesModel(store, input: input)
        let statistics = store.storageStatistics
        // Regular intervals cost nothing per record: delta encoding, 0 bits.
        #expect(statistics.timestampEncodings == [.delta: store.blockCount])
        #expect(statistics.timestampBytes < 100 * store.blockCount)
        #expect(statistics.valueEncodings[.plain] == nil)
    }

    @Test func hundredThousandSensorsWithOneRecordEach() throws {
        var generator = SeededRandomNumberGenerator(seed: 9)
        let input = (0..<100_000).map { i in
            SensorRecord(sensor_record_t(
                sensor_id: UInt32(truncatingIfNeeded: generator.next()) | 1, timestamp_ns: Int64(i), value: Double(i), unit: 1))
        }
        let store = try CompressedRecords(compressing: input)
        expectMatchesModel(store, input: input)
        for record in input.prefix(200) {
            let range = store.indices(ofSensor: record.sensorID)
            #expect(!range.isEmpty && store[range].allSatisfy { $0.sensorID == record.sensorID })
        }
    }

    @Test func allNaNWithDistinctPayloads() throws {
        let input = (0..<3_000).map { i in
            SensorRecord(sensor_record_t(
                sensor_id: 4, timestamp_ns: Int64(i), value: Double(bitPattern: 0x7FF0_0000_0000_0001 + UInt64(i) * 977), unit: 2))
        }
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 1_000))
        expectMatchesModel(store, input: input)
        #expect(store.zoneMap(ofBlock: 0).nanCount == 1_000)
    }

    @Test func alternatingSignedZeros() throws {
        let input = (0..<5_000).map { i in
            SensorRecord(sensor_record_t(sensor_id: 2, timestamp_ns: Int64(i), value: i % 2 == 0 ? -0.0 : 0.0, unit: 0))
        }
        expectMatchesModel(try CompressedRecords(compressing: input), input: input)
    }

    @Test func extremeTimestamps() throws {
        let times: [Int64] = [.min, .max, .min + 1, .max - 1, 0, -1, .min, .max]
        let input = (0..<4_000).map { i in
            SensorRecord(sensor_record_t(sensor_id: UInt32(i % 3), timestamp_ns: times[i % times.count], value: 1, unit: 0))
        }
        let store = try CompressedRecords(compressing: input)
        expectMatchesModel(store, input: input)
        #expect(store.indices(ofSensor: 1, in: Int64.min..<(Int64.min + 2)).count
            == input.filter { $0.sensorID == 1 && $0.timestampNanoseconds < Int64.min + 2 }.count)
    }

    @Test func seventeenSignificantDigitsAreExceptions() throws {
        var generator = SeededRandomNumberGenerator(seed: 17)
        let input = (0..<6_000).map { i in
            // Mostly two decimals, every seventh value with 17 significant digits.
            let value = i % 7 == 0 ? 1.2345678901234567 * Double(i + 1) : Double(Int(generator.next() % 10_000)) / 100
            return SensorRecord(sensor_record_t(sensor_id: 8, timestamp_ns: Int64(i) * 1_000, value: value, unit: 3))
        }
        let store = try CompressedRecords(compressing: input)
        expectMatchesModel(store, input: input)
        #expect(store.storageStatistics.valueEncodings[.plain] == nil, "exceptions are patched, the block stays decimal")
    }

    @Test func invalidBlockSizesAreRefused() {
        #expect(throws: ColumnarError.invalidBlockSize(0)) {
            try CompressedRecords(compressing: [SensorRecord](), options: ColumnarOptions(recordsPerBlock: 0))
        }
        #expect(throws: ColumnarError.invalidBlockSize(65_537)) {
            try CompressedRecords(compressing: [SensorRecord](), options: ColumnarOptions(recordsPerBlock: 65_537))
        }
    }

    @Test func subscriptOutOfRangeTraps() async {
        await #expect(processExitsWith: .failure) {
            let store = try CompressedRecords(compressing: [SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 0, unit: .celsius)])
            _ = store[1]
        }
    }
}
