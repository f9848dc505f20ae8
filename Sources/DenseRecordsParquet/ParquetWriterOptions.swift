/// How a ``ParquetWriter`` compresses column chunks.
public enum ParquetCompression: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `UNCOMPRESSED`: pages are stored as encoded.
    case none
    /// `ZSTD`: each page is one Zstandard frame, compressed by the system's libzstd.
    case zstd

    /// `none` or `zstd`.
    public var description: String { rawValue }
}

/// How the `value` column (`DOUBLE`) is encoded.
public enum ParquetValueEncoding: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `PLAIN`: each value's 8 little-endian bytes.
    case plain
    /// `BYTE_STREAM_SPLIT`: the 8 bytes of every value split into 8 streams, which a
    /// compressor then finds more alike (sign and exponent bytes repeat).
    case byteStreamSplit = "byte-stream-split"

    /// `plain` or `byte-stream-split`.
    public var description: String { rawValue }
}

/// How the `unit` column is typed in the Parquet schema.
public enum ParquetUnitEncoding: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// A `BYTE_ARRAY` string (`STRING` logical type), the unit's ``SensorUnit/name``
    /// (`celsius`, …; `code-200` for a code this version does not know), dictionary-encoded.
    case dictionary
    /// The stored code itself as `INT32` with the logical type `INTEGER(8, unsigned)`, dictionary-encoded.
    case code

    /// `dictionary` or `code`.
    public var description: String { rawValue }
}

/// Settings for a ``ParquetWriter``.
///
/// The defaults write what `dense-records export --format parquet` writes: row groups of
/// 1,048,576 rows, pages of 131,072 rows, zstd level 3, `value` as
/// `PLAIN` (chosen by measurement: smaller than `BYTE_STREAM_SPLIT` under zstd on both the TMY3
/// weather data and the synthetic data, see `scripts/parquet_bench.py`), and units as dictionary-encoded names.
public struct ParquetWriterOptions: Hashable, Sendable {
    /// Rows per row group; the last may be shorter. The default is 1,048,576.
    ///
    /// The writer holds one row group of columns in memory (21 bytes per row, 22 MiB at
    /// the default) plus one encoded page. Engines skip and parallelise by row group;
    /// it must lie in `1...ParquetWriterOptions.maximumRowGroupSize`.
    public var rowGroupSize: Int

    /// Rows per data page; the last page of a column chunk may be shorter. The default is 131,072.
    ///
    /// It must lie in `1...ParquetWriterOptions.maximumRowGroupSize`.
    public var pageRowCount: Int

    /// The codec. The default is ``ParquetCompression/zstd``.
    public var compression: ParquetCompression

    /// The zstd level, in `1...19` (used only with ``ParquetCompression/zstd``). The default is 3.
    public var compressionLevel: Int

    /// How `value` is encoded. The default is ``ParquetValueEncoding/plain``,
    /// chosen by measurement (see `scripts/parquet_bench.py`).
    public var valueEncoding: ParquetValueEncoding

    /// How `unit` is typed. The default is ``ParquetUnitEncoding/dictionary``.
    public var unitEncoding: ParquetUnitEncoding

    /// The largest accepted ``rowGroupSize`` and ``pageRowCount``: 16,777,216 rows (352 MiB of columns).
    public static let maximumRowGroupSize = 1 << 24

    /// The default ``rowGroupSize``: 1,048,576 rows.
    public static let defaultRowGroupSize = 1 << 20

    /// The default ``pageRowCount``: 131,072 rows (1 MiB of `value` before encoding).
    public static let defaultPageRowCount = 1 << 17

    /// The accepted ``compressionLevel``s.
    public static let compressionLevels = 1...19

    /// Creates options.
    ///
    /// - Parameters:
    ///   - rowGroupSize: Rows per row group; checked when a writer is created.
    ///   - pageRowCount: Rows per data page; checked when a writer is created.
    ///   - compression: The codec.
    ///   - compressionLevel: The zstd level.
    ///   - valueEncoding: How `value` is encoded.
    ///   - unitEncoding: How `unit` is typed.
    public init(
        rowGroupSize: Int = ParquetWriterOptions.defaultRowGroupSize,
        pageRowCount: Int = ParquetWriterOptions.defaultPageRowCount,
        compression: ParquetCompression = .zstd,
        compressionLevel: Int = 3,
        valueEncoding: ParquetValueEncoding = .plain,
        unitEncoding: ParquetUnitEncoding = .dictionary
    ) {
        self.rowGroupSize = rowGroupSize
        self.pageRowCount = pageRowCount
        self.compression = compression
        self.compressionLevel = compressionLevel
        self.valueEncoding = valueEncoding
        self.unitEncoding = unitEncoding
    }

    /// Checks every setting against its range.
    ///
    /// - Throws: ``ParquetWriteError/invalidOption(name:value:allowed:)`` naming the first setting out of range.
    public func validate() throws(ParquetWriteError) {
        let rows = 1...Self.maximumRowGroupSize
        guard rows.contains(rowGroupSize) else { throw .invalidOption(name: "rowGroupSize", value: rowGroupSize, allowed: rows) }
        guard rows.contains(pageRowCount) else { throw .invalidOption(name: "pageRowCount", value: pageRowCount, allowed: rows) }
        guard Self.compressionLevels.contains(compressionLevel) else {
            throw .invalidOption(name: "compressionLevel", value: compressionLevel, allowed: Self.compressionLevels)
        }
    }
}

/// What a ``ParquetWriter`` (or a ``ParquetDatasetWriter``) wrote.
public struct ParquetWriteSummary: Hashable, Sendable, CustomStringConvertible {
    /// The number of rows (records) written.
    public var rowCount: Int
    /// The number of row groups written, over every file.
    public var rowGroupCount: Int
    /// The number of files written (1 for a single file; one or more per partition for a dataset).
    public var fileCount: Int
    /// The number of bytes written, footers included.
    public var byteCount: Int

    /// Creates a summary.
    ///
    /// - Parameters:
    ///   - rowCount: Rows written.
    ///   - rowGroupCount: Row groups written.
    ///   - fileCount: Files written.
    ///   - byteCount: Bytes written.
    public init(rowCount: Int, rowGroupCount: Int, fileCount: Int = 1, byteCount: Int) {
        self.rowCount = rowCount
        self.rowGroupCount = rowGroupCount
        self.fileCount = fileCount
        self.byteCount = byteCount
    }

    /// `1000000 rows in 1 row groups, 1 files, 5012345 bytes`.
    public var description: String {
        "\(rowCount) rows in \(rowGroupCount) row groups, \(fileCount) files, \(byteCount) bytes"
    }
}
