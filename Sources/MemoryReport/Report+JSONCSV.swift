import Foundation

extension Report {
    /// The method parameters as written into the JSON.
    struct Method: Encodable {
        var mode: String
        var sizes: [Int]
        var repetitionsPerSize: [String: Int]
        var randomReads: Int
        var scanPasses: [String: Int]
        var isolation: String
        var durationSeconds: Double
        var loadAverageAtStart: String?
        var loadAverageAtEnd: String?
        /// The datasets measured, with their record and sensor counts.
        var datasets: [DatasetDescription]
        /// The most random reads a dataset row of pandas, Polars, pyarrow or numpy times.
        var pythonDatasetRandomReadCap: Int
    }

    /// One dataset as the JSON describes it.
    struct DatasetDescription: Encodable {
        var id: String
        var summary: String
        var records: [Int]
        var sensors: Int?
        var origin: String?
    }

    private struct Document: Encodable {
        var generatedAt: String
        var machine: MachineInfo
        var method: Method
        var results: [ResultRow]
        var skipped: [SkippedCase]
        var foundationTargets: [TargetResult]
        var checksumsAgree: Bool
        var checksumProblems: [String]
    }

    /// `memory-report.json`: the schema (`generatedAt`, `machine`, `results`) plus extra fields.
    func json() throws -> String {
        let method = Method(
            mode: plan.mode,
            sizes: plan.sizes,
            repetitionsPerSize: Dictionary(uniqueKeysWithValues: plan.sizes.map { (String($0), plan.repetitions(records: $0)) }),
            randomReads: plan.randomReads,
            scanPasses: Dictionary(uniqueKeysWithValues: plan.sizes.map { (String($0), CaseRunner.scanPasses(records: $0)) }),
            isolation: "one fresh child process per (representation, records, repetition)",
            durationSeconds: (durationSeconds * 10).rounded() / 10,
            loadAverageAtStart: run.loadAverageAtStart,
            loadAverageAtEnd: run.loadAverageAtEnd,
            datasets: datasetDescriptions,
            pythonDatasetRandomReadCap: RunPlan.pythonDatasetRandomReadCap)
        let document = Document(
            generatedAt: generatedAt, machine: machine, method: method, results: allRows, skipped: skipped,
            foundationTargets: targets, checksumsAgree: checksumProblems.isEmpty, checksumProblems: checksumProblems)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// The metrics written to the CSV, with their JSON names.
    private static var csvMetrics: [(String, KeyPath<ResultRow, Double?>)] { [
        ("bytesPerRecord", \.bytesPerRecord),
        ("fileBytesPerRecord", \.fileBytesPerRecord),
        ("allocatedBytesPerRecord", \.optionalAllocated),
        ("residentBytesPerRecord", \.optionalResident),
        ("peakToFinalResident", \.peakToFinalResident),
        ("ingestNsPerRecord", \.optionalIngest),
        ("scanNsPerRecord", \.optionalScan),
        ("randomReadNsPerRecord", \.optionalRandomRead),
        ("iterationScanNsPerRecord", \.iterationScanNsPerRecord),
        ("releaseNsPerRecord", \.releaseNsPerRecord),
        ("residentAfterReleaseBytesPerRecord", \.residentAfterReleaseBytesPerRecord),
        ("peakResidentBytesPerRecord", \.peakResidentBytesPerRecord),
        ("hugePageBytesPerRecord", \.hugePageBytesPerRecord),
    ] }

    /// The columns of the per-column split, in the CSV's order.
    static let columnNames = ["sensorID", "timestamp", "value", "unit", "other"]

    /// `memory-report.csv`: one row per (representation, records), each metric's median, min and max.
    func csv() -> String {
        var header = ["representation", "dataset", "kind", "records", "repetitions", "allocatorSource"]
        for (name, _) in Self.csvMetrics { header += [name, name + "Min", name + "Max"] }
        header += Self.columnNames.map { "columnBytesPerRecord." + $0 } + ["columnBytesSource", "contentChecksum"]
        var lines = [header.joined(separator: ",")]
        for row in allRows {
            var fields = [
                row.representation.rawValue, row.dataset.rawValue, row.kind.rawValue, String(row.records), String(row.repetitions),
                row.allocatorSource,
            ]
            for (name, path) in Self.csvMetrics {
                let spread = row.spread[name]
                fields += [row[keyPath: path], spread?.min, spread?.max].map { value in
                    ResultRow.rounded(value).map { String($0) } ?? ""
                }
            }
            fields += Self.columnNames.map { name in
                row.columnBytesPerRecord?[name].flatMap { ResultRow.rounded($0) }.map { String($0) } ?? ""
            }
            // The sources contain no commas or quotes; quote them anyway, as CSV allows.
            fields += [row.columnBytesSource.map { "\"\($0)\"" } ?? "", row.contentChecksum ?? ""]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ResultRow {
    var optionalAllocated: Double? { allocatedBytesPerRecord }
    var optionalResident: Double? { residentBytesPerRecord }
    var optionalIngest: Double? { ingestNsPerRecord }
    var optionalScan: Double? { scanNsPerRecord }
    var optionalRandomRead: Double? { randomReadNsPerRecord }
}

extension Report {
    /// The datasets of this run, as the JSON and the method section describe them.
    var datasetDescriptions: [DatasetDescription] {
        var descriptions = [DatasetDescription(
            id: Dataset.report.rawValue, summary: Dataset.report.summary, records: sizes,
            sensors: RecordSource.sensorCount, origin: "RecordSource, built in each child")]
        for dataset in Dataset.allCases where dataset.isFile {
            let files = run.datasetFiles.filter { $0.dataset == dataset }
            guard !files.isEmpty else { continue }
            descriptions.append(DatasetDescription(
                id: dataset.rawValue, summary: dataset.summary, records: files.map(\.records),
                sensors: files.map(\.sensors).max(), origin: files.first?.origin))
        }
        return descriptions
    }
}
