import DenseRecords

/// One filled data structure under measurement, owned by a child process.
///
/// Implementations keep their storage in a class so that the structure stays
/// alive, unchanged, between the measurements, and is released only by
/// ``release()``. Loops work on local copies of the stored containers: a
/// class's stored `var` would pay a dynamic exclusivity check on every access.
protocol MeasuredStructure: AnyObject {
    /// Fills the structure from `source`, in order.
    ///
    /// - Parameter source: The packed records; valid only during the call.
    /// - Throws: What the structure throws when memory is refused.
    func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws

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

    /// Frees the structure's records.
    func release()
}

extension MeasuredStructure {
    func sumOfValuesByIteration() -> Double? { nil }
    var arenaStatistics: ArenaStatistics? { nil }
}

extension Representation {
    /// A fresh, empty structure for this representation, or `nil` for the Python rows.
    func makeStructure() -> (any MeasuredStructure)? {
        switch self {
        case .recordArena: RecordArenaStructure(bulk: false)
        case .recordArenaBulk: RecordArenaStructure(bulk: true)
        case .recordArenaBulkHugePages: RecordArenaStructure(bulk: true, hugePages: true)
        case .arrayPacked: PackedArrayStructure(bulk: false)
        case .arrayPackedBulk: PackedArrayStructure(bulk: true)
        case .arrayStruct: NaturalOrderArrayStructure()
        case .arrayStructReordered: ReorderedArrayStructure()
        case .arrayClass: ClassArrayStructure()
        case .arrayClassStringUnit: StringUnitClassArrayStructure()
        case .arrayDictionary: DictionaryArrayStructure()
        case .pythonDict, .pythonClass, .pythonSlots: nil
        }
    }
}
