import ArgumentParser
import DenseRecords

/// `dense-records generate`: a synthetic CSV file for trying pipelines.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic sensor_id,timestamp,value,unit CSV file.",
        discussion: "The same options always give the same file: regular timestamps per sensor, slowly drifting values, occasional gaps."
    )

    @Option(name: .shortAndLong, help: "Records to write.")
    var records = 1_000_000

    @Option(help: "Number of sensors.")
    var sensors = 16

    @Option(help: "Generator seed.")
    var seed: UInt64 = 42

    @Option(help: "Each sensor's reporting period, in milliseconds.")
    var intervalMs: Int64 = 1_000

    @Option(help: "Per-reading chance that a sensor goes silent for a while (0 to below 1).")
    var gapProbability = 0.002

    @Option(name: .shortAndLong, help: "The file to write (created or truncated).")
    var output: String

    func validate() throws {
        // The bounds the `synthetic` spec component has, so both accept the same values.
        let options = ["records": "--records", "sensors": "--sensors", "intervalMs": "--interval-ms", "gapProbability": "--gap-probability"]
        let problems = SyntheticRecordSource.parameterProblems(
            records: Int64(records), sensors: Int64(sensors), intervalMilliseconds: intervalMs, gapProbability: gapProbability)
        guard problems.isEmpty else {
            throw ValidationError(problems.map { "\(options[$0.parameter] ?? $0.parameter) \($0.message)" }.joined(separator: "\n"))
        }
    }

    func run() async throws {
        let pipeline = Pipeline(
            source: .init("synthetic", SyntheticRecordSource(
                recordCount: records, sensorCount: sensors, seed: seed, intervalNanoseconds: intervalMs * 1_000_000,
                gapProbability: gapProbability)),
            sinks: [.init("csv", CSVRecordSink(path: output))])
        do {
            let summary = try await pipeline.run()
            printError("wrote \(summary.recordsOut) records to \(output) in \(String(Int((summary.elapsedSeconds * 1000).rounded()))) ms")
        } catch {
            printError("dense-records generate: \(error.summary.outcome)")
            throw ExitCode(1)
        }
    }
}
