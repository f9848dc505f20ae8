import Foundation

/// What to run: sizes, repetitions, and where Python is.
struct RunPlan: Sendable {
    /// The sizes of a full run.
    static let fullSizes = [10_000, 100_000, 1_000_000, 10_000_000]
    /// The sizes of a `--quick` run.
    static let quickSizes = [10_000, 100_000]
    /// The most random reads a Python row on a dataset file times: a scalar read
    /// through pandas, Polars or pyarrow takes microseconds.
    static let pythonDatasetRandomReadCap = 100_000

    var sizes: [Int]
    var repetitionOverride: Int?
    var randomReads: Int
    var caseTimeLimit: Double
    /// The Python interpreter to use, or `nil` to leave the Python rows out.
    var python: String?
    var pythonScript: String
    /// `full`, `quick` or `custom`, for the report's method section.
    var mode: String
    /// The datasets measured from files besides the report's own records.
    var fileDatasets: [Dataset] = [.generator, .tmy3Long]
    /// Where the dataset files (and the on-disk rows' scratch files) go.
    var dataDirectory = ".build/memory-report-data"
    /// The script that writes `tmy3-long.csv` when the data directory lacks it.
    var tmy3Script = "scripts/tmy3-long.sh"

    /// Repetitions of the Swift rows at a size: more where a repetition is cheap and noise is relatively larger.
    func repetitions(records: Int) -> Int {
        repetitionOverride ?? (records >= 10_000_000 ? 3 : records >= 1_000_000 ? 5 : 7)
    }

    /// Repetitions of a representation at a size. The Python rows take seconds
    /// per repetition at 1,000,000 records, so they get fewer to keep a full run
    /// within about five minutes.
    func repetitions(_ representation: Representation, records: Int) -> Int {
        let swift = repetitions(records: records)
        guard representation.isPython, repetitionOverride == nil else { return swift }
        return records >= 1_000_000 ? 2 : 3
    }
}

/// A (representation, dataset, size) triple.
struct CaseKey: Hashable, Sendable, Comparable {
    var representation: Representation
    var dataset: Dataset = .report
    var records: Int

    static func < (lhs: CaseKey, rhs: CaseKey) -> Bool {
        if lhs.dataset != rhs.dataset {
            let datasets = Dataset.allCases
            return (datasets.firstIndex(of: lhs.dataset) ?? 0) < (datasets.firstIndex(of: rhs.dataset) ?? 0)
        }
        if lhs.records != rhs.records { return lhs.records < rhs.records }
        let order = Representation.allCases
        return (order.firstIndex(of: lhs.representation) ?? 0) < (order.firstIndex(of: rhs.representation) ?? 0)
    }
}

/// A case that was not measured, and why.
struct SkippedCase: Codable, Sendable {
    var representation: String
    /// The dataset's id; `nil` in reports written before datasets existed, meaning `report`.
    var dataset: String?
    var records: Int
    var reason: String
}

/// Everything one run measured.
struct RunResult: Sendable {
    var measurements: [CaseKey: [CaseMeasurement]] = [:]
    /// Child wall-clock seconds per repetition, process start to exit.
    var childSeconds: [CaseKey: [Double]] = [:]
    var skipped: [SkippedCase] = []
    /// The dataset files the run measured on.
    var datasetFiles: [DatasetFile] = []
    var pythonVersion: String?
    var startedAt = Date()
    var finishedAt = Date()
    var loadAverageAtStart: String?
    var loadAverageAtEnd: String?
}

/// The representations measured on one dataset at one size, and the file they read.
private struct CaseGroup {
    var dataset: Dataset
    var records: Int
    var file: DatasetFile?
    var representations: [Representation]
}

/// Runs every case in a fresh child process, in order of size, and shows progress on standard error.
struct Orchestrator {
    let plan: RunPlan
    /// The dataset files prepared for this run (``DatasetFiles/prepare(_:)``).
    var datasetFiles: [DatasetFile] = []
    /// Cases that could not run because their dataset could not be prepared.
    var datasetProblems: [SkippedCase] = []

    /// Runs the plan.
    ///
    /// Sizes run smallest first, the report's own records and then the
    /// generator's file at each size; the weather file, which has one size,
    /// runs after the largest smaller size. Before each size, each
    /// representation's previous size on the same dataset predicts the time and
    /// memory of the next; a prediction over the limits skips the case, with
    /// the reason recorded. Within a size, repetitions are interleaved across
    /// representations so that a burst of load from elsewhere spreads over all of them.
    ///
    /// - Returns: The measurements and the skipped cases.
    /// - Throws: Nothing today; kept for failures that should stop the run.
    func run() throws -> RunResult {
        var result = RunResult()
        result.loadAverageAtStart = MachineInfo.loadAverage()
        result.datasetFiles = datasetFiles
        result.skipped += datasetProblems
        let clock = ContinuousClock()
        let start = clock.now
        let executable = ChildProcess.currentExecutable()

        let python = preparePython(&result)
        let groups = caseGroups(python: python != nil)

        var plannedTotal = groups.reduce(0) { total, group in
            total + group.representations.reduce(0) { $0 + plan.repetitions($1, records: group.records) }
        }
        var done = 0
        var failed: Set<CaseKey> = []

        for group in groups {
            let records = group.records
            func key(_ representation: Representation) -> CaseKey {
                CaseKey(representation: representation, dataset: group.dataset, records: records)
            }
            // A failure at any size of the same dataset stops the representation there.
            func hasFailed(_ representation: Representation) -> Bool {
                failed.contains { $0.representation == representation && $0.dataset == group.dataset }
            }
            var active: [Representation] = []
            for representation in group.representations {
                if hasFailed(representation) {
                    result.skipped.append(SkippedCase(
                        representation: representation.rawValue, dataset: group.dataset.rawValue, records: records,
                        reason: "it failed at a smaller size"))
                } else if let reason = skipReason(representation, dataset: group.dataset, records: records, result: result) {
                    result.skipped.append(SkippedCase(
                        representation: representation.rawValue, dataset: group.dataset.rawValue, records: records, reason: reason))
                    progress("skip \(representation.rawValue) on \(group.dataset.rawValue) at \(Format.count(records)): \(reason)")
                } else {
                    active.append(representation)
                }
            }
            for representation in group.representations where !active.contains(representation) {
                plannedTotal -= plan.repetitions(representation, records: records)
            }
            let repetitions = active.map { plan.repetitions($0, records: records) }.max() ?? 0
            guard repetitions > 0 else { continue }
            for repetition in 1...repetitions {
                for representation in active where !hasFailed(representation) {
                    let ownRepetitions = plan.repetitions(representation, records: records)
                    guard repetition <= ownRepetitions else { continue }
                    done += 1
                    let caseStart = clock.now
                    do {
                        let measurement: CaseMeasurement
                        let reads = representation.isPython && group.file != nil
                            ? min(plan.randomReads, RunPlan.pythonDatasetRandomReadCap) : plan.randomReads
                        var common = ["--records", String(records), "--random-reads", String(reads)]
                        if let file = group.file {
                            common += ["--dataset", group.dataset.rawValue, "--dataset-file", file.path]
                        }
                        if representation.isPython, let python {
                            let scratch = group.file == nil ? [] : ["--scratch", plan.dataDirectory]
                            measurement = try ChildProcess.measurement(
                                from: python, [plan.pythonScript, "--representation", representation.rawValue] + common + scratch)
                        } else {
                            measurement = try ChildProcess.measurement(
                                from: executable, ["--case", representation.rawValue] + common)
                        }
                        let seconds = (clock.now - caseStart).nanoseconds / 1e9
                        result.measurements[key(representation), default: []].append(measurement)
                        result.childSeconds[key(representation), default: []].append(seconds)
                        progress(
                            "[\(Format.padLeft(String(done), 3))/\(Format.padLeft(String(plannedTotal), 3))] "
                                + "\(Format.elapsed((clock.now - start).nanoseconds / 1e9)) "
                                + "\(Format.padRight(representation.rawValue, 28)) \(Format.padRight(group.dataset.rawValue, 10)) "
                                + "\(Format.padLeft(Format.count(records), 10)) "
                                + "rep \(repetition)/\(ownRepetitions)  \(Format.fixed(seconds, 2)) s")
                    } catch {
                        failed.insert(key(representation))
                        result.measurements[key(representation)] = nil
                        result.skipped.append(SkippedCase(
                            representation: representation.rawValue, dataset: group.dataset.rawValue, records: records,
                            reason: error.description))
                        progress("\(representation.rawValue) on \(group.dataset.rawValue) at \(Format.count(records)) failed: \(error.description)")
                    }
                }
            }
        }
        result.finishedAt = Date()
        result.loadAverageAtEnd = MachineInfo.loadAverage()
        progress("done in \(Format.elapsed((clock.now - start).nanoseconds / 1e9))")
        return result
    }

    /// The groups to run, smallest size first; at one size the report's records come first.
    private func caseGroups(python: Bool) -> [CaseGroup] {
        func representations(on dataset: Dataset) -> [Representation] {
            Representation.allCases.filter { $0.runs(on: dataset) && (python || !$0.isPython) }
        }
        var groups: [CaseGroup] = []
        for records in plan.sizes {
            groups.append(CaseGroup(dataset: .report, records: records, file: nil, representations: representations(on: .report)))
        }
        for file in datasetFiles {
            groups.append(CaseGroup(
                dataset: file.dataset, records: file.records, file: file, representations: representations(on: file.dataset)))
        }
        // Stable: by size, and at one size in the order added (the report's records first).
        return groups.enumerated().sorted { ($0.element.records, $0.offset) < ($1.element.records, $1.offset) }.map(\.element)
    }

    /// Finds the interpreter and the script, or records why the Python rows are skipped.
    private func preparePython(_ result: inout RunResult) -> String? {
        func skipAll(_ reason: String) {
            for records in plan.sizes {
                for representation in Representation.allCases where representation.isPython && representation.runs(on: .report) {
                    result.skipped.append(SkippedCase(
                        representation: representation.rawValue, dataset: Dataset.report.rawValue, records: records, reason: reason))
                }
            }
            for file in datasetFiles {
                for representation in Representation.allCases where representation.isPython && representation.runs(on: file.dataset) {
                    result.skipped.append(SkippedCase(
                        representation: representation.rawValue, dataset: file.dataset.rawValue, records: file.records, reason: reason))
                }
            }
            progress("python rows skipped: \(reason)")
        }
        guard let name = plan.python else {
            skipAll("left out with --no-python")
            return nil
        }
        guard let interpreter = ChildProcess.findExecutable(name) else {
            skipAll("\(name) not found")
            return nil
        }
        guard FileManager.default.fileExists(atPath: plan.pythonScript) else {
            skipAll("script \(plan.pythonScript) not found (run from the package root)")
            return nil
        }
        do {
            let version = try ChildProcess.output(of: interpreter, ["-c", "import sys; print(sys.version.split()[0])"])
            result.pythonVersion = version.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            skipAll("\(interpreter) does not run: \(error.description)")
            return nil
        }
        return interpreter
    }

    /// Predicts a case from the same representation at the next smaller measured size.
    private func skipReason(_ representation: Representation, dataset: Dataset, records: Int, result: RunResult) -> String? {
        let smaller = result.measurements.keys
            .filter { $0.representation == representation && $0.dataset == dataset && $0.records < records }
            .max { $0.records < $1.records }
        guard let smaller, let runs = result.measurements[smaller], let seconds = result.childSeconds[smaller] else { return nil }
        let scale = Double(records) / Double(smaller.records)
        let estimatedSeconds = Statistics.median(seconds) * scale
        if estimatedSeconds > plan.caseTimeLimit {
            return "estimated \(Format.fixed(estimatedSeconds, 0)) s per repetition "
                + "(\(Format.fixed(Statistics.median(seconds), 1)) s at \(Format.count(smaller.records)) records, scaled linearly), "
                + "over the \(Format.fixed(plan.caseTimeLimit, 0)) s limit per case"
        }
        let bytesPerRecord = runs.map { run in
            Double(max(run.allocatedBytes ?? 0, run.residentBytes ?? 0, run.peakResidentBytes ?? 0)) / Double(run.records)
        }.max() ?? 0
        // The structure, plus the packed source and the index array that every child holds.
        let estimatedBytes = (bytesPerRecord * 1.1 + 21) * Double(records) + 8 * Double(plan.randomReads)
        if let available = MachineInfo.availableMemoryBytes(), estimatedBytes > 0.6 * Double(available) {
            return "estimated \(Format.fixed(estimatedBytes / 1_073_741_824, 1)) GiB "
                + "(\(Format.fixed(bytesPerRecord, 0)) B/record at \(Format.count(smaller.records)) records) "
                + "exceeds 60% of the \(Format.fixed(Double(available) / 1_073_741_824, 1)) GiB available"
        }
        return nil
    }
}

/// Writes one progress line to standard error.
func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
