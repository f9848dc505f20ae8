import Foundation

/// The aggregated run, ready to be written as Markdown, JSON, CSV and SVG.
struct Report {
    /// The rows on the report's own records (``Dataset/report``): what the sections before *Stores compared* read.
    let rows: [ResultRow]
    /// Every row, on every dataset: what the JSON, the CSV, *All results* and the log-scale chart show.
    let allRows: [ResultRow]
    let skipped: [SkippedCase]
    let machine: MachineInfo
    let run: RunResult
    let plan: RunPlan
    let targets: [TargetResult]
    /// Disagreements between checksums that should be equal; empty when all agree.
    let checksumProblems: [String]

    /// File names inside the output directory.
    enum FileName {
        static let markdown = "memory-report.md"
        static let json = "memory-report.json"
        static let csv = "memory-report.csv"
        static let bytesChart = "memory-report-bytes-per-record.svg"
        static let peakChart = "memory-report-peak-to-final.svg"
        static let storesChart = "memory-report-stores-bytes-per-record.svg"
    }

    init(run: RunResult, plan: RunPlan, machine: MachineInfo) {
        self.run = run
        self.plan = plan
        self.machine = machine
        self.skipped = run.skipped
        let allRows = run.measurements.keys.sorted().compactMap { key in
            run.measurements[key].flatMap { $0.isEmpty ? nil : ResultRow(key: key, runs: $0) }
        }
        self.allRows = allRows
        let rows = allRows.filter { $0.dataset == .report }
        self.rows = rows
        var problems: [String] = []
        for (key, runs) in run.measurements.sorted(by: { $0.key < $1.key }) where !ResultRow.checksumsAgree(runs) {
            problems.append(
                "\(key.representation.rawValue) on \(key.dataset.rawValue) at \(Format.count(key.records)): repetitions disagree")
        }
        problems += Self.datasetChecksumProblems(allRows.filter { $0.dataset != .report })
        for records in Set(rows.map(\.records)).sorted() {
            let atSize = rows.filter { $0.records == records }
            guard let reference = atSize.first else { continue }
            for row in atSize where row.scanChecksum != reference.scanChecksum || row.randomReadChecksum != reference.randomReadChecksum {
                problems.append(
                    "\(row.representation.rawValue) at \(Format.count(records)): sums \(row.scanChecksum) / "
                        + "\(row.randomReadChecksum.map { String($0) } ?? "-"), \(reference.representation.rawValue) "
                        + "\(reference.scanChecksum) / \(reference.randomReadChecksum.map { String($0) } ?? "-")")
            }
        }
        checksumProblems = problems
        targets = TargetResult.evaluate(rows: rows)
    }

    /// The row for a representation at a size, if it was measured.
    func row(_ representation: Representation, _ records: Int) -> ResultRow? {
        rows.first { $0.representation == representation && $0.records == records }
    }

    /// The rows on a file dataset (not ``Dataset/report``): those compared in *Stores compared*.
    var datasetRows: [ResultRow] { allRows.filter { $0.dataset != .report } }

    /// Checks that the rows of each (file dataset, size) hold the same records.
    ///
    /// The stores there may reorder records (the compressed store groups them per
    /// sensor; the Parquet and Arrow files are sorted), so their sums of `value` differ
    /// in the last bits and their random reads read different records. What must agree
    /// exactly is the order-independent ``ContentChecksum`` of all four fields; the sums
    /// of `value` must agree to a relative 1e-9, which one lost or altered block would break.
    static func datasetChecksumProblems(_ rows: [ResultRow]) -> [String] {
        var problems: [String] = []
        let groups = Dictionary(grouping: rows) { "\($0.dataset.rawValue) at \(Format.count($0.records))" }
        for (place, group) in groups.sorted(by: { $0.key < $1.key }) {
            guard let reference = group.first(where: { $0.contentChecksum != nil }) else { continue }
            for row in group {
                guard let checksum = row.contentChecksum else {
                    problems.append("\(row.representation.rawValue) on \(place): no content checksum")
                    continue
                }
                if checksum != reference.contentChecksum {
                    problems.append(
                        "\(row.representation.rawValue) on \(place): content checksum \(checksum), "
                            + "\(reference.representation.rawValue) \(reference.contentChecksum ?? "-")")
                }
                let scale = max(abs(reference.scanChecksum), 1)
                if !(abs(row.scanChecksum - reference.scanChecksum) <= 1e-9 * scale) {
                    problems.append(
                        "\(row.representation.rawValue) on \(place): sum of value \(row.scanChecksum), "
                            + "\(reference.representation.rawValue) \(reference.scanChecksum)")
                }
            }
        }
        return problems
    }

    /// The measured sizes, smallest first.
    var sizes: [Int] { Set(rows.map(\.records)).sorted() }

    /// Writes every report file into `directory`, creating it if needed.
    ///
    /// - Parameter directory: The output directory.
    /// - Throws: A file-system error.
    func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files: [(String, String)] = [
            (FileName.json, try json()),
            (FileName.csv, csv()),
            (FileName.bytesChart, bytesPerRecordChart()),
            (FileName.peakChart, peakToFinalChart()),
            (FileName.storesChart, storesBytesPerRecordChart()),
            (FileName.markdown, markdown()),
        ]
        for (name, text) in files {
            let path = (directory as NSString).appendingPathComponent(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            progress("wrote \(path)")
        }
    }

    /// `generatedAt` in ISO 8601, UTC.
    var generatedAt: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: run.finishedAt)
    }

    /// The run's wall-clock duration in seconds.
    var durationSeconds: Double { run.finishedAt.timeIntervalSince(run.startedAt) }
}
