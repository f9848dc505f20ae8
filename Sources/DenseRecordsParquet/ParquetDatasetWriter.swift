public import DenseRecordsCore
import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a ``ParquetDatasetWriter`` splits records into partitions.
public enum ParquetPartitioning: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// One partition per UTC day of the timestamp: `date=2023-01-01/part-00000.parquet`.
    case day

    /// `day`.
    public var description: String { rawValue }
}

/// Writes sensor records as a Hive-style partitioned Parquet dataset: a folder of
/// `date=YYYY-MM-DD/part-NNNNN.parquet` files, one partition per UTC day.
///
/// Spark, DuckDB (`hive_partitioning`), Polars and pyarrow read the folder as one table
/// with an extra `date` column, and skip whole partitions for a filter on `date`.
/// Each file has the schema, encodings and statistics of ``ParquetWriter``.
///
/// ## Memory
///
/// Records are staged in one row group's worth of packed records (21 bytes per row of
/// ``ParquetWriterOptions/rowGroupSize``); when it fills, they are sorted by day into
/// one shared set of columns (another 21 bytes per row) and each day's rows become one
/// row group of that day's file. Open files hold no rows, only their footer entries,
/// so memory does not grow with the number of partitions. At most
/// ``maximumOpenFiles`` files are open; when another day needs one, the least recently
/// used file is finished, and a later record of its day starts the next `part-` file.
///
/// ## Whole or absent
///
/// Every file is written inside a temporary folder beside the target
/// (`.NAME.tmp-PID-RANDOM/`), each file itself through a temporary name. ``finish()``
/// finishes every file, then makes the folder the target in one step: a `rename` when
/// the target is absent, or an atomic exchange (`renameat2(RENAME_EXCHANGE)`) with an
/// earlier dataset folder at the target, which is then removed. So a reader sees the
/// earlier dataset (or nothing) until `finish()` returns, then the whole new one, never
/// a mix. A writer dropped without `finish()`, or whose `finish()` throws, removes the
/// temporary folder; a process killed before the exchange leaves it behind, and the
/// target as it was.
///
/// ## Empty input
///
/// A dataset without records is an empty folder.
public struct ParquetDatasetWriter: ~Copyable {
    private var encoder: ParquetRowGroupEncoder
    private let staging: UnsafeMutablePointer<sensor_record_t>
    private var stagedCount = 0
    private var files: [Int64: PartitionFile] = [:]
    private var partsStarted: [Int64: Int] = [:]
    private var finishedRowGroups = 0
    private var finishedBytes = 0
    private var fileCount = 0
    private var useClock = 0
    private var isFinished = false
    private let temporaryFolder: String

    /// The dataset folder the writer creates or replaces.
    public let path: String
    /// How records are split into partitions.
    public let partitioning: ParquetPartitioning
    /// The most files open at once.
    public let maximumOpenFiles: Int

    /// The options every file is written with.
    public var options: ParquetWriterOptions { encoder.options }

    /// Rows accepted so far, including those staged and not yet written.
    public private(set) var rowCount = 0

    /// Prepares a dataset at `path`, written into a temporary folder beside it.
    ///
    /// - Parameters:
    ///   - path: The dataset folder to create, or to replace on ``finish()``.
    ///   - partitioning: How records are split; ``ParquetPartitioning/day``.
    ///   - options: The options of every file.
    ///   - maximumOpenFiles: The most files open at once, at least 1; 64 by default.
    /// - Throws: ``ParquetWriteError/invalidOption(name:value:allowed:)``,
    ///   ``ParquetWriteError/outOfMemory(requestedBytes:)``,
    ///   ``ParquetWriteError/targetIsNotAFolder(path:)``, ``ParquetWriteError/targetIsNotADataset(path:entry:)``
    ///   (an existing folder is replaced only when it is empty or holds an earlier dataset) or
    ///   ``ParquetWriteError/cannotOpen(path:errno:)``.
    /// - Complexity: Two allocations of one row group; one `mkdir`; a listing of an existing target.
    public init(
        path: String, partitioning: ParquetPartitioning = .day, options: ParquetWriterOptions = ParquetWriterOptions(),
        maximumOpenFiles: Int = 64
    ) throws(ParquetWriteError) {
        guard maximumOpenFiles >= 1 else {
            throw .invalidOption(name: "maximumOpenFiles", value: maximumOpenFiles, allowed: 1...Int(Int32.max))
        }
        let encoder = try ParquetRowGroupEncoder(options: options)
        guard !ParquetDatasetFolder.existsAsNonFolder(path) else { throw .targetIsNotAFolder(path: path) }
        if let entry = ParquetDatasetFolder.foreignEntry(in: path) { throw .targetIsNotADataset(path: path, entry: entry) }
        let bytes = options.rowGroupSize * MemoryLayout<sensor_record_t>.stride
        guard let staging = malloc(bytes) else { throw .outOfMemory(requestedBytes: bytes) }
        let temporaryFolder: String
        do {
            temporaryFolder = try ParquetDatasetFolder.createTemporary(beside: path)
        } catch {
            free(staging)
            throw error
        }
        self.encoder = encoder
        self.staging = staging.bindMemory(to: sensor_record_t.self, capacity: options.rowGroupSize)
        self.temporaryFolder = temporaryFolder
        self.path = path
        self.partitioning = partitioning
        self.maximumOpenFiles = maximumOpenFiles
    }

    deinit {
        free(staging)
        if !isFinished {
            for file in files.values { file.output.discard() }
            ParquetDatasetFolder.removeTree(temporaryFolder)
        }
    }

    /// Writes every record of `records`, chunk by chunk, each chunk checked first.
    ///
    /// - Parameter records: A `RecordArena`, `SealedRecords`, mapped snapshot or other chunked collection.
    /// - Throws: ``ParquetWriteError/damagedInput(chunk:reason:)`` or the errors of writing row groups.
    /// - Complexity: O(*n*).
    public mutating func write(_ records: some ChunkedRecords) throws(ParquetWriteError) {
        try records.forEachVerifiedChunk(damaged: { ParquetWriteError.damagedInput(chunk: $0, reason: "\($1)") }) {
            (chunk) throws(ParquetWriteError) in try self.write(contentsOf: chunk)
        }
    }

    /// Writes packed records; a full stage becomes one row group per day present in it.
    ///
    /// - Parameter records: The records; read only during the call.
    /// - Throws: ``ParquetWriteError`` from opening or writing partition files.
    /// - Complexity: O(*n*), plus O(*d* log *d*) per row group for *d* days in it.
    public mutating func write(contentsOf records: UnsafeBufferPointer<sensor_record_t>) throws(ParquetWriteError) {
        var rest = records
        let capacity = encoder.options.rowGroupSize
        while !rest.isEmpty, let base = rest.baseAddress {
            let taken = min(rest.count, capacity - stagedCount)
            (staging + stagedCount).update(from: base, count: taken)
            stagedCount += taken
            rowCount += taken
            rest = UnsafeBufferPointer(rebasing: rest[taken...])
            if stagedCount == capacity { try flushStage() }
        }
    }

    /// Writes the staged records now, as one row group per day. Does nothing when none are staged.
    ///
    /// - Throws: ``ParquetWriteError`` from opening or writing partition files.
    public mutating func flushStage() throws(ParquetWriteError) {
        guard stagedCount > 0 else { return }
        let count = stagedCount
        // Count rows per day (consecutive records usually share a day).
        var rowsPerDay: [Int64: Int] = [:]
        var lastDay = Int64.min, run = 0
        for index in 0..<count {
            let day = Self.day(of: staging[index].timestamp_ns)
            if day == lastDay {
                run += 1
            } else {
                if run > 0 { rowsPerDay[lastDay, default: 0] += run }
                lastDay = day
                run = 1
            }
        }
        rowsPerDay[lastDay, default: 0] += run
        let days = rowsPerDay.keys.sorted()
        var next: [Int64: Int] = [:]
        var offset = 0
        for day in days {
            next[day] = offset
            offset += rowsPerDay[day]!
        }
        // Scatter into the shared columns, grouped by day, keeping input order within a day.
        encoder.columns.removeAll()
        encoder.columns.setCount(count)
        lastDay = Int64.min
        var position = 0
        for index in 0..<count {
            let day = Self.day(of: staging[index].timestamp_ns)
            if day != lastDay {
                if lastDay != Int64.min { next[lastDay] = position }
                lastDay = day
                position = next[day]!
            }
            encoder.columns.set(staging[index], at: position)
            position += 1
        }
        var start = 0
        for day in days {
            let rows = rowsPerDay[day]!
            let file = try openFile(for: day)
            let group = try encoder.writeRowGroup(rows: start..<(start + rows), to: &file.output, ordinal: file.rowGroups.count)
            file.rowGroups.append(group)
            file.rowCount += rows
            start += rows
        }
        encoder.columns.removeAll()
        stagedCount = 0
    }

    /// Writes the staged records and every file's footer, then makes the temporary folder the dataset.
    ///
    /// - Returns: What was written, over every file.
    /// - Throws: ``ParquetWriteError``; the temporary folder is then removed and `path` untouched.
    /// - Complexity: O(*f*) in the number of files.
    public consuming func finish() throws(ParquetWriteError) -> ParquetWriteSummary {
        try flushStage()
        for day in files.keys.sorted() { try finishFile(day) }
        // Checked again: the target may have changed since `init`.
        if let entry = ParquetDatasetFolder.foreignEntry(in: path) { throw .targetIsNotADataset(path: path, entry: entry) }
        try ParquetDatasetFolder.replace(path, with: temporaryFolder)
        isFinished = true
        return ParquetWriteSummary(rowCount: rowCount, rowGroupCount: finishedRowGroups, fileCount: fileCount, byteCount: finishedBytes)
    }

    /// Writes `records` as a dataset at `path` in one call, whole or not at all.
    ///
    /// - Parameters:
    ///   - records: The records to export.
    ///   - path: The dataset folder to create or replace.
    ///   - partitioning: How records are split.
    ///   - options: The options of every file.
    /// - Returns: What was written.
    /// - Throws: ``ParquetWriteError``; `path` then holds what it held before.
    /// - Complexity: O(*n*).
    public static func export(
        _ records: some ChunkedRecords, toPath path: String, partitioning: ParquetPartitioning = .day,
        options: ParquetWriterOptions = ParquetWriterOptions()
    ) throws(ParquetWriteError) -> ParquetWriteSummary {
        var writer = try ParquetDatasetWriter(path: path, partitioning: partitioning, options: options)
        try writer.write(records)
        return try writer.finish()
    }

    // MARK: Partitions

    /// The UTC day of a timestamp: days since 1970-01-01, rounded down.
    static func day(of timestamp: Int64) -> Int64 {
        let perDay: Int64 = 86_400_000_000_000
        let (quotient, remainder) = timestamp.quotientAndRemainder(dividingBy: perDay)
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// `date=YYYY-MM-DD` for a day since 1970-01-01 (the proleptic Gregorian calendar).
    static func partitionName(day: Int64) -> String {
        // Howard Hinnant's civil_from_days.
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value.magnitude)
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "date=\(padded(year, 4))-\(padded(month, 2))-\(padded(dayOfMonth, 2))"
    }

    /// The open file of `day`, opening the next part (and finishing the least recently used file when at the limit).
    private mutating func openFile(for day: Int64) throws(ParquetWriteError) -> PartitionFile {
        useClock += 1
        if let file = files[day] {
            file.lastUse = useClock
            return file
        }
        if files.count >= maximumOpenFiles, let oldest = files.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            try finishFile(oldest)
        }
        let folder = temporaryFolder + "/" + Self.partitionName(day: day)
        try ParquetDatasetFolder.createFolder(folder)
        let part = partsStarted[day, default: 0]
        partsStarted[day] = part + 1
        let digits = String(part)
        let name = "part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".parquet"
        let file = PartitionFile(output: try ParquetOutput(path: folder + "/" + name))
        file.lastUse = useClock
        files[day] = file
        return file
    }

    /// Writes the footer of `day`'s open file and closes it.
    private mutating func finishFile(_ day: Int64) throws(ParquetWriteError) {
        guard let file = files.removeValue(forKey: day) else { return }
        try file.output.finish(schema: encoder.schema, rowCount: file.rowCount, rowGroups: file.rowGroups)
        finishedRowGroups += file.rowGroups.count
        finishedBytes += file.output.position
        fileCount += 1
    }
}

/// One open partition file: its output and footer entries; the rows live in the shared columns.
private final class PartitionFile {
    var output: ParquetOutput
    var rowGroups: [ParquetFormat.RowGroup] = []
    var rowCount = 0
    var lastUse = 0

    init(output: consuming ParquetOutput) { self.output = output }
}
