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

    @Option(help: "Per-reading chance that a sensor goes silent for a while (0...1).")
    var gapProbability = 0.002

    @Option(name: .shortAndLong, help: "The file to write (created or truncated).")
    var output: String

    func validate() throws {
        guard records >= 0 else { throw ValidationError("--records must not be negative") }
        guard sensors >= 1 else { throw ValidationError("--sensors must be at least 1") }
        guard intervalMs >= 1 else { throw ValidationError("--interval-ms must be at least 1") }
        guard (0...1).contains(gapProbability) else { throw ValidationError("--gap-probability must be in 0...1") }
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
