import DenseRecordsArena
@testable import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsQuery
import DenseRecordsTestKit
import Foundation
import Testing

/// The reference for a sum: the non-NaN values added with Neumaier's
/// compensation (within an ulp or two of the exact sum), the sum of their
/// magnitudes, which bounds the rounding any order of addition can make, and
/// the NaN count.
private func modelSum<S: Sequence<Double>>(_ values: S) -> (sum: Double, magnitude: Double, nanCount: Int) {
    var sum = 0.0
    var compensation = 0.0
    var magnitude = 0.0
    var nanCount = 0
    for value in values {
        if value.isNaN {
            nanCount += 1
            continue
        }
        magnitude += value.magnitude
        let next = sum + value
        compensation += sum.magnitude >= value.magnitude ? (sum - next) + value : (value - next) + sum
        sum = next
    }
    return (sum.isFinite ? sum + compensation : sum, magnitude, nanCount)
}

/// Whether `sum` is the reference's sum within the rounding of `blocks` block
/// sums: a few units of 2^-53 of the magnitudes added. Infinities and NaN
/// must match; sums whose magnitudes overflow are not compared.
private func closeTo(_ sum: Double, _ model: (sum: Double, magnitude: Double, nanCount: Int), blocks: Int) -> Bool {
    guard model.magnitude.isFinite else { return true }
    guard model.sum.isFinite else { return sum == model.sum || (sum.isNaN && model.sum.isNaN) }
    return (sum - model.sum).magnitude <= Double(8 + blocks) * 0x1p-53 * model.magnitude
}

/// One sensor's readings at 1 s: a random walk with two decimals, with
/// `exceptions` values per `blockSize` records that no decimal holds (NaN,
/// infinities, 17 significant digits), at random positions.
private func walkWithExceptions(count: Int, blockSize: Int, exceptions: Int, seed: UInt64) -> [SensorRecord] {
    var generator = SeededRandomNumberGenerator(seed: seed)
    var steps = Int64(generator.next() % 100_000)
    var values: [Double] = (0..<count).map { _ in
        steps += Int64(generator.next() % 201) - 100
        return Double(String(format: "%.2f", Double(steps) / 100))!
    }
    let odd: [Double] = [.nan, .infinity, -.infinity, 0.1 + 1.234567890123456e-3, -0.0, 1e300]
    for block in stride(from: 0, to: count, by: blockSize) {
        for _ in 0..<exceptions {
            values[block + Int(generator.next() % UInt64(min(blockSize, count - block)))] = odd[Int(generator.next() % 6)]
        }
    }
    return values.enumerated().map { i, value in
        SensorRecord(sensor_record_t(
            sensor_id: 3, timestamp_ns: 1_700_000_000_000_000_000 + Int64(i) * 1_000_000_000, value: value,
            unit: SensorUnit.celsius.rawValue))
    }
}

@Suite("Sums on the encoded value columns against the decoded values")
struct ValueSumModelTests {
    @Test(
        "Each block's sum and NaN count match the decoded values, with few and many exceptions",
        arguments: [0, 1, 5, 16, 17, 300])
    func blockSumsMatchTheValues(exceptions: Int) throws {
        let input = walkWithExceptions(count: 20_000, blockSize: 1_024, exceptions: exceptions, seed: UInt64(exceptions) + 1)
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 1_024))
        let model = modelOrder(input)
        var decimalBlocks = 0
        for block in 0..<store.blockCount {
            let range = store.indices(ofBlock: block)
            let reader = store.reader(ofBlock: block).values
            if reader.encoding != .plain { decimalBlocks += 1 }
            let expected = modelSum(model[range].map(\.value))
            let (sum, nanCount) = reader.sumExcludingNaN()
            #expect(nanCount == expected.nanCount, "block \(block)")
            #expect(closeTo(sum, expected, blocks: 1), "block \(block): \(sum) against \(expected.sum)")
            // The same figure (a block holding both infinities sums to NaN).
            #expect(store.sumOfNonNaNValues(ofBlock: block)?.bitPattern == sum.bitPattern)
        }
        // The walk's blocks are decimals whatever their exceptions, so the integer paths are the ones tested.
        #expect(decimalBlocks == store.blockCount, "\(decimalBlocks) of \(store.blockCount) blocks hold decimals")
        let whole = modelSum(model.map(\.value))
        let total = store.sumOfValues()
        #expect(whole.nanCount > 0 ? total.isNaN : closeTo(total, whole, blocks: store.blockCount), "\(total) against \(whole.sum)")
    }

    @Test("Adversarial and random records: every block's sum, and the store's, match the values", arguments: [UInt64(81), 82, 83])
    func adversarialSums(seed: UInt64) throws {
        let input = adversarialRecords(count: 3_000, seed: seed) + randomRecords(count: 6_000, sensors: 5, seed: seed, timeOrdered: true)
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 500))
        let model = modelOrder(input)
        for block in 0..<store.blockCount {
            let expected = modelSum(model[store.indices(ofBlock: block)].map(\.value))
            let (sum, nanCount) = store.reader(ofBlock: block).values.sumExcludingNaN()
            #expect(nanCount == expected.nanCount, "block \(block)")
            #expect(closeTo(sum, expected, blocks: 1), "block \(block): \(sum) against \(expected.sum)")
        }
        #expect(store.sumOfValues().isNaN == model.contains { $0.value.isNaN })
        let clean = model.filter { !$0.value.isNaN }
        let cleanStore = try CompressedRecords(compressing: clean, options: ColumnarOptions(recordsPerBlock: 500))
        #expect(closeTo(cleanStore.sumOfValues(), modelSum(clean.map(\.value)), blocks: cleanStore.blockCount))
    }

    @Test("Decimals whose block totals stay below 2^53 sum exactly: the same figure as the packed arena's")
    func exactDecimalsSumExactly() throws {
        // Values in hundredths whose every partial sum is a multiple of 1/4: exact as doubles.
        var generator = SeededRandomNumberGenerator(seed: 91)
        let input = (0..<30_000).map { i in
            SensorRecord(sensor_record_t(
                sensor_id: UInt32(i % 4), timestamp_ns: Int64(i) * 1_000_000_000,
                value: Double(Int(generator.next() % 40_000) - 20_000) / 4, unit: 1))
        }
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 2_048))
        let arena = try packedModel(input)
        #expect(store.sumOfValues() == arena.sumOfValues())
        #expect(store.sumOfValues() == input.reduce(0) { $0 + $1.value })
    }

    @Test("The documented example: ten readings of 0.1 sum to 1, not to the doubles' 0.9999999999999999")
    func decimalsSumAsDecimals() throws {
        let input = (0..<10).map { i in
            SensorRecord(sensor_record_t(sensor_id: 1, timestamp_ns: Int64(i), value: 0.1, unit: 1))
        }
        let store = try CompressedRecords(compressing: input)
        #expect(store.reader(ofBlock: 0).values.encoding != .plain, "the block holds decimals")
        #expect(store.sumOfValues() == 1)
        #expect(input.reduce(0.0) { $0 + $1.value } == 0.9999999999999999)
    }

    @Test("A query's sum over whole blocks takes the store's block sums and matches the packed arena", arguments: [UInt64(101), 102])
    func querySumsUseBlockSums(seed: UInt64) throws {
        let input = randomRecords(count: 12_000, sensors: 4, seed: seed, timeOrdered: true)
            + walkWithExceptions(count: 8_000, blockSize: 1_000, exceptions: 3, seed: seed)
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 1_000))
        let arena = try packedModel(input)
        let sensors = Set(input.map(\.sensorID)).sorted()
        var filter = RecordFilter(sensorIDs: [3])
        filter.timestamps(from: 1_700_000_000_000_000_000 + 2_000_000_000_000, to: .max)
        for query in [
            RecordQuery(aggregates: [.count, .sum, .mean]),
            RecordQuery(grouping: .sensor, aggregates: [.count, .sum, .mean, .min, .max]),
            RecordQuery(filter: filter, grouping: .sensor, aggregates: [.count, .sum, .mean, .min, .max]),
        ] {
            let compressed = try store.query(query)
            let packed = try arena.query(query)
            #expect(compressed.groups.count == packed.groups.count, "\(query)")
            for (a, b) in zip(compressed.groups, packed.groups) {
                #expect(a.sensorID == b.sensorID && a.count == b.count && a.skippedNaNCount == b.skippedNaNCount)
                #expect(a.value(of: .min) == b.value(of: .min) && a.value(of: .max) == b.value(of: .max))
                let values = modelOrder(input).filter { record in
                    (query.grouping == .none || record.sensorID == a.sensorID) && query.filter.matches(record)
                }.map(\.value)
                let expected = modelSum(values)
                #expect(closeTo(a.value(of: .sum) ?? .nan, expected, blocks: store.blockCount), "\(query): \(String(describing: a.value(of: .sum)))")
            }
            #expect(compressed.blocksRead > 0)
        }
        _ = sensors
    }
}
