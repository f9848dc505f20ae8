import DenseRecords

/// `compressed-records`: ``CompressedRecords`` built from the packed records.
///
/// Ingest is `CompressedRecords(compressing:)` over the packed source buffer, so it
/// times compression alone, not a copy into an arena first. The
/// scan is `sumOfValues()`, which adds each block's value integers on the encoded
/// column without decoding values one by one; random reads go through
/// `compressed[i]`, which decodes at most 64 deltas of one block per read.
final class CompressedRecordsStructure: MeasuredStructure {
    private var store: CompressedRecords?

    func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws {
        store = try CompressedRecords(compressing: source)
    }

    /// The store's documented scan, `sumOfValues()`: each block's value
    /// integers added on the encoded column, the total divided by its power of ten once.
    func sumOfValues() -> Double { store?.sumOfValues() ?? 0 }

    func sumOfValues(at indices: [Int]) -> Double {
        guard let store else { return 0 }
        var sum = 0.0
        for index in indices { sum += store[index].value }
        return sum
    }

    func contentChecksum() -> ContentChecksum? {
        guard let store else { return nil }
        var checksum = ContentChecksum()
        for block in 0..<store.blockCount {
            store.withBlock(block, columns: .all) { (records) throws(Never) in
                switch records {
                case .rows(let rows):
                    checksum.include(rows)
                case .columns(let columns):
                    guard let sensors = columns.sensorIDs, let times = columns.timestamps, let values = columns.values,
                        let units = columns.unitCodes
                    else { return }
                    for index in 0..<columns.count {
                        checksum.include(
                            sensorID: sensors[index], timestamp: times[index], valueBits: values[index].bitPattern,
                            unit: units[index])
                    }
                }
            }
        }
        return checksum
    }

    var columnBytes: (split: [String: Int], source: String)? {
        guard let statistics = store?.storageStatistics else { return nil }
        let columns = statistics.sensorIDBytes + statistics.timestampBytes + statistics.valueBytes + statistics.unitBytes
        return ([
            "sensorID": statistics.sensorIDBytes, "timestamp": statistics.timestampBytes, "value": statistics.valueBytes,
            "unit": statistics.unitBytes, "other": statistics.totalBytes - columns,
        ], "CompressedRecords.storageStatistics (other: block headers, index, object and allocator slack)")
    }

    var columnEncodings: [String: [String: Int]]? {
        guard let statistics = store?.storageStatistics else { return nil }
        func names(_ counts: [ColumnEncoding: Int]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        }
        return [
            "sensorID": names(statistics.sensorIDEncodings), "timestamp": names(statistics.timestampEncodings),
            "value": names(statistics.valueEncodings), "unit": names(statistics.unitEncodings),
        ]
    }

    func release() { store = nil }
}
