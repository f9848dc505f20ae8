import DenseRecords

/// The deterministic records every representation is filled with, and the
/// deterministic index sequence every random-read measurement uses.
///
/// `scripts/python_memory_cases.py` computes exactly the same values with the
/// same arithmetic, so the scan and random-read checksums of every
/// representation, Swift or Python, agree for a given record count.
enum RecordSource {
    /// Sensor identifiers cycle over this many sensors.
    static let sensorCount = 1_000
    /// The first record's timestamp: 2023-11-14T22:13:20Z, in nanoseconds.
    static let firstTimestamp: Int64 = 1_700_000_000_000_000_000
    /// One record per millisecond.
    static let timestampStep: Int64 = 1_000_000
    /// Unit codes cycle over 1...8 (celsius through count).
    static let unitCodeCount = 8
    /// Seed of the random-index generator.
    static let indexSeed: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The unit names a string-typed representation stores, indexed by unit code.
    ///
    /// Every name is at most 15 UTF-8 bytes, so Swift keeps it inline in the
    /// `String` value without a heap allocation.
    static let unitNames: [String] = ["unknown", "celsius", "percent", "pascal", "volt", "ampere", "lux", "ppm", "count"]

    /// The record at position `index`: a sensor cycling over ``sensorCount``,
    /// a regular timestamp, a slowly drifting value with bounded noise, and a unit code.
    ///
    /// - Parameter index: The record's position, `0 ..< Int64.max / timestampStep`.
    /// - Returns: The packed record.
    @inline(__always)
    static func record(at index: Int) -> sensor_record_t {
        let sensor = index % sensorCount
        let hash = (UInt64(index) &* 2_654_435_761) & 0xFFFF_FFFF
        let value = 20.0 + Double(index / 1_000) * 0.001 + Double(hash % 1_000) * 0.001
        return sensor_record_t(
            sensor_id: UInt32(sensor),
            timestamp_ns: firstTimestamp + Int64(index) * timestampStep,
            value: value,
            unit: UInt8(1 + sensor % unitCodeCount))
    }

    /// The first `count` records, in a packed array.
    ///
    /// - Parameter count: How many records to build.
    /// - Returns: The records, built with exactly `count` capacity.
    static func records(count: Int) -> [sensor_record_t] {
        var result: [sensor_record_t] = []
        result.reserveCapacity(count)
        for index in 0..<count { result.append(record(at: index)) }
        return result
    }

    /// A deterministic sequence of `count` indices uniformly spread over `0 ..< recordCount`.
    ///
    /// It uses a 64-bit linear congruential generator (Knuth's MMIX constants)
    /// and takes the high 31 bits of each state modulo `recordCount`.
    ///
    /// - Parameters:
    ///   - count: How many indices to produce.
    ///   - recordCount: The number of records to index; at least 1.
    /// - Returns: The indices.
    static func randomIndices(count: Int, recordCount: Int) -> [Int] {
        precondition(recordCount > 0, "randomIndices needs at least one record")
        var state = indexSeed
        var result: [Int] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            result.append(Int((state >> 33) % UInt64(recordCount)))
        }
        return result
    }
}
