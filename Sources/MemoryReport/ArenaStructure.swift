import DenseRecords

/// `record-arena`, `record-arena-bulk` and `record-arena-bulk-hugepages`: a ``RecordArena``.
final class RecordArenaStructure: MeasuredStructure {
    private let arena: RecordArena
    private let bulk: Bool

    /// - Parameters:
    ///   - bulk: Ingest with one `append(contentsOf:)` instead of one `append(raw:)` per record.
    ///   - hugePages: Create the arena with `hugePages: true`.
    init(bulk: Bool, hugePages: Bool = false) {
        self.bulk = bulk
        self.arena = RecordArena(hugePages: hugePages)
    }

    func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws {
        if bulk {
            try arena.append(contentsOf: source)
        } else {
            for record in source { try arena.append(raw: record) }
        }
    }

    /// The arena's chunk scan, `sumOfValues()`: its documented scan path.
    func sumOfValues() -> Double { arena.sumOfValues() }

    func sumOfValuesByIteration() -> Double? { arena.sumOfValuesByIteration() }

    func sumOfValues(at indices: [Int]) -> Double { arena.sumOfValues(at: indices) }

    var arenaStatistics: ArenaStatistics? { arena.statistics }

    func contentChecksum() -> ContentChecksum? {
        var checksum = ContentChecksum()
        arena.forEachChunk { (chunk) throws(Never) in checksum.include(chunk) }
        return checksum
    }

    /// `removeAll()`: one `dallocx` per chunk plus one `purge` of the jemalloc arena.
    func release() { arena.removeAll() }
}
