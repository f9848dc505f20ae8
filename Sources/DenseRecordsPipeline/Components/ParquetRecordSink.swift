import DenseRecordsCore
public import DenseRecordsParquet
import InternalDenseRecordsUtilities

/// A pipeline sink that writes records as an Apache Parquet file, or as a Hive-style
/// dataset partitioned by day.
///
/// ``open()`` allocates one row group of columns and creates the temporary file (or
/// folder) beside the target; each pipeline batch is appended to the current row group,
/// which is written when it holds ``ParquetWriterOptions/rowGroupSize`` rows, so memory
/// stays one row group whatever the input. ``commit()``, which the runner calls only
/// after a completed run, writes the last row group and the footer and renames the file
/// (or folder) over the target. After a failed or cancelled run, ``close()`` removes the
/// temporary output: the target keeps what it held before, or stays absent.
///
/// In a spec, once registered with ``ComponentRegistry/registerParquetWriter(named:)``:
///
/// ```json
/// { "component": "parquet-writer", "name": "lake",
///   "parameters": { "path": "readings.parquet", "compression": "zstd", "rowGroupSize": 1048576 } }
/// ```
public final class ParquetRecordSink: RecordSink {
    /// The file, or with ``partitioning`` the dataset folder, to create or replace.
    public let path: String
    /// How the dataset is partitioned, or `nil` for one file.
    public let partitioning: ParquetPartitioning?
    /// Row group size, codec and encodings.
    public let options: ParquetWriterOptions
    /// What was written, once ``commit()`` has finished the output.
    public private(set) var summary: ParquetWriteSummary?

    private var file: ParquetWriter?
    private var dataset: ParquetDatasetWriter?

    /// `true`: a run that does not commit leaves no output.
    public var discardsUncommittedRecords: Bool { true }

    /// Configures the sink; nothing is opened or allocated.
    ///
    /// - Parameters:
    ///   - path: The file (or dataset folder) to create, or to replace once the run completes.
    ///   - partitioning: `nil` for one file, or ``ParquetPartitioning/day`` for a dataset folder.
    ///   - options: Row group size, codec and encodings; checked in ``open()``.
    public init(path: String, partitioning: ParquetPartitioning? = nil, options: ParquetWriterOptions = ParquetWriterOptions()) {
        self.path = path
        self.partitioning = partitioning
        self.options = options
    }

    /// Allocates one row group and creates the temporary file or folder.
    ///
    /// - Throws: ``ParquetWriteError`` naming the path.
    public func open() async throws {
        if let partitioning {
            dataset = try ParquetDatasetWriter(path: path, partitioning: partitioning, options: options)
        } else {
            file = try ParquetWriter(path: path, options: options)
        }
    }

    /// Appends the batch's records, writing each row group that fills.
    ///
    /// - Parameter batch: The records.
    /// - Throws: ``ParquetWriteError`` when a row group cannot be written.
    /// - Complexity: O(*n*) in the batch's records.
    public func write(_ batch: borrowing RecordBatch) async throws {
        require(file != nil || dataset != nil, "ParquetRecordSink.write called before open()")
        try batch.withUnsafeBufferPointer { (records) throws(ParquetWriteError) in
            if file != nil {
                try file!.write(contentsOf: records)
            } else {
                try dataset!.write(contentsOf: records)
            }
        }
    }

    /// Writes the last row group and the footer(s), flushes and renames the output over
    /// the target. Does nothing if not open.
    ///
    /// - Throws: ``ParquetWriteError``; the temporary output is then removed and the target untouched.
    /// - Complexity: O(*g*) in the row groups written, for the footers.
    public func commit() async throws {
        if let writer = file.take() {
            summary = try writer.finish()
        } else if let writer = dataset.take() {
            summary = try writer.finish()
        }
    }

    /// Abandons output that was not committed: removes the temporary file or folder.
    public func close() async throws {
        _ = file.take()
        _ = dataset.take()
    }
}

extension ComponentRegistry {
    /// The parameters the `parquet-writer` sink accepts.
    public static let parquetWriterParameters: [ParameterSpec] = [
        .required("path", .string, "the .parquet file (or, partitioned, the dataset folder) to create, or replace once the run completes"),
        .optional("compression", .choice(ParquetCompression.allCases.map(\.rawValue)), default: .string("zstd"),
            "zstd or none"),
        .optional("rowGroupSize", .integer(1...Int64(ParquetWriterOptions.maximumRowGroupSize)),
            default: .integer(Int64(ParquetWriterOptions.defaultRowGroupSize)), "rows per row group (memory: 21 bytes per row)"),
        .optional("partitionBy", .choice(["none"] + ParquetPartitioning.allCases.map(\.rawValue)), default: .string("none"),
            "none for one file, or day for date=YYYY-MM-DD/part-NNNNN.parquet folders"),
        .optional("valueEncoding", .choice(ParquetValueEncoding.allCases.map(\.rawValue)), default: .string("plain"),
            "the value column's encoding"),
        .optional("unitEncoding", .choice(ParquetUnitEncoding.allCases.map(\.rawValue)), default: .string("dictionary"),
            "unit names as a dictionary-encoded string, or the uint8 code"),
    ]

    /// Registers ``ParquetRecordSink`` as a sink named `name` (`parquet-writer` by default).
    ///
    /// Parameters: `path` (required), `compression` (`zstd`/`none`), `rowGroupSize`,
    /// `partitionBy` (`none`/`day`), `valueEncoding`, `unitEncoding`; see ``parquetWriterParameters``.
    ///
    /// - Parameter name: The name specs use.
    /// - Throws: ``ComponentRegistrationError/duplicateName(_:)`` if `name` is taken.
    public mutating func registerParquetWriter(named name: String = "parquet-writer") throws(ComponentRegistrationError) {
        try register(
            name, role: .sink, summary: "Writes records as an Apache Parquet file, or a dataset partitioned by day.",
            parameters: Self.parquetWriterParameters
        ) { parameters in
            ParquetRecordSink(
                path: try parameters.string("path"),
                partitioning: ParquetPartitioning(rawValue: try parameters.string("partitionBy")),
                options: ParquetWriterOptions(
                    rowGroupSize: try parameters.integer("rowGroupSize"),
                    compression: ParquetCompression(rawValue: try parameters.string("compression")) ?? .zstd,
                    valueEncoding: ParquetValueEncoding(rawValue: try parameters.string("valueEncoding")) ?? .plain,
                    unitEncoding: ParquetUnitEncoding(rawValue: try parameters.string("unitEncoding")) ?? .dictionary))
        }
    }
}
