import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Foundation
import Synchronization
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

    @Test("A failing producer stops siblings that never suspend, promptly and with bounded memory",
          arguments: [2, 4])
    func failingProducerStopsBusySiblings(producers: Int) async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) { [producers] in
            // Without the stop, the siblings append until the cap (or the alarm) ends the child.
            limitChildProcess(extraAddressSpace: 3 << 30, seconds: 60)
            let clock = ContinuousClock()
            let start = clock.now
            var thrown: (any Error)?
            do {
                _ = try await RecordArena.ingestConcurrently(producers: producers) { producer, arena in
                    if producer == 0 { throw ProducerFailed() }
                    var i = 0
                    while true {  // never suspends, never checks Task.isCancelled
                        try arena.append(record(i))
                        i &+= 1
                    }
                }
            } catch {
                thrown = error
            }
            let elapsed = clock.now - start
            let peak = peakResidentBytes()
            reportAndExit(thrown is ProducerFailed && elapsed < .seconds(20) && peak < 1 << 30,
                          "\(producers) producers: threw \(String(describing: thrown)) after \(elapsed); peak RSS \(peak >> 20) MiB (bounds: ProducerFailed, 20 s, 1 GiB)")
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("A producer's arena throws ingestCancelled once a sibling has failed")
    func siblingSeesCancellation() async throws {
        let sibling = Mutex<RecordArenaError?>(nil)
        await #expect(throws: ProducerFailed.self) {
            _ = try await RecordArena.ingestConcurrently(producers: 2) { producer, arena in
                if producer == 0 { throw ProducerFailed() }
                // Bounded, so that without the stop the test fails instead of hanging.
                do throws(RecordArenaError) {
                    for i in 0..<(40 * RecordArena.recordsPerChunk) { try arena.append(record(i)) }
                } catch {
                    sibling.withLock { $0 = error }
                    throw error
                }
            }
        }
        #expect(sibling.withLock { $0 } == .ingestCancelled)
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
