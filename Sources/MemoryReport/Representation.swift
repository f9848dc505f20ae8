/// The layouts the report compares, with the ids used in every output.
enum Representation: String, CaseIterable, Codable, Sendable {
    case recordArena = "record-arena"
    case recordArenaBulk = "record-arena-bulk"
    case recordArenaBulkHugePages = "record-arena-bulk-hugepages"
    case arrayPacked = "array-packed"
    case arrayPackedBulk = "array-packed-bulk"
    case arrayStruct = "array-struct"
    case arrayStructReordered = "array-struct-reordered"
    case arrayClass = "array-class"
    case arrayClassStringUnit = "array-class-string-unit"
    case arrayDictionary = "array-dictionary"
    case pythonDict = "python-dict"
    case pythonClass = "python-class"
    case pythonSlots = "python-slots"
    case compressedRecords = "compressed-records"
    case numpyStructured = "numpy-structured"
    case pandasTyped = "pandas-typed"
    case polarsDataFrame = "polars-dataframe"
    case pyarrowTable = "pyarrow-table"
    case parquetZstd = "parquet-zstd"
    case arrowIPCZstd = "arrow-ipc-zstd"

    /// Whether the case runs in the Python script rather than in this executable.
    var isPython: Bool {
        switch self {
        case .pythonDict, .pythonClass, .pythonSlots, .numpyStructured, .pandasTyped, .polarsDataFrame, .pyarrowTable,
            .parquetZstd, .arrowIPCZstd:
            true
        default: false
        }
    }

    /// Whether the representation keeps the records in memory or in a file.
    var kind: StorageKind { self == .parquetZstd || self == .arrowIPCZstd ? .onDisk : .inMemory }

    /// The representations measured on a dataset file (``Dataset/generator`` and ``Dataset/tmy3Long``):
    /// the packed arena as the baseline, the compressed store, and what a Python user would pick today.
    static let datasetRows: [Representation] = [
        .recordArenaBulk, .compressedRecords, .numpyStructured, .pandasTyped, .polarsDataFrame, .pyarrowTable,
        .parquetZstd, .arrowIPCZstd,
    ]

    /// The representations measured on ``Dataset/report``, the report's own deterministic records.
    static let reportRows: [Representation] = allCases.filter { !datasetRows.contains($0) || $0 == .recordArenaBulk }

    /// Whether the representation runs on ``dataset``.
    func runs(on dataset: Dataset) -> Bool {
        dataset == .report ? Self.reportRows.contains(self) : Self.datasetRows.contains(self)
    }

    /// Whether ingest copies a prebuilt packed buffer in one call instead of appending record by record.
    var isBulk: Bool { self == .recordArenaBulk || self == .recordArenaBulkHugePages || self == .arrayPackedBulk }

    /// What the representation is, for the report's tables.
    var summary: String {
        switch self {
        case .recordArena: "`RecordArena`, one `append(raw:)` per record"
        case .recordArenaBulk: "`RecordArena`, one `append(contentsOf:)` of a prebuilt packed buffer"
        case .recordArenaBulkHugePages: "the same, with `RecordArena(hugePages: true)` (`MADV_HUGEPAGE` on each full chunk)"
        case .arrayPacked: "`[sensor_record_t]` (packed C struct, stride 21), one `append` per record"
        case .arrayPackedBulk: "`[sensor_record_t]`, one `append(contentsOf:)` of a prebuilt packed buffer"
        case .arrayStruct: "Swift struct, fields in natural order (UInt32, Int64, Double, UInt8), stride 32"
        case .arrayStructReordered: "the same struct, widest field first (Int64, Double, UInt32, UInt8), stride 24"
        case .arrayClass: "`[SensorRecordClass]`, a final class with four stored properties (unit as a 1-byte struct)"
        case .arrayClassStringUnit: "the same final class with the unit as a `String`"
        case .arrayDictionary: "`[[String: Any]]` with four keys (unit as a `String`)"
        case .pythonDict: "Python `list` of `dict` with four keys"
        case .pythonClass: "Python `list` of instances of a plain class"
        case .pythonSlots: "Python `list` of instances of a class with `__slots__`"
        case .compressedRecords: "`CompressedRecords(compressing:)` over the packed records: sealed, compressed columnar blocks"
        case .numpyStructured: "numpy structured array with the packed dtype (itemsize 21)"
        case .pandasTyped: "pandas `DataFrame`, typed columns: uint32, datetime64[ns], float64, uint8"
        case .polarsDataFrame: "Polars `DataFrame`: UInt32, Datetime(ns), Float64, UInt8"
        case .pyarrowTable: "pyarrow `Table`: uint32, timestamp[ns], float64, uint8"
        case .parquetZstd:
            "Parquet file (pyarrow): zstd, DELTA_BINARY_PACKED sensor_id and timestamp, dictionary unit and value, "
                + "sorted by sensor then time"
        case .arrowIPCZstd: "Arrow IPC file with zstd buffer compression, sorted by sensor then time"
        }
    }
}

/// Where a representation keeps the records.
enum StorageKind: String, Codable, Sendable {
    /// In the process's memory: bytes per record are allocated bytes.
    case inMemory = "in-memory"
    /// In a file: bytes per record are the file's size.
    case onDisk = "on-disk"
}
