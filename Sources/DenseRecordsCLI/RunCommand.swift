import ArgumentParser
import DenseRecords
import Foundation

/// `dense-records run SPEC`: runs a pipeline, shows progress, prints the summary and stage metrics.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline spec and print its summary and stage metrics.",
        discussion: """
            Progress (records/s, elapsed time) goes to standard error once a second on long runs. \
            Exits with 0 when the run completed, 1 when the spec is invalid, 2 when it cannot be read, \
            and 3 when the run stopped (the summary is printed either way). With --json, standard output \
            is JSON in every case: the summary, or the spec's problems as the array validate --json prints.
            """
    )

    @Argument(help: "The pipeline spec (JSON).")
    var spec: String

    @Flag(help: "Print the summary as JSON on standard output.")
    var json = false

    @Flag(help: "Do not print progress.")
    var quiet = false

    func run() async throws {
        let data = try readSpec(spec, json: json)
        let pipeline: Pipeline
        do {
            pipeline = try PipelineBuilder(registry: .builtIn).build(data)
        } catch {
            printError("\(shownPath(spec)): \(error)")
            // Scripts that asked for JSON get JSON: the same issue array `validate --json` prints.
            if json { print(try encodeJSON(error.issues)) }
            throw ExitCode(1)
        }
        let progress = ProgressPrinter(enabled: !quiet)
        let summary: PipelineSummary
        var completed = true
        do {
            summary = try await pipeline.run { progress.update($0) }
        } catch {
            summary = error.summary
            completed = false
        }
        progress.finish()
        let arenas = pipeline.sinks.compactMap { sink in
            (sink.component as? RecordArenaSink)?.arena.map { ArenaReport(sink: sink.name, statistics: $0.statistics) }
        }
        if json {
            print(try encodeJSON(RunReport(summary: summary, arenas: arenas)))
        } else {
            print(summary.report)
            for arena in arenas { print("arena \"\(arena.sink)\": \(arena.statistics)") }
        }
        if !completed { throw ExitCode(3) }
    }
}

/// The `--json` output of `run`.
struct RunReport: Encodable {
    var summary: PipelineSummary
    var arenas: [ArenaReport]
}

/// An arena sink's memory figures after the run.
struct ArenaReport: Encodable {
    var sink: String
    var statistics: ArenaStatistics

    enum CodingKeys: String, CodingKey { case sink, records, chunks, allocatedBytes, residentBytes }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sink, forKey: .sink)
        try container.encode(statistics.recordCount, forKey: .records)
        try container.encode(statistics.chunkCount, forKey: .chunks)
        try container.encode(statistics.allocatedBytes, forKey: .allocatedBytes)
        try container.encode(statistics.residentBytes, forKey: .residentBytes)
    }
}

/// Prints progress to standard error at most once a second, after the first second.
final class ProgressPrinter {
    let enabled: Bool
    private var lastPrinted: Duration = .zero
    private var printed = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: PipelineProgress) {
        guard enabled, progress.elapsed - lastPrinted >= .seconds(1) else { return }
        lastPrinted = progress.elapsed
        printed = true
        let seconds = Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18
        let line = "\r\(progress.recordsIn) records in, \(progress.recordsOut) out, "
            + "\(Int(progress.recordsPerSecond.rounded())) records/s, elapsed \(Int(seconds)) s   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if printed { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
