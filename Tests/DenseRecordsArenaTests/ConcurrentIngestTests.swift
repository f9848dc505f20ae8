import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Testing

@Suite("Concurrent ingest")
struct ConcurrentIngestTests {
    struct ProducerFailed: Error {}

    @Test("Producers fill their own arenas; the merged view holds every record in producer order", arguments: [1, 2, 4])
    func mergedView(producers: Int) async throws {
        let perProducer = RecordArena.recordsPerChunk + 777
        let merged = try await RecordArena.ingestConcurrently(producers: producers) { producer, arena in
            for i in 0..<perProducer { try arena.append(record(producer * perProducer + i)) }
        }
        #expect(merged.count == producers * perProducer)
        #expect(merged.parts.count == producers)
        for index in stride(from: 0, to: merged.count, by: 9_973) { #expect(merged[index] == record(index)) }
        #expect(merged[merged.count - 1] == record(merged.count - 1))
        let expected = (0..<merged.count).reduce(0.0) { $0 + record($1).value }
        // Readers share the merged view across tasks.
        let sums = await withTaskGroup(of: Double.self) { group in
            for _ in 0..<3 { group.addTask { merged.sumOfValues() } }
            var all: [Double] = []
            for await sum in group { all.append(sum) }
            return all
        }
        #expect(sums.allSatisfy { $0 == expected })
        #expect(merged.chunkCount == producers * 2)
    }

    @Test("A failing producer fails the whole ingest")
    func failingProducer() async throws {
        await #expect(throws: ProducerFailed.self) {
            _ = try await RecordArena.ingestConcurrently(producers: 2) { producer, arena in
                for i in 0..<50_000 { try arena.append(record(i)) }
                if producer == 1 { throw ProducerFailed() }
            }
        }
    }

    @Test("The byte limit applies to each producer")
    func perProducerLimit() async {
        await #expect(throws: RecordArenaError.self) {
            _ = try await RecordArena.ingestConcurrently(producers: 2, byteLimitPerProducer: 2 << 20) { _, arena in
                for i in 0..<(RecordArena.recordsPerChunk + 1) { try arena.append(record(i)) }
            }
        }
    }

    @Test("Reading a merged view past the end traps")
    func mergedOutOfRangeTraps() async {
        await #expect(processExitsWith: .failure) {
            let merged = MergedRecords([])
            _ = merged[0]
        }
    }
}

@Suite("Concurrent ingest preconditions")
struct ConcurrentIngestPreconditionTests {
    @Test("Concurrent ingest with no producers traps")
    func zeroProducersTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = try? await RecordArena.ingestConcurrently(producers: 0) { _, _ in }
        }
    }
}
