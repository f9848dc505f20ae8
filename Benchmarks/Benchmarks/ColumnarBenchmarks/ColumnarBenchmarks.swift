// CompressedRecords against the packed arena it is built from, on the
// synthetic generator's default data (10,000,000 records: 16 sensors, 1 s
// period, gaps, two-decimal values: what `dense-records generate` writes) and on
// the real weather data of `tmy3-long.sh` (339,402 hourly readings; the CSV at
// $DENSE_RECORDS_TMY3_CSV, else written by ../scripts/tmy3-long.sh).
//
// Pairs, run by the same harness with the same metrics, so each figure is a
// ratio against its peer measured in the same run:
// - "SumOfValue10M.Compressed" (`sumOfValues()`: each block's value integers
//   added exactly on the encoded column, the total divided by its power of ten once) against
//   "SumOfValue10M.RecordArena" (`sumOfValues()` over the packed chunks).
// - "SumOfValueWeather.Compressed" against "SumOfValueWeather.RecordArena": the
//   same on the weather data.
// - "DecodeValues10M.Compressed": every value decoded to a double, block by
//   block through the RecordBlockStore API, and added one at a time, as a
//   query that needs each value reads them; against the same arena figure.
// - "RandomRead1MOf10M.Compressed" (`compressed[i]`) against "RandomRead1MOf10M.RecordArena" (`arena[i]`).
// - "FilteredSensorAggregate10M.Compressed" against "FilteredSensorAggregate10M.RecordArena":
//   the same query (one sensor, the middle half of the time range, count, sum,
//   min, max, mean) over each store through `query(_:)`.
// - "Compress10M.Synthetic": one build of the compressed store from the arena,
//   per iteration; 100,000 μs per pass is 10 ns/record (100M records/s).
// - "CompressWeather.Weather": the same from the weather data's arena (339,402
//   records; 3,394 μs per pass is 10 ns/record).
// Bytes per record is `storageStatistics.totalBytes / count` × 1,000, a
// deterministic figure (metrics are integers: 1873 is 1.873 B/record), with
// its split by column (sensor id, timestamp, value, unit, block headers and
// index) in the same units.
//
// How measured and the limits: each benchmark runs in its own process; inputs are
// built in `setup`. Wall clock on this shared 2-core machine is noisy: compare
// pairs from one run only. Names carry no spaces or slashes (see ArenaBenchmarks).

import Benchmark
import DenseRecords
import DenseRecordsTestKit
import Foundation

let bytesPerRecordX1000 = BenchmarkMetric.custom("bytesPerRecordX1000", polarity: .prefersSmaller, useScalingFactor: false)
let sensorIDBytesX1000 = BenchmarkMetric.custom("sensorIDBytesPerRecordX1000", polarity: .prefersSmaller, useScalingFactor: false)
let timestampBytesX1000 = BenchmarkMetric.custom("timestampBytesPerRecordX1000", polarity: .prefersSmaller, useScalingFactor: false)
let valueBytesX1000 = BenchmarkMetric.custom("valueBytesPerRecordX1000", polarity: .prefersSmaller, useScalingFactor: false)
let unitBytesX1000 = BenchmarkMetric.custom("unitBytesPerRecordX1000", polarity: .prefersSmaller, useScalingFactor: false)
let overheadBytesX1000 = BenchmarkMetric.custom("headerIndexOverheadBytesPerRecordX1000", polarity: .prefersSmaller, useScalingFactor: false)

/// Records a store's bytes per record and their split by column, × 1,000.
func measureBytes(_ benchmark: Benchmark, _ statistics: ColumnarStorageStatistics) {
    let perRecord = { (bytes: Int) in Int((Double(bytes) * 1_000 / Double(statistics.recordCount)).rounded()) }
    benchmark.measurement(bytesPerRecordX1000, perRecord(statistics.totalBytes))
    benchmark.measurement(sensorIDBytesX1000, perRecord(statistics.sensorIDBytes))
    benchmark.measurement(timestampBytesX1000, perRecord(statistics.timestampBytes))
    benchmark.measurement(valueBytesX1000, perRecord(statistics.valueBytes))
    benchmark.measurement(unitBytesX1000, perRecord(statistics.unitBytes))
    benchmark.measurement(
        overheadBytesX1000, perRecord(statistics.blockHeaderBytes + statistics.indexBytes + statistics.overheadBytes))
}

/// One sensor's middle half of the time range: count, sum, min, max and mean.
func filteredSensorQuery(_ store: some RecordBlockStore, span: ZoneMap) -> RecordQuery {
    let quarter = (span.maxTimestamp - span.minTimestamp) / 4
    var filter = RecordFilter(sensorIDs: [span.minSensorID + (span.maxSensorID - span.minSensorID) / 2])
    filter.timestamps(from: span.minTimestamp + quarter, to: span.maxTimestamp - quarter)
    return RecordQuery(filter: filter, grouping: .sensor, aggregates: [.count, .sum, .min, .max, .mean])
}

/// The ranges of a whole store.
func span(of store: some RecordBlockStore) -> ZoneMap {
    var map = ZoneMap()
    for block in 0..<store.blockCount { map.formUnion(store.zoneMap(ofBlock: block)) }
    return map
}

/// Hands a value from `setup` to the iterations; the harness runs them one at a
/// time in one process, so the value is only ever used by one thread at a time.
final class Fixture<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

enum Fixtures {
    static let recordCount = 10_000_000
    static let randomReadCount = 1_000_000

    /// The synthetic generator's default data, as `dense-records generate` writes it.
    static func syntheticArena(count: Int = recordCount) async throws -> RecordArena {
        let sink = RecordArenaSink()
        let pipeline = Pipeline(
            source: .init("synthetic", SyntheticRecordSource(recordCount: count)), sinks: [.init("arena", sink)])
        _ = try await pipeline.run()
        return sink.arena!
    }

    /// The weather data: `tmy3-long.sh` writes it once into the benchmark's build folder.
    static func weatherArena() async throws -> RecordArena {
        var csv = ProcessInfo.processInfo.environment["DENSE_RECORDS_TMY3_CSV"] ?? ""
        if csv.isEmpty {
            let folder = FileManager.default.currentDirectoryPath + "/.build/datasets"
            let script = Process()
            script.executableURL = URL(fileURLWithPath: "../scripts/tmy3-long.sh")
            script.arguments = [folder]
            try script.run()
            script.waitUntilExit()
            csv = folder + "/tmy3-long.csv"
        }
        let sink = RecordArenaSink()
        let pipeline = Pipeline(
            source: .init("csv", CSVRecordSource(path: csv)), sinks: [.init("arena", sink)])
        _ = try await pipeline.run()
        return sink.arena!
    }

    static func randomIndices(upperBound: Int) -> [Int] {
        var generator = SeededRandomNumberGenerator(seed: 0x5EED_DE25_E4EC_0DD5)
        return (0..<randomReadCount).map { _ in Int(generator.next() % UInt64(upperBound)) }
    }
}

/// The sum of every value, block by block, decoding only the value column.
func sumThroughBlocks(_ store: some RecordBlockStore) -> Double {
    var sum = 0.0
    for block in 0..<store.blockCount {
        sum += store.withBlock(block, columns: .value) { (block) throws(Never) -> Double in
            var partial = 0.0
            switch block {
            case .columns(let columns):
                for value in columns.values! { partial += value }
            case .rows(let rows):
                for row in rows { partial += row.value }
            }
            return partial
        }
    }
    return sum
}

let benchmarks: @Sendable () -> Void = {
    let pass = Benchmark.Configuration(
        metrics: [.wallClock, .throughput], timeUnits: .microseconds, warmupIterations: 1,
        scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 20)
    var randomRead = pass
    randomRead.scalingFactor = .mega
    randomRead.timeUnits = .nanoseconds
    let size = Benchmark.Configuration(
        metrics: [bytesPerRecordX1000, sensorIDBytesX1000, timestampBytesX1000, valueBytesX1000, unitBytesX1000, overheadBytesX1000],
        warmupIterations: 0, maxDuration: .seconds(1), maxIterations: 1,
        thresholds: [bytesPerRecordX1000: BenchmarkThresholds(absolute: [.p90: 0])])

    Benchmark("Compress10M.Synthetic", configuration: pass) { _, arena in
        blackHole(try CompressedRecords(compressing: arena.value).count)
    } setup: {
        Fixture(try await Fixtures.syntheticArena())
    }

    Benchmark("CompressWeather.Weather", configuration: pass) { _, arena in
        blackHole(try CompressedRecords(compressing: arena.value).count)
    } setup: {
        Fixture(try await Fixtures.weatherArena())
    }

    Benchmark("SumOfValue10M.Compressed", configuration: pass) { _, store in
        blackHole(store.value.sumOfValues())
    } setup: {
        Fixture(try CompressedRecords(compressing: try await Fixtures.syntheticArena()))
    }

    Benchmark("SumOfValueWeather.Compressed", configuration: pass) { _, store in
        blackHole(store.value.sumOfValues())
    } setup: {
        Fixture(try CompressedRecords(compressing: try await Fixtures.weatherArena()))
    }

    Benchmark("SumOfValueWeather.RecordArena", configuration: pass) { _, arena in
        blackHole(arena.value.sumOfValues())
    } setup: {
        Fixture(try await Fixtures.weatherArena())
    }

    Benchmark("DecodeValues10M.Compressed", configuration: pass) { _, store in
        blackHole(sumThroughBlocks(store.value))
    } setup: {
        Fixture(try CompressedRecords(compressing: try await Fixtures.syntheticArena()))
    }

    Benchmark("SumOfValue10M.RecordArena", configuration: pass) { _, arena in
        blackHole(arena.value.sumOfValues())
    } setup: {
        Fixture(try await Fixtures.syntheticArena())
    }

    Benchmark("RandomRead1MOf10M.Compressed", configuration: randomRead) { _, fixture in
        var sum = 0.0
        for index in fixture.value.1 { sum += fixture.value.0[index].value }
        blackHole(sum)
    } setup: {
        Fixture((try CompressedRecords(compressing: try await Fixtures.syntheticArena()), Fixtures.randomIndices(upperBound: Fixtures.recordCount)))
    }

    Benchmark("RandomRead1MOf10M.RecordArena", configuration: randomRead) { _, fixture in
        var sum = 0.0
        for index in fixture.value.1 { sum += fixture.value.0[index].value }
        blackHole(sum)
    } setup: {
        Fixture((try await Fixtures.syntheticArena(), Fixtures.randomIndices(upperBound: Fixtures.recordCount)))
    }

    Benchmark("FilteredSensorAggregate10M.Compressed", configuration: pass) { _, fixture in
        blackHole(try fixture.value.0.query(fixture.value.1).groups.count)
    } setup: {
        let store = try CompressedRecords(compressing: try await Fixtures.syntheticArena())
        return Fixture((store, filteredSensorQuery(store, span: span(of: store))))
    }

    Benchmark("FilteredSensorAggregate10M.RecordArena", configuration: pass) { _, fixture in
        blackHole(try fixture.value.0.query(fixture.value.1).groups.count)
    } setup: {
        let arena = try await Fixtures.syntheticArena()
        return Fixture((arena, filteredSensorQuery(arena, span: span(of: arena))))
    }

    Benchmark("BytesPerRecord.Synthetic10M", configuration: size) { benchmark, store in
        measureBytes(benchmark, store.value.storageStatistics)
    } setup: {
        Fixture(try CompressedRecords(compressing: try await Fixtures.syntheticArena()))
    }

    Benchmark("BytesPerRecord.Weather", configuration: size) { benchmark, store in
        measureBytes(benchmark, store.value.storageStatistics)
    } setup: {
        Fixture(try CompressedRecords(compressing: try await Fixtures.weatherArena()))
    }
}
