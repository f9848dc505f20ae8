import DenseRecordsArena
import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsQuery
import DenseRecordsSnapshot
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Testing

/// The same random stores and queries as `QueryModelTests`, asked of every
/// real record store: a filling arena, a live view of it, a sealed arena, the
/// sensor-then-time sorted form, merged parts, mapped snapshots in format
/// versions 1 and 2 (with appended generations), and compressed blocks.
@Suite("Query engine on every record store against the reference")
struct QueryStoreModelTests {
    /// One store under test, its name, and its records in store order.
    struct Case {
        var name: String
        var records: [SensorRecord]
        var run: (RecordQuery) throws -> QueryResult
    }

    static func arena(_ records: [SensorRecord]) throws -> RecordArena {
        let arena = RecordArena()
        try arena.append(contentsOf: records)
        return arena
    }

    /// Every store kind, holding `records`; the snapshots live in `folder`.
    ///
    /// `blockSizes` bounds the records per block of the snapshots and the compressed
    /// store: small blocks exercise block boundaries; large stores keep them large,
    /// or a store would be hundreds of thousands of blocks.
    static func cases(
        _ records: [SensorRecord], folder: ScratchFolder, round: Int, blockSizes: ClosedRange<Int> = 1...64,
        using generator: inout SeededRandomNumberGenerator
    ) throws -> [Case] {
        var cases: [Case] = []
        let filling = try arena(records)
        cases.append(Case(name: "arena", records: records) { try filling.query($0) })
        let view = filling.view()
        cases.append(Case(name: "live view", records: records) { try view.query($0) })
        let sealed = try arena(records).seal()
        cases.append(Case(name: "sealed", records: records) { try sealed.query($0) })
        let sorted = try arena(records).seal(sortedBy: .sensorThenTime)
        let sortedRecords = ArrayBlockStore.sortedBySensorThenTime(records)
        cases.append(Case(name: "sorted", records: sortedRecords) { try sorted.query($0) })

        // Merged: up to four parts, some possibly empty.
        var cuts = (0..<Int.random(in: 0...3, using: &generator)).map { _ in Int.random(in: 0...records.count, using: &generator) }
        cuts = [0] + cuts.sorted() + [records.count]
        let parts = try zip(cuts, cuts.dropFirst()).map { try arena(Array(records[$0..<$1])).seal() }
        let merged = MergedRecords(parts)
        cases.append(Case(name: "merged \(parts.count) parts", records: records) { try merged.query($0) })

        // Snapshots: a first generation, then an appended one.
        for version: UInt16 in [1, 2] {
            let path = folder.file("round\(round)-v\(version).drsnap")
            let split = Int.random(in: 0...records.count, using: &generator)
            let perBlock = Int.random(in: blockSizes, using: &generator)
            try arena(Array(records[..<split]))
                .writeSnapshot(to: path, options: SnapshotWriteOptions(formatVersion: version, recordsPerBlock: perBlock))
            if split < records.count {
                try arena(Array(records[split...])).appendSnapshot(to: path)
            }
            let mapped = try MappedSnapshot(contentsOf: path)
            cases.append(Case(name: "snapshot v\(version) \(perBlock)/block", records: records) { try mapped.query($0) })
        }

        let perBlock = Int.random(in: blockSizes, using: &generator)
        let compressed = try CompressedRecords(compressing: records, options: ColumnarOptions(recordsPerBlock: perBlock))
        // The compressed store holds its records by sensor, then time (stably).
        cases.append(Case(name: "compressed \(perBlock)/block", records: sortedRecords) { try compressed.query($0) })

        // A compressed snapshot: the same blocks, mapped and queried in place.
        let compressedPath = folder.file("round\(round)-columnar.drsnap")
        var columnar = SnapshotWriteOptions()
        columnar.compression = .columnar(ColumnarOptions(recordsPerBlock: perBlock))
        try arena(records).writeSnapshot(to: compressedPath, options: columnar)
        let mappedCompressed = try MappedSnapshot(contentsOf: compressedPath)
        cases.append(Case(name: "compressed snapshot \(perBlock)/block", records: sortedRecords) { try mappedCompressed.query($0) })
        return cases
    }

    @Test func everyStoreMatchesTheReference() throws {
        let folder = try ScratchFolder()
        var generator = SeededRandomNumberGenerator(seed: 0x53)
        for round in 0..<40 {
            // Empty and one-record stores come up every few rounds.
            let size = switch round % 8 {
            case 0: 0
            case 1: 1
            default: Int.random(in: 2..<400, using: &generator)
            }
            let records = RandomStores.records(size, using: &generator)
            let cases = try Self.cases(records, folder: folder, round: round, using: &generator)
            for _ in 0..<6 {
                let query = RandomStores.query(using: &generator)
                for store in cases {
                    let result = try store.run(query)
                    expectMatchesReference(result, store.records, query, "round \(round) \(store.name) \(query)")
                    if records.isEmpty { #expect(result.isEmpty, "\(store.name): an empty store gives no groups") }
                }
            }
        }
    }

    /// Stores of more than one chunk: zone maps per chunk, the last chunk's growing
    /// map, and the sorted form's index across chunks.
    @Test(.enabled(if: !sanitizerActive, "skipped under sanitizers: a quarter-million records through every store takes many minutes there; the debug and release runs cover it"))
    func multiChunkStoresMatchTheReference() throws {
        let folder = try ScratchFolder()
        var generator = SeededRandomNumberGenerator(seed: 0x56)
        let records = RandomStores.records(RecordArena.recordsPerChunk + 1_234, using: &generator)
        let cases = try Self.cases(records, folder: folder, round: 0, blockSizes: 2_048...8_192, using: &generator)
        for _ in 0..<2 {
            let query = RandomStores.query(using: &generator)
            for store in cases {
                expectMatchesReference(try store.run(query), store.records, query, "multi-chunk \(store.name) \(query)")
            }
        }
    }

    @Test func nanValuesAreSkippedAndCountedInEveryStore() throws {
        let folder = try ScratchFolder()
        var generator = SeededRandomNumberGenerator(seed: 0x54)
        let records = [1.0, .nan, 3, .nan, .nan, 5].enumerated().map {
            SensorRecord(sensorID: UInt32($0.offset % 2), timestampNanoseconds: Int64($0.offset), value: $0.element, unit: .volt)
        }
        for store in try Self.cases(records, folder: folder, round: 0, using: &generator) {
            let result = try store.run(RecordQuery(grouping: .sensor, aggregates: [.count, .sum, .mean, .min, .max, .quantile(0.5)]))
            #expect(result.skippedNaNCount == 3, "\(store.name)")
            let even = result.group(sensorID: 0)
            #expect(even?.count == 2 && even?.skippedNaNCount == 1 && even?.mean == 2, "\(store.name)")
            let odd = result.group(sensorID: 1)
            #expect(odd?.count == 1 && odd?.skippedNaNCount == 2 && odd?.sum == 5 && odd?.quantile(0.5) == 5, "\(store.name)")
        }
    }

    @Test func emptyStoresAndEmptyRangesGiveNoGroups() throws {
        let folder = try ScratchFolder()
        var generator = SeededRandomNumberGenerator(seed: 0x55)
        let groupings: [QueryGrouping] = [.none, .sensor, .timeBucket(.seconds(60)), .sensorAndTimeBucket(.seconds(60))]
        for store in try Self.cases([], folder: folder, round: 0, using: &generator) {
            for grouping in groupings {
                let result = try store.run(RecordQuery(grouping: grouping, aggregates: RandomStores.allAggregates))
                #expect(result.isEmpty && result.skippedNaNCount == 0, "\(store.name) \(grouping)")
            }
        }
        let records = (0..<50).map {
            SensorRecord(sensorID: UInt32($0 % 5), timestampNanoseconds: Int64($0) * 1_000, value: 1, unit: .volt)
        }
        for store in try Self.cases(records, folder: folder, round: 1, using: &generator) {
            for grouping in groupings {
                for filter in [
                    RecordFilter(fromTimestamp: 10_000, toTimestamp: 10_000),
                    RecordFilter(fromTimestamp: 1_000_000),
                    RecordFilter(sensorIDs: [99]),
                    RecordFilter(valueRange: 2...3),
                ] {
                    let result = try store.run(RecordQuery(filter: filter, grouping: grouping, aggregates: [.count, .mean]))
                    #expect(result.isEmpty, "\(store.name) \(grouping) \(filter)")
                }
            }
        }
    }
}
