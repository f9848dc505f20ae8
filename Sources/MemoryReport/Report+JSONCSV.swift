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
            loadAverageAtEnd: run.loadAverageAtEnd)
        let document = Document(
            generatedAt: generatedAt, machine: machine, method: method, results: rows, skipped: skipped,
            foundationTargets: targets, checksumsAgree: checksumProblems.isEmpty, checksumProblems: checksumProblems)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// The metrics written to the CSV, with their JSON names.
    private static var csvMetrics: [(String, KeyPath<ResultRow, Double?>)] { [
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

    /// `memory-report.csv`: one row per (representation, records), each metric's median, min and max.
    func csv() -> String {
        var header = ["representation", "records", "repetitions", "allocatorSource"]
        for (name, _) in Self.csvMetrics { header += [name, name + "Min", name + "Max"] }
        var lines = [header.joined(separator: ",")]
        for row in rows {
            var fields = [row.representation.rawValue, String(row.records), String(row.repetitions), row.allocatorSource]
            for (name, path) in Self.csvMetrics {
                let spread = row.spread[name]
                fields += [row[keyPath: path], spread?.min, spread?.max].map { value in
                    ResultRow.rounded(value).map { String($0) } ?? ""
                }
            }
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
