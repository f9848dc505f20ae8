import DenseRecordsCore
import InternalDenseRecordsUtilities
/// Which of Arrow's two IPC framings an ``ArrowWriter`` produces.
public enum ArrowIPCFormat: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The random-access IPC *file* format, also called Feather v2 (`.arrow`, `.feather`).
    ///
    /// The file starts and ends with the magic `ARROW1`; a footer at the end
    /// lists where every record batch starts, so readers can memory-map the
    /// file and jump to any batch. Write it to a regular file, from its start.
    case file

    /// The IPC *stream* format (`.arrows`), for pipes and sockets.
    ///
    /// A schema message, the dictionary, the record batches, then an
    /// end-of-stream marker. Readers consume it front to back and never seek.
    case stream

    /// `file` or `stream`.
    public var description: String { rawValue }
}

/// How the `unit` column is typed in the Arrow schema.
public enum ArrowUnitEncoding: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `dictionary<values=utf8, indices=uint8>`: the unit's name, such as `celsius`.
    ///
    /// The dictionary has 256 entries, one per possible code, in code order:
    /// entry *i* is `SensorUnit(rawValue: i).name`. Code 0 is `unknown`, codes
    /// this version does not know are `code-12` … `code-255`. Each index is
    /// therefore the record's stored code, copied unchanged, so nothing is
    /// lost and readers still show names (`WHERE unit = 'celsius'` works in
    /// DuckDB, and the column loads as a categorical in Polars and pandas).
    case dictionary

    /// `uint8`: the stored code itself, for readers that do not handle dictionaries.
    case code

    /// `dictionary` or `code`.
    public var description: String { rawValue }
}

/// Settings for an ``ArrowWriter``.
public struct ArrowWriterOptions: Hashable, Sendable {
    /// Rows per record batch; the last batch may be shorter. The default is 65,536.
    ///
    /// The writer holds exactly one batch of columns in memory: 21 bytes per
    /// row (about 1.3 MiB at the default), plus 64-byte padding per column.
    /// Larger batches mean fewer, larger reads for engines that parallelise
    /// per batch; smaller ones keep the transposition within the CPU caches.
    /// It must lie in `1...ArrowWriterOptions.maximumBatchSize`.
    public var batchSize: Int

    /// How the `unit` column is typed. The default is ``ArrowUnitEncoding/dictionary``.
    public var unitEncoding: ArrowUnitEncoding

    /// The largest accepted ``batchSize``: 16,777,216 rows (352 MiB of columns).
    public static let maximumBatchSize = 1 << 24

    /// The default ``batchSize``: 65,536 rows.
    public static let defaultBatchSize = 1 << 16

    /// Creates options.
    ///
    /// - Parameters:
    ///   - batchSize: Rows per record batch; checked when a writer is created.
    ///   - unitEncoding: How the `unit` column is typed.
    public init(batchSize: Int = ArrowWriterOptions.defaultBatchSize, unitEncoding: ArrowUnitEncoding = .dictionary) {
        self.batchSize = batchSize
        self.unitEncoding = unitEncoding
    }
}

/// What an ``ArrowWriter`` wrote.
public struct ArrowExportSummary: Hashable, Sendable, CustomStringConvertible {
    /// The framing written.
    public var format: ArrowIPCFormat
    /// The number of rows (records) written.
    public var rowCount: Int
    /// The number of record batches written.
    public var recordBatchCount: Int
    /// The number of bytes written, framing and footer included.
    public var byteCount: Int

    /// Creates a summary.
    ///
    /// - Parameters:
    ///   - format: The framing written.
    ///   - rowCount: Rows written.
    ///   - recordBatchCount: Record batches written.
    ///   - byteCount: Bytes written.
    public init(format: ArrowIPCFormat, rowCount: Int, recordBatchCount: Int, byteCount: Int) {
        self.format = format
        self.rowCount = rowCount
        self.recordBatchCount = recordBatchCount
        self.byteCount = byteCount
    }

    /// `1000000 rows in 16 record batches, 21004936 bytes (file)`.
    public var description: String {
        "\(rowCount) rows in \(recordBatchCount) record batches, \(byteCount) bytes (\(format))"
    }
}
