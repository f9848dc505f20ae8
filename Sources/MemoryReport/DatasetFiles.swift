import DenseRecords
import Foundation

/// One dataset written as a file of packed 21-byte records, which every child of its rows reads.
struct DatasetFile: Encodable, Sendable {
    var dataset: Dataset
    /// Records in the file.
    var records: Int
    /// Distinct sensor ids in the file.
    var sensors: Int
    /// The packed-records file.
    var path: String
    /// Where the records came from: the generator's parameters or the CSV file read.
    var origin: String
}

/// Writes the dataset files a run measures on, before any child starts.
///
/// The file format is the in-memory layout of `sensor_record_t` (packed, little-endian,
/// 21 bytes a record, no header), so a Swift child copies it into a `[sensor_record_t]`
/// and a Python child reads it with `numpy.fromfile` and a packed structured dtype.
enum DatasetFiles {
    /// The generator's default parameters, as the report describes them: read from a
    /// default-configured ``SyntheticRecordSource``, so the text follows the defaults.
    static var generatorParameters: String {
        let source = SyntheticRecordSource(recordCount: 0)
        return "\(source.sensorCount) sensors, a reading per sensor every "
            + "\(Format.significant(Double(source.intervalNanoseconds) / 1e9)) s, seed \(source.seed), "
            + "gap probability \(source.gapProbability)"
    }

    /// Prepares every file-backed dataset of `plan`.
    ///
    /// The generator's records are written at each of the plan's sizes. The weather
    /// data comes from `tmy3-long.csv` in the data directory; when it is missing the
    /// plan's `tmy3Script` writes it there first. The CSV is read with the library's
    /// ``CSVRecordSource`` (malformed lines fail the dataset), as `dense-records` reads it.
    ///
    /// - Parameter plan: The run's plan.
    /// - Returns: The files written, and a skipped case for every row of a dataset that
    ///   could not be prepared, with the reason.
    static func prepare(_ plan: RunPlan) async -> (files: [DatasetFile], problems: [SkippedCase]) {
        var files: [DatasetFile] = []
        var problems: [SkippedCase] = []
        do {
            try FileManager.default.createDirectory(atPath: plan.dataDirectory, withIntermediateDirectories: true)
        } catch {
            for dataset in plan.fileDatasets {
                problems += skipAll(dataset, records: dataset == .generator ? plan.sizes : [0], "cannot create \(plan.dataDirectory): \(error)")
            }
            return (files, problems)
        }
        for dataset in plan.fileDatasets {
            switch dataset {
            case .report:
                continue
            case .generator:
                for records in plan.sizes {
                    do {
                        files.append(try await generator(records: records, plan: plan))
                    } catch {
                        problems += skipAll(.generator, records: [records], "could not write the generator's records: \(error)")
                    }
                }
            case .tmy3Long:
                do {
                    files.append(try await weather(plan: plan))
                } catch {
                    // The record count is unknown without the file; 1 stands for "the whole file".
                    problems += skipAll(.tmy3Long, records: [1], "could not prepare tmy3-long.csv: \(error)")
                }
            }
        }
        return (files, problems)
    }

    private static func skipAll(_ dataset: Dataset, records: [Int], _ reason: String) -> [SkippedCase] {
        progress("\(dataset.rawValue) rows skipped: \(reason)")
        return records.flatMap { count in
            Representation.allCases.filter { $0.runs(on: dataset) }.map {
                SkippedCase(representation: $0.rawValue, dataset: dataset.rawValue, records: max(count, 1), reason: reason)
            }
        }
    }

    /// `dense-records generate`'s records with its default parameters.
    private static func generator(records: Int, plan: RunPlan) async throws -> DatasetFile {
        let source = SyntheticRecordSource(recordCount: records)
        let packed = try await drain(
            expected: records, open: { try await source.open() }, next: { try await source.nextBatch(into: &$0) },
            close: { await source.close() })
        let path = (plan.dataDirectory as NSString).appendingPathComponent("generator-\(records).records")
        try write(packed, to: path)
        return DatasetFile(
            dataset: .generator, records: packed.count, sensors: Set(packed.map(\.sensor_id)).count, path: path,
            origin: "SyntheticRecordSource(recordCount: \(records)) with its defaults: \(generatorParameters)")
    }

    /// `tmy3-long.csv`, written by the dataset script when missing, parsed into packed records.
    private static func weather(plan: RunPlan) async throws -> DatasetFile {
        let csv = (plan.dataDirectory as NSString).appendingPathComponent("tmy3-long.csv")
        if !FileManager.default.fileExists(atPath: csv) {
            guard FileManager.default.fileExists(atPath: plan.tmy3Script) else {
                throw ChildFailure(description: "\(csv) is missing and the script \(plan.tmy3Script) does not exist")
            }
            progress("writing \(csv) with \(plan.tmy3Script)")
            let output = try ChildProcess.output(of: "/bin/bash", [plan.tmy3Script, plan.dataDirectory])
            progress(output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let source = CSVRecordSource(path: csv, policy: .fail)
        let packed = try await drain(
            expected: nil, open: { try await source.open() }, next: { try await source.nextBatch(into: &$0) },
            close: { await source.close() })
        guard !packed.isEmpty else { throw ChildFailure(description: "\(csv) holds no records") }
        let path = (plan.dataDirectory as NSString).appendingPathComponent("tmy3-long.records")
        try write(packed, to: path)
        return DatasetFile(
            dataset: .tmy3Long, records: packed.count, sensors: Set(packed.map(\.sensor_id)).count, path: path,
            origin: "\(csv), read with CSVRecordSource")
    }

    /// Reads a pipeline source to its end, through its `open`, `nextBatch(into:)` and `close`.
    ///
    /// Closures rather than a generic parameter: this module's own ``RecordSource``
    /// (the report's records) shadows the pipeline protocol of that name.
    private static func drain(
        expected: Int?,
        open: () async throws -> Void,
        next: (inout RecordBatch) async throws -> Bool,
        close: () async -> Void
    ) async throws -> [sensor_record_t] {
        var records: [sensor_record_t] = []
        if let expected { records.reserveCapacity(expected) }
        var batch = RecordBatch()
        try await open()
        do {
            while try await next(&batch) {
                batch.withUnsafeBufferPointer { records.append(contentsOf: $0) }
                batch.removeAll()
            }
        } catch {
            await close()
            throw error
        }
        await close()
        return records
    }

    /// Writes the packed records to a temporary name and renames it over `path`.
    private static func write(_ records: [sensor_record_t], to path: String) throws {
        let data = records.withUnsafeBytes { Data($0) }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads a dataset file into packed records, in a child, before its baseline.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - records: The record count the parent asked for; the file must hold exactly that many.
    /// - Returns: The records.
    /// - Throws: ``ChildFailure`` when the file is unreadable or of the wrong size.
    static func load(_ path: String, records: Int) throws(ChildFailure) -> [sensor_record_t] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ChildFailure(description: "cannot read the dataset file \(path)")
        }
        let stride = MemoryLayout<sensor_record_t>.stride
        guard data.count == records * stride else {
            throw ChildFailure(description: "\(path) holds \(data.count) bytes, not \(records) records of \(stride) bytes")
        }
        var result = [sensor_record_t](repeating: sensor_record_t(), count: records)
        result.withUnsafeMutableBytes { destination in
            data.withUnsafeBytes { source in destination.copyMemory(from: source) }
        }
        return result
    }
}
