// CompressedRecords against the packed arena it is built from, on the
// synthetic generator's default data (10,000,000 records: 16 sensors, 1 s
// period, gaps, two-decimal values: what `dense-records generate` writes) and on
// the real weather data of `/work/shared/datasets/tmy3-long.sh` (339,402 hourly readings).
//
// Pairs, run by the same harness with the same metrics, so each figure is a
// ratio against its peer measured in the same run:
// - "SumOfValue10M.Compressed" (value column only, block by block through the
//   RecordBlockStore API, as the query engine reads it) against
//   "SumOfValue10M.RecordArena" (`sumOfValues()` over the packed chunks).
// - "RandomRead1MOf10M.Compressed" (`compressed[i]`) against "RandomRead1MOf10M.RecordArena" (`arena[i]`).
// - "Compress10M.Synthetic": one build of the compressed store from the arena,
//   per iteration; 100,000 μs per pass is 10 ns/record (100M records/s).
// Bytes per record is `storageStatistics.totalBytes / count` × 1,000, a
// deterministic figure (metrics are integers: 1873 is 1.873 B/record).
//
// How measured and the limits: each benchmark runs in its own process; inputs are
// built in `setup`. Wall clock on this shared 2-core machine is noisy: compare
// pairs from one run only. Names carry no spaces or slashes (see ArenaBenchmarks).

import Benchmark
import DenseRecords
import DenseRecordsTestKit
import Foundation

let bytesPerRecordX1000 = BenchmarkMetric.custom("bytesPerRecordX1000", polarity: .prefersSmaller, useScalingFactor: false)

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
        let folder = FileManager.default.currentDirectoryPath + "/.build/datasets"
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/work/shared/datasets/tmy3-long.sh")
        script.arguments = [folder]
        try script.run()
        script.waitUntilExit()
        let sink = RecordArenaSink()
        let pipeline = Pipeline(
            source: .init("csv", CSVRecordSource(path: folder + "/tmy3-long.csv")), sinks: [.init("arena", sink)])
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
        metrics: [bytesPerRecordX1000], warmupIterations: 0, maxDuration: .seconds(1), maxIterations: 1,
        thresholds: [bytesPerRecordX1000: BenchmarkThresholds(absolute: [.p90: 0])])

    Benchmark("Compress10M.Synthetic", configuration: pass) { _, arena in
        blackHole(try CompressedRecords(compressing: arena.value).count)
    } setup: {
        Fixture(try await Fixtures.syntheticArena())
    }

    Benchmark("SumOfValue10M.Compressed", configuration: pass) { _, store in
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

    Benchmark("BytesPerRecord.Synthetic10M", configuration: size) { benchmark, store in
        let statistics = store.value.storageStatistics
        benchmark.measurement(bytesPerRecordX1000, Int((statistics.bytesPerRecord! * 1000).rounded()))
    } setup: {
        Fixture(try CompressedRecords(compressing: try await Fixtures.syntheticArena()))
    }

    Benchmark("BytesPerRecord.Weather", configuration: size) { benchmark, store in
        let statistics = store.value.storageStatistics
        benchmark.measurement(bytesPerRecordX1000, Int((statistics.bytesPerRecord! * 1000).rounded()))
    } setup: {
        Fixture(try CompressedRecords(compressing: try await Fixtures.weatherArena()))
    }
}
