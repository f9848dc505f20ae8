// Concurrent ingest with one and two producers, and spec validation.
//
// How the figures are measured, and their limits:
// - Ingest10M.Producers1 / .Producers2 fill 10,000,000 records in total, one
//   append per record, split evenly between producers that each fill an arena
//   of their own, seal it, and are read back as one MergedRecords: the
//   mechanism RecordArena.ingestConcurrently uses. The producers run on
//   Dispatch threads rather than in a task group, because the harness's
//   async runner crashes in malloc-interposer's free when Swift tasks start
//   on new threads in a process where jemalloc is malloc (benchmark 1.38.1).
//   On this 2-core machine, shared with other work, the pair shows what a
//   second producer buys, not a scaling curve.
// - ValidateSpec.* run PipelineBuilder.validate on a spec already in memory,
//   1,000 validations per iteration (`.kilo`), so figures are per validation:
//   nothing is constructed or opened, which is the point of validation.
// - CSV ingest is not in this suite: a pipeline run is async, and starting
//   Swift tasks under this harness crashed in malloc-interposer's free about
//   one run in five (see above), which would make CI flaky. It is measured by
//   scripts/csv_ingest_bench.py instead, 10M records against pyarrow and pandas.
// - Only mallocCountTotal is checked in CI (see Benchmarks/README.md).

import Benchmark
import DenseRecords
import Dispatch
import Foundation
import Synchronization

enum Configurations {
    static func configuration(scaling: BenchmarkScalingFactor = .one, mallocTolerance: Int) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            timeUnits: .microseconds,
            units: [.mallocCountTotal: .count],
            warmupIterations: 1,
            scalingFactor: scaling,
            maxDuration: .seconds(3),
            maxIterations: 10,
            thresholds: [.mallocCountTotal: BenchmarkThresholds(absolute: [.p90: mallocTolerance])])
    }
}

let ingestRecords = 10_000_000

@inline(__always)
func reading(_ i: Int) -> SensorRecord {
    SensorRecord(sensorID: UInt32(i % 1_000), timestampNanoseconds: 1_700_000_000_000_000_000 + Int64(i) * 1_000_000,
                 value: 20 + Double(i % 977) / 100, unit: .celsius)
}

let validSpec = Data("""
    { "source": { "component": "synthetic", "parameters": { "records": 1000 } },
      "stages": [ { "component": "validate", "parameters": { "min": -50, "max": 150 } },
                  { "component": "window-aggregate", "parameters": { "windowMs": 60000 } } ],
      "sinks": [ { "component": "arena" } ] }
    """.utf8)

let brokenSpec = Data("""
    { "source": { "component": "csv-reader", "parameters": { "onMalformedLine": "ignore" } },
      "stages": [ { "component": "validate", "parameters": { "max": "high" } }, { "component": "arena" } ],
      "sinks": [ { "component": "csv-writter", "parameters": { "path": "out.csv" } } ] }
    """.utf8)

let benchmarks: @Sendable () -> Void = {
    for producers in [1, 2] {
        // Dispatch's worker threads allocate a little, and not the same amount every run.
        Benchmark("Ingest10M.Producers\(producers)", configuration: Configurations.configuration(mallocTolerance: 200)) { benchmark in
            let parts = Mutex<[SealedRecords?]>(Array(repeating: nil, count: producers))
            DispatchQueue.concurrentPerform(iterations: producers) { producer in
                let arena = RecordArena()
                let share = ingestRecords / producers
                do {
                    for i in (producer * share)..<((producer + 1) * share) { try arena.append(reading(i)) }
                } catch {
                    fatalError("ingest failed: \(error)")
                }
                let sealed = arena.seal()
                parts.withLock { $0[producer] = sealed }
            }
            let merged = MergedRecords(parts.withLock { $0.compactMap { $0 } })
            benchmark.stopMeasurement()
            precondition(merged.count == ingestRecords)
        }
    }

    // Per 1,000 validations: 500 absorbs a run-to-run wobble and still catches one more allocation per validation.
    Benchmark("ValidateSpec.Valid", configuration: Configurations.configuration(scaling: .kilo, mallocTolerance: 500)) { benchmark in
        let builder = PipelineBuilder()
        for _ in benchmark.scaledIterations {
            let issues = builder.validate(validSpec)
            precondition(issues.isEmpty, "\(issues)")
            blackHole(issues)
        }
    }

    Benchmark("ValidateSpec.FiveProblems", configuration: Configurations.configuration(scaling: .kilo, mallocTolerance: 500)) { benchmark in
        let builder = PipelineBuilder()
        for _ in benchmark.scaledIterations {
            let issues = builder.validate(brokenSpec)
            precondition(issues.count == 5, "\(issues)")
            blackHole(issues)
        }
    }
}
