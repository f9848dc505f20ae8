import CDenseRecordsShims
import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("Snapshot round trips")
struct SnapshotRoundTripTests {
    static let perChunk = RecordArena.recordsPerChunk

    @Test("Save, load and map are bit-exact at every chunk boundary",
          arguments: [0, 1, perChunk - 1, perChunk, perChunk + 1, 2 * perChunk + 7])
    func chunkBoundaries(count: Int) throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("boundary.drsnap")
        let arena = try makeArena(count)
        let header = try arena.writeSnapshot(to: path, options: .init(creationTimeNanoseconds: 42))
        #expect(header.recordCount == count)
        #expect(header.blockCount == (count + Self.perChunk - 1) / Self.perChunk)
        #expect(header.creationTimeNanoseconds == 42)

        let loaded = try RecordArena(contentsOfSnapshot: path)
        #expect(holdsExactly(loaded, count))
        let mapped = try MappedSnapshot(contentsOf: path)
        #expect(mapped.header == header)
        try mapped.verify()
        #expect(holdsExactly(mapped, count))
        // With the default block size every full chunk is one block.
        #expect(mapped.chunkCount == arena.chunkCount)

        // Saving the loaded copy again gives the same file, byte for byte.
        let again = folder.file("again.drsnap")
        try loaded.writeSnapshot(to: again, options: .init(creationTimeNanoseconds: 42))
        #expect(try bytes(of: again) == bytes(of: path))
    }

    @Test("Blocks smaller than chunks: round trips at every block boundary",
          arguments: [0, 1, 999, 1000, 1001, 2000, 2999, 3001])
    func blockBoundaries(count: Int) throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("blocks.drsnap")
        let arena = try makeArena(count)
        let header = try arena.writeSnapshot(to: path, options: .init(recordsPerBlock: 1000))
        #expect(header.blockCount == (count + 999) / 1000)
        let expectedSize = SnapshotFormat.dataOffset + (count == 0 ? 0 : segmentBytes(records: count, blocks: header.blockCount))
        #expect(try bytes(of: path).count == expectedSize)
        #expect(header.fileSize == expectedSize)

        let mapped = try MappedSnapshot(contentsOf: path)
        try mapped.verify()
        #expect(mapped.verifiedBlockCount == header.blockCount)
        #expect(holdsExactly(mapped, count))
        #expect(holdsExactly(try RecordArena(contentsOfSnapshot: path), count))
    }

    @Test("Blocks that straddle arena chunks are cut and checksummed across them")
    func blocksAcrossChunks() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("straddle.drsnap")
        let count = Self.perChunk + 5_000
        let arena = try makeArena(count)
        // 99,864 is not a multiple of 4,099, so one block takes records from both chunks.
        let header = try arena.writeSnapshot(to: path, options: .init(recordsPerBlock: 4_099))
        let mapped = try MappedSnapshot(contentsOf: path)
        try mapped.verify()
        #expect(header.blockCount == (count + 4_098) / 4_099)
        #expect(holdsExactly(mapped, count))
    }

    @Test("A mapped snapshot is itself a source for a new snapshot")
    func saveFromMappedView() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let first = folder.file("first.drsnap"), second = folder.file("second.drsnap")
        try makeArena(5_000).writeSnapshot(to: first, options: .init(recordsPerBlock: 333, creationTimeNanoseconds: 1))
        let mapped = try MappedSnapshot(contentsOf: first)
        try mapped.writeSnapshot(to: second, options: .init(recordsPerBlock: 333, creationTimeNanoseconds: 1))
        #expect(try bytes(of: second) == bytes(of: first))
    }

    @Test("Saving over an existing snapshot replaces it, and an open view keeps the old records")
    func replaceWhileMapped() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("replace.drsnap")
        try makeArena(100).writeSnapshot(to: path)
        let old = try MappedSnapshot(contentsOf: path)
        try makeArena(250, first: 1_000).writeSnapshot(to: path)
        #expect(holdsExactly(old, 100))
        #expect(holdsExactly(try MappedSnapshot(contentsOf: path), 250, first: 1_000))
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["replace.drsnap"])
    }

    @Test("SealedRecords save like arenas")
    func sealedSource() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("sealed.drsnap")
        let sealed = try makeArena(12_345).seal()
        try sealed.writeSnapshot(to: path)
        #expect(holdsExactly(try RecordArena(contentsOfSnapshot: path), 12_345))
    }

    @Test("A missing folder is an errno error that names the path")
    func missingFolder() throws {
        let path = "/nonexistent-\(UUID().uuidString)/x.drsnap"
        let arena = try makeArena(3)
        do {
            try arena.writeSnapshot(to: path)
            Issue.record("saving into a missing folder succeeded")
        } catch {
            guard case let .system(operation, failedPath, code) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(operation == "open" && failedPath.hasPrefix("/nonexistent-") && code == ENOENT)
            #expect(error.description.contains("No such file"))
        }
        #expect(throws: SnapshotError.system(operation: "open", path: path, errno: ENOENT)) {
            try MappedSnapshot(contentsOf: path)
        }
    }

    @Test("CRC32C: the check value, and hardware equals software at every length and alignment")
    func crc32c() {
        #expect(dr_crc32c(0, "123456789", 9) == 0xE306_9283)
        #expect(dr_crc32c_software(0, "123456789", 9) == 0xE306_9283)
        #expect(dr_crc32c(0, nil, 0) == 0)
        var generator = SplitMix64(seed: 7)
        let buffer = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        buffer.withUnsafeBytes { raw in
            for start in 0..<9 {
                for length in [0, 1, 7, 8, 9, 31, 64, 1000, 4000] {
                    let piece = raw.baseAddress! + start
                    let whole = dr_crc32c(0, piece, length)
                    #expect(whole == dr_crc32c_software(0, piece, length))
                    // Continuing a CRC equals computing it in one go.
                    let split = length / 3
                    #expect(dr_crc32c(dr_crc32c(0, piece, split), piece + split, length - split) == whole)
                }
            }
        }
    }
}
