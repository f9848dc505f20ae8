import DenseRecords

/// One filled data structure under measurement, owned by a child process.
///
/// ``CaseRunner`` holds the structure in one local variable of its concrete
/// type, so it stays alive, unchanged, between the measurements, and is
/// released only by ``release()``. A class implementation's loops work on local
/// copies of its stored containers: a class's stored `var` would pay a dynamic
/// exclusivity check on every access.
protocol MeasuredStructure {
    /// Fills the structure from `source`, in order.
    ///
    /// - Parameter source: The packed records; valid only during the call.
    /// - Throws: What the structure throws when memory is refused.
    mutating func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws

    /// The sum of every record's `value`, through the structure's own documented scan path.
    func sumOfValues() -> Double

    /// The sum of the `value` of the record at each index, read one index at a time.
    ///
    /// - Parameter indices: Valid indices into the structure.
    func sumOfValues(at indices: [Int]) -> Double

    /// The sum of every record's `value` through `Collection` iteration, when
    /// that differs from ``sumOfValues()``; otherwise `nil`.
    func sumOfValuesByIteration() -> Double?

    /// Per-arena allocator figures, for structures that have them.
    var arenaStatistics: ArenaStatistics? { get }

    /// The order-independent checksum of every record (``ContentChecksum``), read back
    /// through the structure; `nil` where the structure does not compute one.
    func contentChecksum() -> ContentChecksum?

    /// Bytes per column as the structure itself reports them (keys as in
    /// ``CaseMeasurement/columnBytes``), and where the figures come from.
    var columnBytes: (split: [String: Int], source: String)? { get }

    /// For each column (keys as in ``columnBytes``), how many blocks use each encoding, for stores that choose per block.
    var columnEncodings: [String: [String: Int]]? { get }

    /// Frees the structure's records.
    mutating func release()
}

extension MeasuredStructure {
    func sumOfValuesByIteration() -> Double? { nil }
    var arenaStatistics: ArenaStatistics? { nil }
    func contentChecksum() -> ContentChecksum? { nil }
    var columnBytes: (split: [String: Int], source: String)? { nil }
    var columnEncodings: [String: [String: Int]]? { nil }
}

/// A record whose value the measurements sum.
protocol ValuedRecord {
    /// The record's value: what the scans and the random reads sum.
    var value: Double { get }
}

extension SensorRecord: ValuedRecord {}

/// The scan and random-read loops of every structure, written once.
///
/// Called on a concrete collection, as every structure does, each is
/// specialised for it: the loop is the one a user would write by hand.
extension RandomAccessCollection where Element: ValuedRecord, Index == Int {
    /// The sum of every record's value, through `Collection` iteration, in order.
    ///
    /// - Complexity: O(*n*), where *n* is the number of records.
    func sumOfValuesByIteration() -> Double {
        var sum = 0.0
        for record in self { sum += record.value }
        return sum
    }

    /// The sum of the value of the record at each of `indices`, read one index at a time.
    ///
    /// - Parameter indices: Valid indices into the collection.
    /// - Complexity: O(*k*), where *k* is the number of indices.
    func sumOfValues(at indices: [Int]) -> Double {
        var sum = 0.0
        for index in indices { sum += self[index].value }
        return sum
    }
}

extension CaseRunner {
    /// Measures `representation` on its own concrete structure type.
    ///
    /// Each case names the structure's type, so the measurement and the
    /// structure's loops are specialised for it; through an existential, the
    /// generic ``ArrayStructure`` would run unspecialised code.
    ///
    /// - Parameters:
    ///   - representation: The representation to measure.
    ///   - records: Records to store; at least 1.
    ///   - randomReads: Random reads to time.
    ///   - dataset: The dataset the records come from.
    ///   - datasetFile: The dataset's file of packed records; `nil` for ``Dataset/report``, built in the child.
    /// - Returns: The measurement.
    /// - Throws: ``CaseError/notMeasuredHere(_:)`` for the Python rows, or what the measurement throws.
    static func run(
        _ representation: Representation, records: Int, randomReads: Int, dataset: Dataset = .report, datasetFile: String? = nil
    ) throws -> CaseMeasurement {
        func measure(_ structure: some MeasuredStructure) throws -> CaseMeasurement {
            try run(structure, as: representation, records: records, randomReads: randomReads, dataset: dataset, datasetFile: datasetFile)
        }
        switch representation {
        case .recordArena: return try measure(RecordArenaStructure(bulk: false))
        case .recordArenaBulk: return try measure(RecordArenaStructure(bulk: true))
        case .recordArenaBulkHugePages: return try measure(RecordArenaStructure(bulk: true, hugePages: true))
        case .arrayPacked: return try measure(ArrayStructure<sensor_record_t>())
        case .arrayPackedBulk: return try measure(ArrayStructure<sensor_record_t>(bulk: true))
        case .arrayStruct: return try measure(ArrayStructure<NaturalOrderRecord>())
        case .arrayStructReordered: return try measure(ArrayStructure<ReorderedRecord>())
        case .arrayClass: return try measure(ArrayStructure<SensorRecordClass>())
        case .arrayClassStringUnit: return try measure(ArrayStructure<SensorRecordStringUnitClass>())
        case .arrayDictionary: return try measure(ArrayStructure<[String: Any]>())
        case .compressedRecords: return try measure(CompressedRecordsStructure())
        case .pythonDict, .pythonClass, .pythonSlots, .numpyStructured, .pandasTyped, .polarsDataFrame, .pyarrowTable,
            .parquetZstd, .arrowIPCZstd:
            throw CaseError.notMeasuredHere(representation.rawValue)
        }
    }
}
