import ArgumentParser
import DenseRecords
import Foundation

/// `dense-records ingest INPUT.csv -o OUT.drsnap`: a CSV file of readings to a snapshot.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Turn a CSV file of readings into a snapshot (.drsnap) with per-block zone maps.",
        discussion: """
            Reads the CSV with the csv-reader's options (the same as `export`'s CSV input) and writes every \
            record to OUTPUT through the snapshot-writer sink: to a temporary file beside it, flushed and \
            renamed over it only when the whole input was read. After a failure OUTPUT holds what it held \
            before. Prints what was read, written and skipped. Exits with 0 on success, 1 when the input \
            cannot be read (or a malformed line stops it), 2 when the output cannot be written, 64 (usage) for a bad option.
            """
    )

    @Argument(help: "A CSV file of readings (sensor_id,timestamp,value,unit by default; see the CSV options).")
    var input: String

    @Option(name: .shortAndLong, help: "The snapshot file to create or replace.")
    var output: String

    @Option(help: "How to store the records: none (packed 21-byte rows) or columnar (compressed columnar blocks, read in place).")
    var compression: IngestCompression = .none

    @OptionGroup(title: "CSV input")
    var csvInput: CSVInputOptions

    func validate() throws {
        guard !output.isEmpty, output != "-" else { throw ValidationError("-o needs a file path: a snapshot cannot go to a stream") }
    }

    func run() async throws {
        let start = ContinuousClock.now
        if let outputFile = ExportCommand.identity(of: output), outputFile == ExportCommand.identity(of: input) {
            printError("dense-records ingest: refusing to write \(output): it is the same file as the input \(input)")
            throw ExitCode(2)
        }
        var options = SnapshotWriteOptions()
        if compression == .columnar { options.compression = .columnar() }
        let sink = SnapshotRecordSink(path: output, options: options)
        let run = try await csvInput.run(input, into: .init("snapshot", sink), command: "ingest")
        guard let header = sink.header else {
            printError("dense-records ingest: the snapshot was not written")
            throw ExitCode(2)
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        print("ingested \(input): \(run.source.recordsProduced) records read, \(run.rejected.total) lines skipped")
        let form = header.isCompressed ? "compressed columnar blocks" : "blocks"
        print("wrote \(output): \(header.recordCount) records in \(header.blockCount) \(form), \(header.fileSize) bytes (snapshot format \(header.formatVersion)) in \(milliseconds) ms")
    }
}

/// The `--compression` choices of `ingest`.
enum IngestCompression: String, ExpressibleByArgument, CaseIterable {
    /// Packed 21-byte rows.
    case none
    /// Compressed columnar blocks.
    case columnar
}
