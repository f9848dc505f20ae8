import ArgumentParser
import DenseRecords
import Foundation

/// `dense-records export INPUT -o OUTPUT`: a snapshot or a CSV file to Apache Arrow.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a snapshot or a CSV file as Apache Arrow (IPC file or stream).",
        discussion: """
            The output has the columns sensor_id (uint32), timestamp (timestamp[ns, tz=UTC]), value (float64) and \
            unit (dictionary-encoded unit names, or the uint8 code with --unit-encoding code), and is read by \
            pyarrow, Polars, DuckDB (through pyarrow) and Spark. Snapshots are checked block by block (CRC32C) \
            before anything is written, unless --no-verify. Use -o - to stream to standard output. \
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

    @Option(name: .shortAndLong, help: "The Arrow file to create or replace, or - for standard output.")
    var output: String

    @Option(help: "The input's kind: auto (by extension, then by the snapshot magic; csv for a pipe), snapshot or csv.")
    var from: InputKind = .auto

    @Option(help: "file (random access, Feather v2; the default for paths) or stream (the default for -).")
    var format: String?

    @Option(help: "Rows per Arrow record batch.")
    var batchSize = ArrowWriterOptions.defaultBatchSize

    @Option(help: "dictionary (unit names) or code (the uint8 code).")
    var unitEncoding = "dictionary"

    @Flag(help: "CSV: skip and count malformed lines instead of stopping at the first.")
    var skipMalformed = false

    @Flag(help: "Snapshot: do not check block checksums before exporting.")
    var noVerify = false

    func validate() throws {
        guard (1...ArrowWriterOptions.maximumBatchSize).contains(batchSize) else {
            throw ValidationError("--batch-size must be in 1...\(ArrowWriterOptions.maximumBatchSize)")
        }
        guard ArrowUnitEncoding(rawValue: unitEncoding) != nil else {
            throw ValidationError("--unit-encoding must be dictionary or code")
        }
        if let format, ArrowIPCFormat(rawValue: format) == nil { throw ValidationError("--format must be file or stream") }
    }

    func run() async throws {
        // A reader that goes away (`| head`) must surface as EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
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
        let pipeline = Pipeline(
            source: .init("csv", CSVRecordSource(path: input, policy: skipMalformed ? .skip : .fail)),
            sinks: [.init("arrow", sink)])
        do {
            let run = try await pipeline.run()
            if run.rejected.total > 0 {
                printError("skipped \(run.rejected.total) malformed lines of \(input):")
                for line in run.source.skipped { printError("  \(line)") }
                if run.source.skippedNotListed > 0 { printError("  … and \(run.source.skippedNotListed) more") }
            }
        } catch {
            switch error.summary.outcome {
            case let .sourceFailed(message):
                printError("dense-records export: \(message)")
                throw ExitCode(1)
            case let .sinkFailed(_, message):
                printError("dense-records export: \(message)")
                throw ExitCode(2)
            default:
                printError("dense-records export: \(error.summary.outcome)")
                throw ExitCode(2)
            }
        }
        guard let summary = sink.summary else {
            printError("dense-records export: the Arrow output was not finished")
            throw ExitCode(2)
        }
        return summary
    }
}
