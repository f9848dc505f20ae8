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

    /// Whether the case runs in the Python script rather than in this executable.
    var isPython: Bool {
        switch self {
        case .pythonDict, .pythonClass, .pythonSlots: true
        default: false
        }
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
        }
    }
}
