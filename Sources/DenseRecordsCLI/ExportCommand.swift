import ArgumentParser
import DenseRecords
import Foundation

/// `dense-records export INPUT -o OUTPUT`: a snapshot or a CSV file to Apache Arrow or Apache Parquet.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a snapshot or a CSV file as Apache Arrow (IPC file or stream) or Apache Parquet.",
        discussion: """
            The output has the columns sensor_id (uint32), timestamp (timestamp[ns, tz=UTC]), value (float64) and \
            unit (dictionary-encoded unit names, or the uint8 code with --unit-encoding code). Arrow IPC is for \
            handing data to a process next door (pyarrow, Polars, DuckDB through pyarrow); Spark has no Arrow IPC \
            file source, so for Spark, Trino or a data lake use --format parquet (zstd, delta encodings, row-group \
            statistics; --partition-by day writes a Hive-style date=YYYY-MM-DD/ dataset folder). Snapshots are checked block by block (CRC32C) \
            before anything is written, unless --no-verify; either way each block is checked as it is copied, \
            so a damaged block stops the export (a file output is then left as it was). Use -o - to stream to standard output. \
            A file output is written to a temporary file beside it and renamed over it only when the export \
            succeeds: after a failure the output path holds what it held before. A stream to standard output is \
            complete only if it ends with the end-of-stream marker (FF FF FF FF 00 00 00 00). \
            An input that is not a regular file (a pipe, /dev/stdin) is read as CSV unless --from says otherwise. \
            Exits with 0 on success, 1 when the input cannot be read, 2 when the output cannot be written \
            (or is the input itself).
            """
    )

    enum InputKind: String, ExpressibleByArgument, CaseIterable {
        case auto, snapshot, csv
    }

    @Argument(help: "A snapshot (.drsnap) or a sensor_id,timestamp,value,unit CSV file.")
    var input: String

    @Option(name: .shortAndLong, help: "The Arrow or Parquet file to create or replace (with --partition-by, the dataset folder), or - for standard output (Arrow only).")
    var output: String

    @Option(help: "The input's kind: auto (by extension, then by the snapshot magic; csv for a pipe), snapshot or csv.")
    var from: InputKind = .auto

    @Option(help: "file (Arrow IPC random access, Feather v2; the default for paths), stream (Arrow IPC; the default for -) or parquet (the default for a .parquet output or with --partition-by).")
    var format: String?

    @Option(help: "Parquet: zstd or none.")
    var compression = "zstd"

    @Option(help: "Parquet: rows per row group (the writer holds one row group, 21 bytes a row).")
    var rowGroupSize = ParquetWriterOptions.defaultRowGroupSize

    @Option(help: "Parquet: day writes a folder of date=YYYY-MM-DD/part-NNNNN.parquet files (UTC days), whole or not at all.")
    var partitionBy: String?

    @Option(help: "Parquet: the value column's encoding, plain (the default, smaller on real and synthetic data) or byte-stream-split.")
    var valueEncoding = ParquetValueEncoding.plain.rawValue

    @Option(help: "Rows per Arrow record batch.")
    var batchSize = ArrowWriterOptions.defaultBatchSize

    @Option(help: "dictionary (unit names) or code (the uint8 code).")
    var unitEncoding = "dictionary"

    @OptionGroup(title: "CSV input")
    var csvInput: CSVInputOptions

    @Flag(help: "Snapshot: do not check every block's checksum before writing; each block is still checked as it is copied.")
    var noVerify = false

    func validate() throws {
        guard (1...ArrowWriterOptions.maximumBatchSize).contains(batchSize) else {
            throw ValidationError("--batch-size must be in 1...\(ArrowWriterOptions.maximumBatchSize)")
        }
        guard ArrowUnitEncoding(rawValue: unitEncoding) != nil else {
            throw ValidationError("--unit-encoding must be dictionary or code")
        }
        if let format, ArrowIPCFormat(rawValue: format) == nil, format != "parquet" {
            throw ValidationError("--format must be file, stream or parquet")
        }
        guard isParquet || (partitionBy == nil && compression == "zstd" && rowGroupSize == ParquetWriterOptions.defaultRowGroupSize) else {
            throw ValidationError("--compression, --row-group-size and --partition-by apply to --format parquet only")
        }
        guard ParquetCompression(rawValue: compression) != nil else { throw ValidationError("--compression must be zstd or none") }
        guard (1...ParquetWriterOptions.maximumRowGroupSize).contains(rowGroupSize) else {
            throw ValidationError("--row-group-size must be in 1...\(ParquetWriterOptions.maximumRowGroupSize)")
        }
        if let partitionBy, ParquetPartitioning(rawValue: partitionBy) == nil { throw ValidationError("--partition-by must be day") }
        guard ParquetValueEncoding(rawValue: valueEncoding) != nil else {
            throw ValidationError("--value-encoding must be byte-stream-split or plain")
        }
        if isParquet, output == "-" { throw ValidationError("--format parquet needs an output path: a Parquet footer cannot go to a stream") }
    }

    /// Whether the output is Parquet: asked for, implied by --partition-by, or by a `.parquet` output.
    var isParquet: Bool {
        format == "parquet" || (format == nil && (partitionBy != nil || output.lowercased().hasSuffix(".parquet")))
    }

    /// The Parquet writer's options from the command line.
    var parquetOptions: ParquetWriterOptions {
        ParquetWriterOptions(
            rowGroupSize: rowGroupSize, compression: ParquetCompression(rawValue: compression) ?? .zstd,
            valueEncoding: ParquetValueEncoding(rawValue: valueEncoding) ?? .plain,
            unitEncoding: ParquetUnitEncoding(rawValue: unitEncoding) ?? .dictionary)
    }

    func run() async throws {
        // A reader that goes away (`| head`) must surface as EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        if isParquet { return try await runParquet() }
        let toStandardOutput = output == "-"
        let ipcFormat = format.flatMap(ArrowIPCFormat.init(rawValue:)) ?? (toStandardOutput ? .stream : .file)
        let options = ArrowWriterOptions(batchSize: batchSize, unitEncoding: ArrowUnitEncoding(rawValue: unitEncoding) ?? .dictionary)
        let destination = toStandardOutput ? "standard output" : output
        let start = ContinuousClock.now
        try refuseOutputThatIsTheInput()

        let summary: ArrowExportSummary
        switch try resolvedKind() {
        case .snapshot:
            summary = try exportSnapshot(format: ipcFormat, options: options)
        case .csv, .auto:
            summary = try await exportCSV(format: ipcFormat, options: options)
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        printError("exported \(summary.rowCount) records in \(summary.recordBatchCount) record batches (\(summary.byteCount) bytes, Arrow \(summary.format)) to \(destination) in \(milliseconds) ms")
    }

    /// Refuses an output that is the same file as the input (same device and inode), before anything is opened for writing.
    func refuseOutputThatIsTheInput() throws {
        guard output != "-", let outputFile = Self.identity(of: output), let inputFile = Self.identity(of: input) else { return }
        guard outputFile == inputFile else { return }
        printError("dense-records export: refusing to write \(output): it is the same file as the input \(input)")
        throw ExitCode(2)
    }

    /// The device and inode of the file `path` names, following links; `nil` when it does not exist.
    static func identity(of path: String) -> [UInt64]? {
        var information = stat()
        guard stat(path, &information) == 0 else { return nil }
        return [UInt64(information.st_dev), UInt64(information.st_ino)]
    }

    /// Whether `path` names a regular file, which can be read twice; a pipe or terminal cannot.
    static func isRegularFile(_ path: String) -> Bool {
        var information = stat()
        return stat(path, &information) == 0 && (information.st_mode & S_IFMT) == S_IFREG
    }

    /// The input's kind: as given, or by extension, or by the snapshot magic in its first 8 bytes.
    ///
    /// Only a regular file is peeked at: bytes read from a pipe could not be
    /// given back to the CSV reader, and a snapshot must be a regular file
    /// (it is memory-mapped), so any other input is CSV.
    func resolvedKind() throws -> InputKind {
        if from != .auto { return from }
        let lowercased = input.lowercased()
        if lowercased.hasSuffix(".drsnap") { return .snapshot }
        if lowercased.hasSuffix(".csv") { return .csv }
        guard Self.isRegularFile(input) else { return .csv }
        guard let handle = FileHandle(forReadingAtPath: input) else {
            printError("dense-records export: cannot open \(input)")
            throw ExitCode(1)
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        let magic = head.count == 8 ? head.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) } : 0
        return magic == SnapshotFormat.magic ? .snapshot : .csv
    }

    func exportSnapshot(format: ArrowIPCFormat, options: ArrowWriterOptions) throws -> ArrowExportSummary {
        let snapshot: MappedSnapshot
        do {
            snapshot = try MappedSnapshot(contentsOf: input)
            if !noVerify { try snapshot.verify() }
        } catch {
            printError("dense-records export: \(input): \(error)")
            throw ExitCode(1)
        }
        do {
            if output == "-" {
                var writer = try ArrowWriter(fileDescriptor: STDOUT_FILENO, format: format, options: options)
                try writer.write(snapshot)
                return try writer.finish()
            }
            return try ArrowWriter.export(snapshot, toPath: output, format: format, options: options)
        } catch {
            printError("dense-records export: \(error)")
            throw ExitCode(2)
        }
    }

    func exportCSV(format: ArrowIPCFormat, options: ArrowWriterOptions) async throws -> ArrowExportSummary {
        let sink = output == "-"
            ? ArrowRecordSink(fileDescriptor: STDOUT_FILENO, format: format, options: options)
            : ArrowRecordSink(path: output, format: format, options: options)
        _ = try await csvInput.run(input, into: .init("arrow", sink), command: "export")
        guard let summary = sink.summary else {
            printError("dense-records export: the Arrow output was not finished")
            throw ExitCode(2)
        }
        return summary
    }
}

extension ExportCommand {
    /// Exports to a Parquet file, or a dataset folder with --partition-by.
    func runParquet() async throws {
        let start = ContinuousClock.now
        try refuseOutputThatIsTheInput()
        let partitioning = partitionBy.flatMap(ParquetPartitioning.init(rawValue:))
        let summary: ParquetWriteSummary
        switch try resolvedKind() {
        case .snapshot:
            let snapshot: MappedSnapshot
            do {
                snapshot = try MappedSnapshot(contentsOf: input)
                if !noVerify { try snapshot.verify() }
            } catch {
                printError("dense-records export: \(input): \(error)")
                throw ExitCode(1)
            }
            do {
                if let partitioning {
                    summary = try ParquetDatasetWriter.export(snapshot, toPath: output, partitioning: partitioning, options: parquetOptions)
                } else {
                    summary = try ParquetWriter.export(snapshot, toPath: output, options: parquetOptions)
                }
            } catch {
                printError("dense-records export: \(error)")
                throw ExitCode(2)
            }
        case .csv, .auto:
            let sink = ParquetRecordSink(path: output, partitioning: partitioning, options: parquetOptions)
            _ = try await csvInput.run(input, into: .init("parquet", sink), command: "export")
            guard let written = sink.summary else {
                printError("dense-records export: the Parquet output was not finished")
                throw ExitCode(2)
            }
            summary = written
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        printError("exported \(summary.rowCount) records in \(summary.rowGroupCount) row groups, \(summary.fileCount) files (\(summary.byteCount) bytes, Parquet) to \(output) in \(milliseconds) ms")
    }
}
