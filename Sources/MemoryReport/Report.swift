import Foundation

/// The aggregated run, ready to be written as Markdown, JSON, CSV and SVG.
struct Report {
    let rows: [ResultRow]
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
    }

    init(run: RunResult, plan: RunPlan, machine: MachineInfo) {
        self.run = run
        self.plan = plan
        self.machine = machine
        self.skipped = run.skipped
        let rows = run.measurements.keys.sorted().compactMap { key in
            run.measurements[key].flatMap { $0.isEmpty ? nil : ResultRow(key: key, runs: $0) }
        }
        self.rows = rows
        var problems: [String] = []
        for (key, runs) in run.measurements.sorted(by: { $0.key < $1.key }) where !ResultRow.checksumsAgree(runs) {
            problems.append("\(key.representation.rawValue) at \(Format.count(key.records)): repetitions disagree")
        }
        for records in Set(rows.map(\.records)).sorted() {
            let atSize = rows.filter { $0.records == records }
            guard let reference = atSize.first else { continue }
            for row in atSize where row.scanChecksum != reference.scanChecksum || row.randomReadChecksum != reference.randomReadChecksum {
                problems.append(
                    "\(row.representation.rawValue) at \(Format.count(records)): sums \(row.scanChecksum) / \(row.randomReadChecksum), "
                        + "\(reference.representation.rawValue) \(reference.scanChecksum) / \(reference.randomReadChecksum)")
            }
        }
        checksumProblems = problems
        targets = TargetResult.evaluate(rows: rows)
    }

    /// The row for a representation at a size, if it was measured.
    func row(_ representation: Representation, _ records: Int) -> ResultRow? {
        rows.first { $0.representation == representation && $0.records == records }
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
