import DenseRecords
import DenseRecordsTestKit

/// The sizes and deterministic inputs every arena benchmark shares.
///
/// The harness runs each benchmark in its own process, so a fixture is built
/// only by the benchmarks that touch it, and always in a `setup` closure,
/// outside the measured region.
enum Fixtures {
    /// Records per pass: the foundation issue's 10,000,000.
    static let recordCount = 10_000_000

    /// Random reads per pass. One read is one cache miss or more at this
    /// size (210 MB of records), so a full 10M would take close to a second;
    /// 1M keeps an iteration near 100 ms and the `.mega` scaling factor
    /// makes the figures per read.
    static let randomReadCount = 1_000_000

    /// The same 10M records for every benchmark: sensor ids cycle over 1,000
    /// sensors, timestamps advance by 1 ms, values follow a simple ramp.
    static let records: [sensor_record_t] = makeRecords(count: recordCount)

    /// 1M indices into `records`, drawn by the test kit's SplitMix64 from a fixed seed so
    /// every run and both containers read the same positions in the same order.
    static let randomIndices: [Int] = makeIndices(count: randomReadCount, upperBound: recordCount)

    static func makeRecords(count: Int) -> [sensor_record_t] {
        let units: [SensorUnit] = [.celsius, .percent, .pascal, .volt, .ampere, .lux, .ppm, .count]
        return (0..<count).map { index in
            sensor_record_t(
                sensor_id: UInt32(truncatingIfNeeded: index % 1_000),
                timestamp_ns: 1_700_000_000_000_000_000 + Int64(index) * 1_000_000,
                value: Double(index % 10_000) * 0.25,
                unit: units[index % units.count].rawValue)
        }
    }

    static func makeIndices(count: Int, upperBound: Int) -> [Int] {
        var generator = SeededRandomNumberGenerator(seed: 0x5EED_DE25_E4EC_0DD5)
        return (0..<count).map { _ in Int(generator.next() % UInt64(upperBound)) }
    }

    /// An arena filled with ``records``, for the read and refill benchmarks.
    static func filledArena() throws(RecordArenaError) -> RecordArena {
        let arena = RecordArena()
        try records.withUnsafeBufferPointer { (buffer) throws(RecordArenaError) in
            try arena.append(contentsOf: buffer)
        }
        return arena
    }
}

/// Hands a value from a benchmark's `setup` to its iterations, which may
/// change it (a refill) or may not be `Sendable` (a `RecordArena`).
///
/// `@unchecked Sendable`, and why that is sound: the harness calls `setup`
/// once and then runs the iterations one after another, never two at a time,
/// and each benchmark runs in a process of its own. So the boxed value is
/// only ever used by one thread at a time, in sequence.
final class Fixture<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
