import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Testing

@Suite("Live read views of a filling arena")
struct LiveViewTests {
    @Test("Model-based: a view sees exactly the prefix published before it was taken", arguments: 1...3)
    func prefixSemantics(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let arena = RecordArena()
        let publisher = arena.publisher
        var model: [SensorRecord] = []
        var views: [(view: RecordArenaView, count: Int, maps: [ZoneMap], last: SensorRecord?)] = []
        var publishedCount = 0
        for _ in 0..<30 {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4:
                let batch = (0..<Int.random(in: 0..<40_000, using: &rng)).map { _ in awkwardRecord(using: &rng) }
                try arena.append(contentsOf: batch)  // publishes
                model += batch
                publishedCount = model.count
            case 4..<6:
                for _ in 0..<Int.random(in: 0..<120_000, using: &rng) {
                    let record = awkwardRecord(using: &rng)
                    try arena.append(record)
                    model.append(record)
                }
                #expect(publisher.view().count <= model.count)
                publishedCount = publisher.view().count
            case 6:
                arena.removeAll()
                model.removeAll()
                publishedCount = 0
            default:
                let view = arena.view()
                publishedCount = model.count
                #expect(view.count == model.count)
            }
            let prefix = Array(model.prefix(publishedCount))
            views.append((publisher.view(), publishedCount, referenceZoneMaps(prefix), prefix.last))
        }
        // Every view still reads its prefix, whatever the arena did afterwards.
        for (view, count, maps, last) in views {
            #expect(view.count == count)
            #expect(view.last == last)
            #expect(zoneMaps(view) == maps)
        }
        let last = publisher.view()
        #expect(Array(last) == Array(model.prefix(last.count)))
    }

    @Test("Views taken before removeAll, seal and seal(sortedBy:) keep reading their records")
    func survivesRemoveAllAndSeal() throws {
        let arena = RecordArena()
        let model = (0..<(RecordArena.recordsPerChunk + 10)).map(record)
        try arena.append(contentsOf: model)
        let first = arena.view()
        arena.removeAll()
        #expect(arena.publisher.view().isEmpty)
        try arena.append(contentsOf: model)
        let second = arena.view()
        let sealed = arena.seal()
        try arena.append(contentsOf: model)
        let third = arena.view()
        let sorted = try arena.seal(sortedBy: .sensorThenTime)
        #expect(sorted.count == model.count && sealed.count == model.count)
        for view in [first, second, third] {
            #expect(Array(view) == model)
            #expect(zoneMaps(view) == referenceZoneMaps(model))
        }
    }

    @Test("Views survive the chunk table growing: many chunks appended after the view")
    func survivesTableGrowth() throws {
        let arena = RecordArena()
        try arena.append(record(0))
        let early = arena.view()
        // More than 16 chunks: the table grows (and is replaced) at least once.
        for round in 0..<20 {
            try arena.append(contentsOf: (0..<RecordArena.recordsPerChunk).map { record(round + $0) })
        }
        #expect(early.count == 1 && early[0] == record(0))
        #expect(arena.view().chunkCount == arena.chunkCount)
    }

    @Test("Concurrent: a writer appends while readers take views and sum them; every sum is its prefix's")
    func concurrentReaders() async throws {
        let arena = RecordArena()
        let publisher = arena.publisher
        let batches = 24
        let batch = 9_000
        // Value of record i is i, so the sum of a prefix of n records is n(n-1)/2.
        let writer = Task { () throws -> Int in
            var next = 0
            for _ in 0..<batches {
                try arena.append(contentsOf: (next..<(next + batch)).map {
                    SensorRecord(sensorID: 1, timestampNanoseconds: Int64($0), value: Double($0), unit: .celsius)
                })
                next += batch
                await Task.yield()
            }
            return arena.count
        }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    var wrong = 0
                    for _ in 0..<40 {
                        let view = publisher.view()
                        let n = Double(view.count)
                        if view.sumOfValues() != n * (n - 1) / 2 { wrong += 1 }
                        var blockSum = 0.0
                        for block in 0..<view.blockCount {
                            _ = view.zoneMap(ofBlock: block)
                            view.withBlock(block, columns: .value) { (block: RecordBlock) in
                                if case .rows(let rows) = block { for row in rows { blockSum += row.value } }
                            }
                        }
                        if blockSum != n * (n - 1) / 2 { wrong += 1 }
                        await Task.yield()
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(try await writer.value == batches * batch)
        #expect(mismatches == 0)
    }

    @Test("Taking and dropping 1,000,000 views allocates nothing (statistics)")
    func viewsAllocateNothing() throws {
        let arena = RecordArena()
        try arena.append(contentsOf: (0..<1_000).map(record))
        let publisher = arena.publisher
        var total = 0
        let before = AllocatorStatistics.threadAllocatedBytes()
        for _ in 0..<1_000_000 { total &+= publisher.view().count }
        for _ in 0..<1_000_000 { total &+= arena.view().count }
        let after = AllocatorStatistics.threadAllocatedBytes()
        #expect(total == 2_000_000_000)
        if let before, let after {
            #expect(after - before < 64 << 10, "1,000,000 views allocated \(after - before) B")
        } else {
            Issue.record("jemalloc's thread.allocated is unavailable")
        }
    }
}
