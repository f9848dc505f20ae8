import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Testing

@Suite("seal(sortedBy:) and the per-sensor index")
struct SortedSealTests {
    /// The reference: a stable sort of the input by sensor, then timestamp.
    func stableSorted(_ model: [SensorRecord]) -> [SensorRecord] {
        model.enumerated().sorted {
            ($0.element.sensorID, $0.element.timestampNanoseconds, $0.offset)
                < ($1.element.sensorID, $1.element.timestampNanoseconds, $1.offset)
        }.map(\.element)
    }

    @Test("Model-based: the sorted form equals a stable sort of the input, and index lookups equal filters",
          arguments: [(1, 0), (2, 1), (3, 2), (4, 3)] as [(UInt64, Int)])
    func modelBased(seed: UInt64, shape: Int) throws {
        var rng = SplitMix64(seed: seed)
        let perChunk = RecordArena.recordsPerChunk
        let sensors = [3, 40, 1, 2_000][shape]
        let total = [perChunk * 2 + 11, 50_000, 7, perChunk + 3][shape]
        // Shape 1 is time-ordered per sensor (the telemetry case); the others are
        // shuffled, with repeated timestamps so stability shows, and shape 0 and
        // 3 have runs that span chunks.
        var model: [SensorRecord] = []
        for index in 0..<total {
            let timestamp = shape == 1 ? Int64(index) : Int64.random(in: 0..<(Int64(total) / 4 + 1), using: &rng)
            model.append(SensorRecord(
                sensorID: UInt32.random(in: 0..<UInt32(sensors), using: &rng), timestampNanoseconds: timestamp,
                value: Double(index), unit: .celsius))
        }
        let arena = RecordArena()
        try arena.append(contentsOf: model)
        let sorted = try arena.seal(sortedBy: .sensorThenTime)
        #expect(arena.isEmpty)
        #expect(sorted.recordOrdering == .sensorThenTime)
        let expected = stableSorted(model)
        #expect(Array(sorted) == expected, "the sorted form differs from a stable sort")
        #expect(sorted.sensorRuns.map(\.sensorID) == Array(Set(model.map(\.sensorID))).sorted())
        #expect(zoneMaps(sorted) == referenceZoneMaps(expected))
        for _ in 0..<40 {
            let sensor = UInt32.random(in: 0...UInt32(sensors), using: &rng)
            let from = Int64.random(in: -1...Int64(total), using: &rng)
            let to = from + Int64.random(in: -2...Int64(total) / 3, using: &rng)
            let range = from..<Swift.max(from, to)
            let found = sorted.positions(ofSensor: sensor, timestamps: range).map { sorted[$0] }
            let reference = expected.filter { $0.sensorID == sensor && range.contains($0.timestampNanoseconds) }
            #expect(found == reference, "sensor \(sensor), \(range)")
        }
        #expect(sorted.positions(ofSensor: UInt32(sensors) + 1) == nil)
    }

    @Test("Sorting an empty arena gives an empty sorted store")
    func empty() throws {
        let sorted = try RecordArena().seal(sortedBy: .sensorThenTime)
        #expect(sorted.isEmpty && sorted.sensorRuns.isEmpty && sorted.blockCount == 0)
        #expect(sorted.positions(ofSensor: 1, timestamps: 0..<10).isEmpty)
    }

    @Test("The sort keeps the input's geometry and leaves nothing behind but the output (statistics)")
    func bounded() async throws {
        let arena = RecordArena()
        try arena.append(contentsOf: Self.boundedInput())
        let input = arena.statistics
        let sorted = try arena.seal(sortedBy: .sensorThenTime)
        // The output has the input's geometry, and the input's chunks are gone.
        #expect(sorted.statistics.allocatedBytes == input.allocatedBytes)
        #expect(sorted.statistics.chunkCount == input.chunkCount)
        #expect(arena.statistics.allocatedBytes == 0)
        // What the process holds afterwards differs from before by the index alone. jemalloc's
        // counters are process-wide, and other tests allocate in parallel: measured in a child.
        await #expect(processExitsWith: .success) {
            let arena = RecordArena()
            try arena.append(contentsOf: SortedSealTests.boundedInput())
            let before = AllocatorStatistics.current()?.allocatedBytes
            let sorted = try arena.seal(sortedBy: .sensorThenTime)
            let after = AllocatorStatistics.current()?.allocatedBytes
            withExtendedLifetime(sorted) {}
            if let before, let after {
                precondition(abs(after - before) < 1 << 20, "the process holds \(after - before) B more after the sort")
            }
        }
    }

    /// A chunk and a part of records over 4 sensors in random time order.
    static func boundedInput() -> [SensorRecord] {
        var rng = SplitMix64(seed: 5)
        return (0..<(RecordArena.recordsPerChunk + 20_000)).map { index in
            SensorRecord(sensorID: UInt32.random(in: 0..<4, using: &rng), timestampNanoseconds: Int64.random(in: 0..<1_000, using: &rng),
                         value: Double(index), unit: .celsius)
        }
    }

    @Test("Index lookups on unsorted records trap")
    func lookupNeedsSortedForm() async {
        await #expect(processExitsWith: .failure) {
            _ = RecordArena().seal().positions(ofSensor: 1)
        }
    }
}
