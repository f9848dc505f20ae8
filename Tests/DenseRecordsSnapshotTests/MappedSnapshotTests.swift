import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("Mapped snapshots")
struct MappedSnapshotTests {
    @Test("A mapped view and a loaded arena give identical scans")
    func identicalScans() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("scan.drsnap")
        let count = 2 * RecordArena.recordsPerChunk + 1_234
        let source = try makeArena(count)
        try source.writeSnapshot(to: path, options: .init(recordsPerBlock: 10_000))
        let mapped = try MappedSnapshot(contentsOf: path)
        let loaded = try RecordArena(contentsOfSnapshot: path)

        // Chunk scans, element scans and reductions agree, bit for bit.
        let mappedChunks = chunkScan(mapped), loadedChunks = chunkScan(loaded)
        #expect(mappedChunks == loadedChunks)
        #expect(mappedChunks == chunkScan(source))
        #expect(Array(mapped) == Array(loaded))
        #expect(mapped.sumOfValues().bitPattern == loaded.sumOfValues().bitPattern)
        #expect(mapped.reduceChunks(0) { $0 + $1.count } == count)
        var spanTotal = 0
        mapped.forEachSpan { (span) throws(Never) in spanTotal += span.count }
        #expect(spanTotal == count)
        #expect(mapped.chunkCount == (count + 9_999) / 10_000)
        // Random access through the collection API.
        var generator = SplitMix64(seed: 11)
        for _ in 0..<1_000 {
            let index = Int.random(in: 0..<count, using: &generator)
            #expect(mapped[index] == loaded[index])
        }
        #expect(mapped.last == record(count - 1))
    }

    @Test("Opening reads no block; reading through the checked API verifies each block once")
    func lazyVerification() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("lazy.drsnap")
        try makeArena(1_000).writeSnapshot(to: path, options: .init(recordsPerBlock: 100))
        let mapped = try MappedSnapshot(contentsOf: path)
        #expect(mapped.verifiedBlockCount == 0)
        #expect(try mapped.verifiedRecord(at: 250) == record(250))
        #expect(mapped.isBlockVerified(2) && mapped.verifiedBlockCount == 1)
        var seen = 0
        try mapped.forEachVerifiedChunk { seen += $0.count }
        #expect(seen == 1_000 && mapped.verifiedBlockCount == 10)
        try mapped.verify()
        #expect(mapped.verifiedBlockCount == 10)
    }

    @Test("Many tasks verify and read one view at once")
    func concurrentReaders() async throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("shared.drsnap")
        try makeArena(50_000).writeSnapshot(to: path, options: .init(recordsPerBlock: 512))
        let mapped = try MappedSnapshot(contentsOf: path)
        let expected = try RecordArena(contentsOfSnapshot: path).sumOfValues()
        let sums = try await withThrowingTaskGroup(of: Double.self) { group in
            for task in 0..<8 {
                group.addTask {
                    if task % 2 == 0 { try mapped.verify() }
                    var sum = 0.0
                    try mapped.forEachVerifiedChunk { chunk in for raw in chunk { sum += raw.value } }
                    return sum
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sums.count == 8 && sums.allSatisfy { $0.bitPattern == expected.bitPattern })
        #expect(mapped.verifiedBlockCount == mapped.header.blockCount)
    }

    @Test("An empty snapshot maps as an empty collection")
    func emptySnapshot() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("empty.drsnap")
        try RecordArena().writeSnapshot(to: path)
        let mapped = try MappedSnapshot(contentsOf: path)
        try mapped.verify()
        #expect(mapped.isEmpty && mapped.chunkCount == 0 && mapped.sumOfValues() == 0)
        #expect(try bytes(of: path).count == SnapshotFormat.dataOffset)
    }

    @Test("Indexing past the end traps")
    func outOfRangeTraps() async throws {
        await #expect(processExitsWith: .failure) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("trap-\(getpid()).drsnap").path
            try makeArena(3).writeSnapshot(to: path)
            let mapped = try MappedSnapshot(contentsOf: path)
            unlink(path)
            _ = mapped[3]
        }
    }
}
