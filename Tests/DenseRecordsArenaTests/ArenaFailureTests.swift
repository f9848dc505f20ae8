import DenseRecordsCore
@_spi(Testing) import DenseRecordsArena
import DenseRecordsTestSupport
import Testing

@Suite("RecordArena failures")
struct ArenaFailureTests {
    @Test("The byte limit throws a typed error and leaves the arena usable")
    func byteLimit() throws {
        let limit = 3 * (2 << 20)
        let arena = RecordArena(byteLimit: limit)
        let perChunk = RecordArena.recordsPerChunk
        var appended = 0
        var caught: RecordArenaError?
        do {
            while true {
                try arena.append(record(appended))
                appended += 1
            }
        } catch {
            caught = error
        }
        guard case let .byteLimitExceeded(reportedLimit, allocated, requested) = caught else {
            Issue.record("expected byteLimitExceeded, got \(String(describing: caught))")
            return
        }
        #expect(reportedLimit == limit)
        #expect(allocated + requested > limit)
        #expect(appended == 3 * perChunk)
        #expect(arena.count == appended)
        #expect(arena.statistics.allocatedBytes <= limit)
        #expect(arena[appended - 1] == record(appended - 1))
        // A bulk append past the limit appends nothing.
        let batch = [record(-1)]
        #expect(throws: RecordArenaError.self) { try arena.append(contentsOf: batch) }
        #expect(arena.count == appended)
        // After removeAll the same arena fills again.
        arena.removeAll()
        for i in 0..<1000 { try arena.append(record(i)) }
        #expect(arena.count == 1000 && arena[999] == record(999))
    }

    @Test("An allocation failure throws outOfMemory and leaves the arena consistent and usable",
          .enabled(if: AllocatorFaultInjection.isAvailable, "fault injection exists in debug builds only"))
    func injectedAllocationFailure() throws {
        let arena = RecordArena()
        let perChunk = RecordArena.recordsPerChunk
        let batch = (0..<perChunk).map { record($0).raw }
        try batch.withUnsafeBufferPointer { try arena.append(contentsOf: $0) }
        let before = arena.statistics
        AllocatorFaultInjection.failChunkAllocation(1)
        #expect {
            try batch.withUnsafeBufferPointer { try arena.append(contentsOf: $0) }
        } throws: { error in
            guard case let .outOfMemory(requested) = error as? RecordArenaError else { return false }
            return requested == 2 << 20
        }
        let after = arena.statistics
        #expect(arena.count == perChunk)
        #expect(after.allocatedBytes == before.allocatedBytes, "the failed allocation leaked")
        #expect(Array(arena.prefix(3)) == [record(0), record(1), record(2)])
        // The next allocation succeeds.
        try batch.withUnsafeBufferPointer { try arena.append(contentsOf: $0) }
        #expect(arena.count == 2 * perChunk && arena[2 * perChunk - 1] == record(perChunk - 1))
        // A single append that needs a new chunk fails the same way.
        arena.removeAll()
        AllocatorFaultInjection.failChunkAllocation(1)
        #expect(throws: RecordArenaError.outOfMemory(requestedBytes: 16 << 10)) { try arena.append(record(0)) }
        #expect(arena.isEmpty)
        try arena.append(record(0))
        #expect(arena.count == 1)
    }

    @Test("Reading past the end traps")
    func readOutOfRangeTraps() async {
        await #expect(processExitsWith: .failure) {
            let arena = RecordArena()
            try? arena.append(record(0))
            _ = arena[1]
        }
    }

    @Test("Writing at a negative index traps")
    func writeNegativeTraps() async {
        await #expect(processExitsWith: .failure) {
            let arena = RecordArena()
            arena[-1] = record(0)
        }
    }

    @Test("Reading a sealed arena past the end traps")
    func sealedOutOfRangeTraps() async {
        await #expect(processExitsWith: .failure) {
            let arena = RecordArena()
            try? arena.append(record(0))
            let sealed = arena.seal()
            _ = sealed[1]
        }
    }

    @Test("A negative byte limit traps")
    func negativeLimitTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = RecordArena(byteLimit: -1)
        }
    }
}
