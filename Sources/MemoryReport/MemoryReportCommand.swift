import ArgumentParser
import Foundation

/// `memory-report`: measures what one sensor record costs in each layout and writes the report.
@main
struct MemoryReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory-report",
        abstract: "Measure bytes and time per record for RecordArena and the layouts a Swift or Python user would pick instead.",
        discussion: """
            Every (representation, dataset, size, repetition) runs in a fresh child process. The report \
            (memory-report.md, .json, .csv and SVG charts) goes to the output directory. Besides the report's \
            own records, the rows that compare stores (the packed arena, the compressed store, numpy, pandas, \
            Polars, pyarrow, Parquet and Arrow IPC files) run on the generator's records and on the real \
            weather data of tmy3-long.csv, written as packed-record files into the data directory first.
            """)

    @Option(name: .shortAndLong, help: "Directory for the report files.")
    var output = "reports"

    @Flag(help: "Small sizes (10k and 100k records), one repetition: for CI.")
    var quick = false

    @Option(help: "Comma-separated record counts, overriding the default sizes.")
    var sizes: String?

    @Option(help: "Repetitions per (representation, size), overriding the default schedule.")
    var repetitions: Int?

    @Option(help: "Random reads timed per case.")
    var randomReads = 1_000_000

    @Option(help: "Skip a size when the previous size predicts more than this many seconds per repetition.")
    var caseTimeLimit = 30.0

    @Option(help: "The Python interpreter for the python-* rows (a name looked up in PATH, or a path).")
    var python = "python3"

    @Option(help: "The script that measures the python-* rows.")
    var pythonScript = "scripts/python_memory_cases.py"

    @Flag(help: "Leave out the Python rows.")
    var noPython = false

    @Option(help: "Directory for the dataset files, tmy3-long.csv and the on-disk rows' scratch files.")
    var dataDirectory = ".build/memory-report-data"

    @Option(help: "The script that writes tmy3-long.csv into the data directory when it is missing.")
    var tmy3Script = "scripts/tmy3-long.sh"

    @Option(help: "Comma-separated file datasets to compare stores on (generator, tmy3-long), or 'none'.")
    var datasets = "generator,tmy3-long"

    @Option(help: .hidden)
    var dataset: String?

    @Option(help: .hidden)
    var datasetFile: String?

    @Option(help: .hidden)
    var `case`: String?

    @Option(help: .hidden)
    var records: Int?

    mutating func validate() throws {
        guard randomReads > 0 else { throw ValidationError("--random-reads must be positive") }
        if let repetitions, repetitions < 1 { throw ValidationError("--repetitions must be at least 1") }
        if let sizes, parsedSizes(sizes) == nil { throw ValidationError("--sizes must be positive integers separated by commas") }
        if parsedDatasets(datasets) == nil {
            throw ValidationError("--datasets must be 'none' or a comma-separated list of: generator, tmy3-long")
        }
        if let dataset, Dataset(rawValue: dataset) == nil { throw ValidationError("unknown dataset \(dataset)") }
        if let id = `case` {
            guard let representation = Representation(rawValue: id), !representation.isPython else {
                throw ValidationError("unknown case \(id)")
            }
            guard let records, records > 0 else { throw ValidationError("--case needs --records > 0") }
        }
    }

    func run() async throws {
        if let id = `case`, let representation = Representation(rawValue: id), let records {
            try runChild(representation, records: records)
        }
        var plan = RunPlan(
            sizes: sizes.flatMap(parsedSizes) ?? (quick ? RunPlan.quickSizes : RunPlan.fullSizes),
            repetitionOverride: repetitions ?? (quick ? 1 : nil),
            randomReads: randomReads,
            caseTimeLimit: caseTimeLimit,
            python: noPython ? nil : python,
            pythonScript: pythonScript,
            mode: quick ? "quick" : (sizes == nil && repetitions == nil ? "full" : "custom"))
        plan.fileDatasets = parsedDatasets(datasets) ?? []
        plan.dataDirectory = dataDirectory
        plan.tmy3Script = tmy3Script
        let prepared = await DatasetFiles.prepare(plan)
        let run = try Orchestrator(plan: plan, datasetFiles: prepared.files, datasetProblems: prepared.problems).run()
        let report = Report(run: run, plan: plan, machine: MachineInfo.collect(pythonInterpreter: run.pythonVersion))
        try report.write(to: output)
    }

    /// The child side: measure one case, print it as one JSON line, and exit
    /// without tearing the process down (freeing millions of objects at exit
    /// would only add time).
    private func runChild(_ representation: Representation, records: Int) throws -> Never {
        let measurement = try CaseRunner.run(
            representation, records: records, randomReads: randomReads,
            dataset: dataset.flatMap(Dataset.init(rawValue:)) ?? .report, datasetFile: datasetFile)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line = try encoder.encode(measurement)
        FileHandle.standardOutput.write(line + Data("\n".utf8))
        Foundation.exit(0)
    }

    private func parsedDatasets(_ text: String) -> [Dataset]? {
        if text == "none" { return [] }
        let values = text.split(separator: ",").map { Dataset(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0 != .report }) else { return nil }
        return values.compactMap { $0 }
    }

    private func parsedSizes(_ text: String) -> [Int]? {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.compactMap { $0 }.sorted()
    }
}
