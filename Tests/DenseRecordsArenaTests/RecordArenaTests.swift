import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Testing

@Suite("RecordArena")
struct RecordArenaTests {
    static let perChunk = RecordArena.recordsPerChunk

    @Test("Single appends read back across chunk boundaries", arguments: [0, 1, 2, perChunk - 1, perChunk, perChunk + 1, 2 * perChunk + 7])
    func singleAppends(count: Int) throws {
        let arena = RecordArena()
        for i in 0..<count { try arena.append(record(i)) }
        #expect(arena.count == count)
        #expect(arena.chunkCount == (count + Self.perChunk - 1) / Self.perChunk)
        for i in 0..<count where arena[i] != record(i) {
            Issue.record("record \(i) reads back as \(arena[i]), expected \(record(i))")
            break
        }
        var seen = 0
        arena.forEachChunk { chunk in
            for (offset, raw) in chunk.enumerated() where SensorRecord(raw) != record(seen + offset) {
                Issue.record("chunk scan differs at \(seen + offset)")
                break
            }
            seen += chunk.count
        }
        #expect(seen == count)
    }

    @Test("Bulk appends split across chunk boundaries", arguments: [1, 1000, perChunk - 3, perChunk + 5])
    func bulkAppends(batch: Int) throws {
        let arena = RecordArena()
        try arena.append(record(0))  // start mid-chunk
        var expected = [record(0)]
        for round in 0..<3 {
            let source = (0..<batch).map { record(expected.count + $0 + round) }
            try source.map(\.raw).withUnsafeBufferPointer { try arena.append(contentsOf: $0) }
            expected += source
        }
        #expect(arena.count == expected.count)
        #expect(Array(arena) == expected)
        #expect(arena.statistics.relocatedChunks == 0)
    }

    @Test("Model-based: random operation sequences agree with Array", arguments: 1...6)
    func modelBased(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let arena = RecordArena()
        var model: [SensorRecord] = []
        for step in 0..<60 {
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<35:
                let n = Int.random(in: 0..<3_000, using: &rng)
                for _ in 0..<n {
                    let r = record(Int.random(in: 0..<1_000_000, using: &rng))
                    try arena.append(r)
                    model.append(r)
                }
            case 35..<55:
                let n = Int.random(in: 0...(Self.perChunk + 100), using: &rng)
                let batch = (0..<n).map { _ in record(Int.random(in: 0..<1_000_000, using: &rng)) }
                try arena.append(contentsOf: batch)
                model += batch
            case 55..<65:
                let n = Int.random(in: 0..<500, using: &rng)
                let lazyBatch = (0..<n).lazy.map { record($0 &* 31 &+ step) }
                try arena.append(contentsOf: lazyBatch)
                model += lazyBatch
            case 65..<80 where !model.isEmpty:
                for _ in 0..<50 {
                    let i = Int.random(in: 0..<model.count, using: &rng)
                    let r = record(Int.random(in: 0..<1_000_000, using: &rng))
                    arena[i] = r
                    model[i] = r
                }
            case 80..<88:
                try arena.reserveCapacity(arena.count + Int.random(in: 0..<(2 * Self.perChunk), using: &rng))
            case 88..<92:
                arena.removeAll()
                model.removeAll()
            default:
                break
            }
            #expect(arena.count == model.count, "count after step \(step)")
            #expect(arena.capacity >= arena.count)
            if let i = model.indices.randomElement(using: &rng) { #expect(arena[i] == model[i]) }
        }
        #expect(Array(arena) == model)
        #expect(arena.sumOfValues() == model.reduce(0) { $0 + $1.value })
        #expect(arena.statistics.relocatedChunks == 0)
    }

    @Test("Appending an arena to itself copies what it held, once")
    func selfAppend() throws {
        let arena = RecordArena()
        for i in 0..<(Self.perChunk + 5) { try arena.append(record(i)) }
        try arena.append(contentsOf: arena)
        #expect(arena.count == 2 * (Self.perChunk + 5))
        #expect(arena[Self.perChunk + 5] == record(0) && arena[arena.count - 1] == record(Self.perChunk + 4))
    }

    @Test("hugePages changes only the kernel advice: contents and accounting are the same")
    func hugePagesOption() throws {
        let batch = (0..<(2 * Self.perChunk + 17)).map { record($0).raw }
        let plain = RecordArena()
        let huge = RecordArena(hugePages: true)
        #expect(!plain.usesHugePages && huge.usesHugePages)
        for arena in [plain, huge] { try batch.withUnsafeBufferPointer { try arena.append(contentsOf: $0) } }
        #expect(Array(plain) == Array(huge))
        #expect(plain.statistics.allocatedBytes == huge.statistics.allocatedBytes)
        #expect(huge.seal().count == batch.count)
        #expect(huge.usesHugePages, "sealing keeps the arena's options")
    }

    @Test("Element addresses stay stable while the arena grows")
    func stableAddresses() throws {
        let arena = RecordArena()
        try arena.append(record(0))
        let first = address(of: 0, in: arena)
        var sampled: [(index: Int, address: UInt)] = [(0, first)]
        for i in 1..<(3 * Self.perChunk + 10) {
            try arena.append(record(i))
            if i % 9_973 == 0 { sampled.append((i, address(of: i, in: arena))) }
        }
        try (0..<(Self.perChunk)).map { record($0) }.withUnsafeBufferPointer { try arena.append(contentsOf: $0) }
        for (index, addr) in sampled { #expect(address(of: index, in: arena) == addr, "record \(index) moved") }
        #expect(arena.statistics.relocatedChunks == 0)
    }

    private func address(of index: Int, in arena: RecordArena) -> UInt {
        var result: UInt = 0
        var base = 0
        arena.forEachChunk { chunk in
            if index >= base, index < base + chunk.count { result = UInt(bitPattern: chunk.baseAddress! + (index - base)) }
            base += chunk.count
        }
        return result
    }

    @Test("Statistics count 21 bytes a record, plus at most the tail chunk's slack")
    func allocatorStatistics() throws {
        let arena = RecordArena()
        let n = 1_000_000
        for i in 0..<n { try arena.append(record(i)) }
        let stats = arena.statistics
        #expect(stats.recordCount == n)
        #expect(stats.allocatedBytes >= n * 21)
        #expect(try #require(stats.allocatedBytesPerRecord) <= 21.2)
        #expect(stats.residentBytes >= stats.activeBytes / 2)
        #expect(stats.mappedBytes >= stats.activeBytes)
    }

    @Test("reserveCapacity sizes the last chunk to fit")
    func reserveFits() throws {
        let arena = RecordArena()
        try arena.reserveCapacity(1_000_000)
        #expect(arena.capacity >= 1_000_000)
        #expect(Double(arena.statistics.allocatedBytes) / 1_000_000 <= 21.2)
        let before = arena.statistics.allocatedBytes
        for i in 0..<1_000_000 { try arena.append(record(i)) }
        #expect(arena.statistics.allocatedBytes == before, "appending into reserved capacity allocated")
    }

    @Test("removeAll returns resident memory and the arena refills")
    func removeAllReleases() throws {
        let arena = RecordArena()
        let batch = (0..<(5 * Self.perChunk)).map { record($0).raw }
        try batch.withUnsafeBufferPointer { try arena.append(contentsOf: $0) }
        let full = arena.statistics
        #expect(full.residentBytes >= 5 * Self.perChunk * 21)
        arena.removeAll()
        let empty = arena.statistics
        #expect(arena.isEmpty && arena.capacity == 0)
        #expect(empty.allocatedBytes == 0)
        #expect(empty.activeBytes == 0)
        #expect(empty.residentBytes < full.residentBytes / 10, "resident \(empty.residentBytes) after removeAll, \(full.residentBytes) before")
        try batch.withUnsafeBufferPointer { try arena.append(contentsOf: $0) }
        #expect(arena.count == batch.count && arena[batch.count - 1] == SensorRecord(batch[batch.count - 1]))
    }

    @Test("Sealed records are shared read-only across tasks without copying")
    func sealedSharing() async throws {
        let arena = RecordArena()
        for i in 0..<(Self.perChunk + 1234) { try arena.append(record(i)) }
        let expected = arena.sumOfValues()
        let firstAddress = arena.withFirstAddress()
        let sealed = arena.seal()
        #expect(arena.isEmpty)
        #expect(sealed.withFirstAddress() == firstAddress, "sealing moved the records")
        let sums = await withTaskGroup(of: Double.self) { group in
            for _ in 0..<4 { group.addTask { sealed.sumOfValues() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sums == Array(repeating: expected, count: 4))
        #expect(sealed[Self.perChunk] == record(Self.perChunk))
        try arena.append(record(1))  // the emptied arena stays usable
        #expect(arena.count == 1)
    }

    @Test("Spans view the same records as buffers")
    func spans() throws {
        let arena = RecordArena()
        for i in 0..<(Self.perChunk + 10) { try arena.append(record(i)) }
        var counts: [Int] = []
        var last = SensorRecord(sensor_record_t())
        arena.forEachSpan { span in
            counts.append(span.count)
            last = SensorRecord(span[span.count - 1])
        }
        #expect(counts == [Self.perChunk, 10])
        #expect(last == record(Self.perChunk + 9))
    }

    @Test("Mutable chunks transform records in place")
    func mutableChunks() throws {
        let arena = RecordArena()
        for i in 0..<(Self.perChunk + 10) { try arena.append(record(i)) }
        arena.forEachMutableChunk { chunk in
            for i in chunk.indices { chunk[i].value *= 2 }
        }
        #expect(arena[Self.perChunk + 3].value == record(Self.perChunk + 3).value * 2)
    }
}

extension ChunkedRecords {
    fileprivate func withFirstAddress() -> UInt {
        var address: UInt = 0
        forEachChunk { chunk in if address == 0 { address = UInt(bitPattern: chunk.baseAddress) } }
        return address
    }
}
