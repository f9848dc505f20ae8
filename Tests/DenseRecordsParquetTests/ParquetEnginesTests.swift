import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsParquet
import DenseRecordsPipeline
import DenseRecordsTestSupport
import Foundation
import Testing

/// What the engines must find in a dataset, computed on the Swift side from the records themselves.
func engineExpectations(_ records: some ChunkedRecords) -> [String: Any] {
    var valueSum = 0.0
    var perSensor: [UInt32: (count: Int, sum: Double, max: Double)] = [:]
    var days: [String: Int] = [:]
    for record in records {
        valueSum += record.value
        perSensor[record.sensorID, default: (0, 0, -.infinity)].count += 1
        perSensor[record.sensorID, default: (0, 0, -.infinity)].sum += record.value
        perSensor[record.sensorID, default: (0, 0, -.infinity)].max = max(perSensor[record.sensorID]!.max, record.value)
        days[String(partitionName(record.timestampNanoseconds).dropFirst("date=".count)), default: 0] += 1
    }
    return [
        "rows": records.count,
        "value_sum": valueSum,
        "per_sensor": Dictionary(uniqueKeysWithValues: perSensor.map { (String($0.key), [$0.value.count, $0.value.sum / Double($0.value.count), $0.value.max]) }),
        "days": days,
    ]
}

/// The TMY3 weather readings (339,402 rows, 40 sensors), made by `scripts/tmy3-long.sh`
/// from the pvlib wheel on PyPI into a folder of the temporary directory that later runs reuse.
func tmy3CSV() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dense-records-datasets").path
    let csv = folder + "/tmy3-long.csv"
    if FileManager.default.fileExists(atPath: csv) { return csv }
    let script = repositoryRoot.appendingPathComponent("scripts/tmy3-long.sh").path
    // The script runs `$DENSE_RECORDS_PYTHON -m pip download`: the test Python.
    let run = try runProcess("/bin/bash", [script, folder], environment: ["DENSE_RECORDS_PYTHON": testPython])
    try #require(run.status == 0, "scripts/tmy3-long.sh failed (it downloads pvlib from PyPI):\n\(run.output)")
    return csv
}

/// Exports the synthetic data and the real weather data as Parquet files and day-partitioned
/// datasets, then has pyarrow, Polars, DuckDB and Spark read them back
/// (`scripts/parquet_engines_check.py engines`), against figures computed here.
///
/// Set `DENSE_RECORDS_PARQUET_ENGINES_DIR` to keep the files and the manifest in that folder.
@Suite(
    "Parquet read back by pyarrow, Polars, DuckDB and Spark",
    .enabled(if: !sanitizerActive, "skipped under sanitizers: they check the Swift side's memory, and the debug and release runs prove the engines"))
struct ParquetEnginesTests {
    @Test("Synthetic and TMY3 exports agree with the Swift side in every engine, Spark included")
    func engines() async throws {
        let scratch = try ScratchFolder()
        let kept = ProcessInfo.processInfo.environment["DENSE_RECORDS_PARQUET_ENGINES_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        if let kept { try FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true) }
        func path(_ name: String) -> String { kept.map { $0 + "/" + name } ?? scratch.file(name) }

        // Synthetic: 1,000,000 readings of 16 sensors every 10 s (8 UTC days), through the
        // parquet-writer sink, in row groups of 262,144 so engines meet several.
        let arenaSink = RecordArenaSink()
        let options = ParquetWriterOptions(rowGroupSize: 1 << 18)
        let pipeline = Pipeline(
            source: .init("synthetic", SyntheticRecordSource(recordCount: 1_000_000, sensorCount: 16, seed: 16, intervalNanoseconds: 10_000_000_000)),
            sinks: [
                .init("arena", arenaSink),
                .init("file", ParquetRecordSink(path: path("synthetic.parquet"), options: options)),
                .init("dataset", ParquetRecordSink(path: path("synthetic"), partitioning: .day, options: options)),
            ])
        _ = try await pipeline.run()
        let synthetic = try #require(arenaSink.arena)

        // TMY3: the CSV through `dense-records export`, as a file and as a dataset.
        let csv = try tmy3CSV()
        for arguments in [["-o", path("tmy3.parquet")], ["-o", path("tmy3"), "--partition-by", "day"]] {
            let run = try runDenseRecords(["export", csv] + arguments)
            try #require(run.status == 0, "dense-records export \(arguments): \(run.output)")
        }
        let tmy3Sink = RecordArenaSink()
        _ = try await Pipeline(source: .init("csv", CSVRecordSource(path: csv)), sinks: [.init("arena", tmy3Sink)]).run()
        let tmy3 = try #require(tmy3Sink.arena)
        #expect(tmy3.count > 300_000, "the TMY3 CSV holds \(tmy3.count) readings")

        let manifest: [String: Any] = [
            "spark": true,
            "datasets": [
                ["name": "synthetic", "file": path("synthetic.parquet"), "folder": path("synthetic"), "value_encoding": "PLAIN",
                 "compression": "ZSTD", "expected": engineExpectations(synthetic)],
                ["name": "tmy3", "file": path("tmy3.parquet"), "folder": path("tmy3"), "value_encoding": "PLAIN",
                 "compression": "ZSTD", "expected": engineExpectations(tmy3)],
            ],
        ]
        let manifestPath = path("manifest.json")
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: URL(fileURLWithPath: manifestPath))
        let (status, output) = try ParquetCheckScript.run(["engines", manifestPath])
        #expect(status == 0, "parquet_engines_check.py engines failed (\(testPythonHint)):\n\(output)")
        // Every engine ran on both datasets: nothing was skipped.
        for engine in ["ok pyarrow", "ok polars.read_parquet", "ok polars.scan_parquet", "ok duckdb.read_parquet",
                       "ok spark.read.parquet", "ok spark.read.parquet(dataset)"] {
            for name in ["synthetic", "tmy3"] {
                #expect(output.contains("\(engine) \(name)"), "no \"\(engine) \(name)\" line in:\n\(output)")
            }
        }
        #expect(output.contains("pruned by PartitionFilters"), "\(output)")
        print(output.split(separator: "\n").filter { $0.contains("(") && $0.contains(" s)") }.joined(separator: "\n"))
    }
}
