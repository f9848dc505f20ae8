import DenseRecordsArena
import DenseRecordsCore
import DenseRecordsQuery
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Testing

/// A query allocates per query, per block and per group, never per record:
/// the same query over about seventy times the records, in the same groups,
/// allocates less than a byte per four extra records (jemalloc's per-thread
/// counter; the query runs on the calling thread).
@Suite("Query allocations do not grow with the records read")
struct QueryAllocationTests {
    /// `count` readings of 50 sensors spread over the same ten hours, whatever `count`.
    static func records(_ count: Int) -> [SensorRecord] {
        let start: Int64 = 1_700_000_000_000_000_000
        let span: Int64 = 36_000_000_000_000
        let step = span / Int64(count)
        return (0..<count).map { (index: Int) -> SensorRecord in
            let value: Double = index % 97 == 0 ? .nan : Double(index % 1_000) / 8 - 40
            return SensorRecord(
                sensorID: UInt32(index % 50), timestampNanoseconds: start + step * Int64(index), value: value, unit: .celsius)
        }
    }

    static let queries: [(String, RecordQuery)] = [
        ("full sum", RecordQuery(aggregates: [.count, .sum])),
        ("per sensor", RecordQuery(grouping: .sensor, aggregates: [.count, .mean, .min, .max])),
        ("per sensor, first and last", RecordQuery(grouping: .sensor, aggregates: [.first, .last])),
        ("hourly sketches", RecordQuery(grouping: .timeBucket(.seconds(3_600)), aggregates: [.mean, .quantile(0.5), .quantile(0.99)])),
        ("sensor and hour", RecordQuery(grouping: .sensorAndTimeBucket(.seconds(3_600)), aggregates: [.count, .max])),
        ("filtered", RecordQuery(
            filter: RecordFilter(sensorIDs: [3, 7], fromTimestamp: 1_700_010_000_000_000_000, valueRange: -10...50),
            grouping: .sensor, aggregates: [.count, .sum, .quantile(0.9)])),
    ]

    /// The bytes `query` allocates on this thread over `store` (after one warm-up run).
    func allocatedBytes<Store: RecordBlockStore>(_ store: Store, _ query: RecordQuery) throws -> UInt64? {
        _ = try store.query(query)
        guard let before = AllocatorStatistics.threadAllocatedBytes() else { return nil }
        let result = try store.query(query)
        guard let after = AllocatorStatistics.threadAllocatedBytes() else { return nil }
        #expect(!result.isEmpty)
        return after - before
    }

    @Test func seventyTimesTheRecordsAllocateAboutTheSame() throws {
        let folder = try ScratchFolder()
        var small: [String: UInt64] = [:], large: [String: UInt64] = [:]
        for (size, count) in [("small", 30_000), ("large", 2_000_000)] {
            let records = Self.records(count)
            let arena = RecordArena()
            try arena.append(contentsOf: records)
            let path = folder.file("\(size).drsnap")
            try arena.writeSnapshot(to: path)
            let snapshot = try MappedSnapshot(contentsOf: path)
            for (name, query) in Self.queries {
                for (store, bytes) in [("arena", try allocatedBytes(arena, query)), ("snapshot", try allocatedBytes(snapshot, query))] {
                    let bytes = try #require(bytes, "jemalloc's thread.allocated is unavailable")
                    if size == "small" { small["\(store) \(name)"] = bytes } else { large["\(store) \(name)"] = bytes }
                }
            }
        }
        for (key, smallBytes) in small.sorted(by: { $0.key < $1.key }) {
            let largeBytes = try #require(large[key])
            // 1,970,000 more records: one byte each would be 1.97 MB. What may grow
            // is per block (under a kilobyte for each of about 20 more blocks)
            // and the order in which a group's sketch meets its buckets.
            #expect(largeBytes < smallBytes + 1_970_000 / 4, "\(key): \(smallBytes) B for 30,000 records, \(largeBytes) B for 2,000,000")
        }
    }
}
