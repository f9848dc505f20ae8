public import DenseRecordsCore
import InternalDenseRecordsUtilities

/// Writes sensor records as an Apache Parquet file, the columnar format Spark, Trino,
/// DuckDB, Polars and pyarrow all read.
///
/// | column | physical type | logical type | encoding |
/// |---|---|---|---|
/// | `sensor_id` | `INT32` | `INTEGER(32, unsigned)` (`UINT_32`) | `DELTA_BINARY_PACKED` |
/// | `timestamp` | `INT64` | `TIMESTAMP(isAdjustedToUTC = true, NANOS)` | `DELTA_BINARY_PACKED` |
/// | `value` | `DOUBLE` | — | `BYTE_STREAM_SPLIT` or `PLAIN` (``ParquetValueEncoding``) |
/// | `unit` | `BYTE_ARRAY` | `STRING` (or `INT32` `INTEGER(8, unsigned)`, ``ParquetUnitEncoding``) | `RLE_DICTIONARY` |
///
/// Every column is `REQUIRED`. Each column chunk carries statistics: `null_count` 0,
/// `min_value` and `max_value` in the column's sort order (`docs/parquet.md` gives the details),
/// and `distinct_count` for `unit`; engines use them to skip row groups. The file is
/// format version 2, with data pages of version 1 (every engine reads them) compressed
/// with zstd or stored as they are.
///
/// ```swift
/// let summary = try ParquetWriter.export(arena, toPath: "readings.parquet")
///
/// var writer = try ParquetWriter(path: "readings.parquet", options: .init(rowGroupSize: 100_000))
/// try writer.write(contentsOf: batch)
/// _ = try writer.finish()
/// ```
///
/// ## Spark
///
/// Spark's timestamps are microseconds: it reads `timestamp` only with
/// `spark.sql.legacy.parquet.nanosAsLong` set to `true`, as a `bigint` of nanoseconds,
/// and refuses the file otherwise. It reads `sensor_id` as `bigint`.
///
/// ## Memory
///
/// The writer allocates, once, one row group of columns (21 bytes per row of
/// ``ParquetWriterOptions/rowGroupSize``) and two buffers of one page each; it writes a
/// row group as soon as it is full, so its memory does not grow with the input.
///
/// ## Whole or absent
///
/// The file is written to a temporary file beside the path (`.NAME.tmp-PID-RANDOM`),
/// and only ``finish()`` makes it the file at the path (`fsync`, `rename`, `fsync` of
/// the folder). A writer dropped without `finish()`, or whose `finish()` throws, removes
/// the temporary file, and whatever was at the path stays as it was. A process killed
/// before the rename leaves the earlier file, plus the temporary file.
///
/// ## Empty input
///
/// A writer finished without rows writes a valid file with the schema, zero row groups
/// and `num_rows` 0, which every engine reads as an empty table.
public struct ParquetWriter: ~Copyable {
    private var output: ParquetOutput
    private var encoder: ParquetRowGroupEncoder
    private var rowGroups: [ParquetFormat.RowGroup] = []

    /// The options the writer was created with.
    public var options: ParquetWriterOptions { encoder.options }

    /// Rows accepted so far, including those held in the current, unwritten row group.
    public private(set) var rowCount = 0

    /// The bytes written to the file so far.
    public var byteCount: Int { output.position }

    /// The number of rows held in the current, unwritten row group.
    public var bufferedRowCount: Int { encoder.columns.count }

    /// Writes Parquet to a temporary file beside `path` that ``finish()`` renames over `path`.
    ///
    /// - Parameters:
    ///   - path: The file to write; created with mode 0644 less the umask, replacing any file there on `finish()`.
    ///   - options: Row group size, page size, codec and encodings.
    /// - Throws: ``ParquetWriteError/invalidOption(name:value:allowed:)``,
    ///   ``ParquetWriteError/outOfMemory(requestedBytes:)``,
    ///   or ``ParquetWriteError/cannotOpen(path:errno:)``.
    /// - Complexity: One allocation of a row group of columns and two of a page.
    public init(path: String, options: ParquetWriterOptions = ParquetWriterOptions()) throws(ParquetWriteError) {
        // Check and allocate memory before touching the file system.
        let encoder = try ParquetRowGroupEncoder(options: options)
        let output = try ParquetOutput(path: path)
        self.encoder = encoder
        self.output = output
    }

    // MARK: Writing records

    /// Writes every record of `records`, chunk by chunk.
    ///
    /// Each chunk is checked with ``ChunkedRecords/verifyChunk(_:)`` before it is written,
    /// so a damaged block of a mapped snapshot is refused.
    ///
    /// - Parameter records: A `RecordArena`, `SealedRecords`, mapped snapshot or other chunked collection.
    /// - Throws: ``ParquetWriteError/damagedInput(chunk:reason:)``, or the errors of
    ///   writing a full row group; the writer should then be dropped.
    /// - Complexity: O(*n*).
    public mutating func write(_ records: some ChunkedRecords) throws(ParquetWriteError) {
        try records.forEachVerifiedChunk(damaged: { ParquetWriteError.damagedInput(chunk: $0, reason: "\($1)") }) {
            (chunk) throws(ParquetWriteError) in try self.write(contentsOf: chunk)
        }
    }

    /// Writes packed records, writing each row group that fills.
    ///
    /// - Parameter records: The records; read only during the call.
    /// - Throws: ``ParquetWriteError/writeFailed(destination:errno:bytesWritten:)`` or
    ///   ``ParquetWriteError/compressionFailed(column:reason:)``.
    /// - Complexity: O(*n*) in `records.count`.
    public mutating func write(contentsOf records: UnsafeBufferPointer<sensor_record_t>) throws(ParquetWriteError) {
        var rest = records
        while !rest.isEmpty {
            let taken = encoder.columns.append(rest)
            rowCount += taken
            rest = UnsafeBufferPointer(rebasing: rest[taken...])
            if encoder.columns.isFull { try flushRowGroup() }
        }
    }

    /// Writes the rows held now, as a shorter row group. Does nothing when no rows are held.
    ///
    /// - Throws: ``ParquetWriteError/writeFailed(destination:errno:bytesWritten:)`` or
    ///   ``ParquetWriteError/compressionFailed(column:reason:)``.
    /// - Complexity: O(*r*) in the rows held.
    public mutating func flushRowGroup() throws(ParquetWriteError) {
        guard encoder.columns.count > 0 else { return }
        let group = try encoder.writeRowGroup(rows: 0..<encoder.columns.count, to: &output, ordinal: rowGroups.count)
        rowGroups.append(group)
        encoder.columns.removeAll()
    }

    /// Writes the last row group and the footer, flushes the file and renames it over the path.
    ///
    /// - Returns: What was written.
    /// - Throws: ``ParquetWriteError/writeFailed(destination:errno:bytesWritten:)`` or
    ///   ``ParquetWriteError/closeFailed(destination:errno:)``; the temporary file is then
    ///   removed and the path untouched.
    /// - Complexity: O(*g*) in the number of row groups, for the footer.
    public consuming func finish() throws(ParquetWriteError) -> ParquetWriteSummary {
        try flushRowGroup()
        try output.finish(schema: encoder.schema, rowCount: rowCount, rowGroups: rowGroups)
        return ParquetWriteSummary(rowCount: rowCount, rowGroupCount: rowGroups.count, byteCount: output.position)
    }

    /// Writes `records` to a new Parquet file at `path` in one call, whole or not at all.
    ///
    /// - Parameters:
    ///   - records: The records to export.
    ///   - path: The file to create or replace.
    ///   - options: Row group size, page size, codec and encodings.
    /// - Returns: What was written.
    /// - Throws: ``ParquetWriteError``, naming `path`; `path` then holds what it held before.
    /// - Complexity: O(*n*).
    public static func export(
        _ records: some ChunkedRecords, toPath path: String, options: ParquetWriterOptions = ParquetWriterOptions()
    ) throws(ParquetWriteError) -> ParquetWriteSummary {
        var writer = try ParquetWriter(path: path, options: options)
        try writer.write(records)
        return try writer.finish()
    }
}
