import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("Snapshot appends")
struct SnapshotAppendTests {
    @Test("Appends add segments without rewriting earlier bytes", arguments: [1, 7, 100])
    func appendSegments(perBlock: Int) throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("grow.drsnap")
        try makeArena(250).writeSnapshot(to: path, options: .init(recordsPerBlock: perBlock))
        let before = try bytes(of: path)
        let header = try makeArena(130, first: 250).appendSnapshot(to: path)
        #expect(header.recordCount == 380 && header.generation == 1 && header.segments.count == 2)
        let after = try bytes(of: path)
        // Slot A and every old block are untouched; only slot B and the new blocks are new.
        #expect(after[0..<SnapshotFormat.slotSize] == before[0..<SnapshotFormat.slotSize])
        #expect(after[SnapshotFormat.dataOffset..<before.count] == before[SnapshotFormat.dataOffset...])
        try makeArena(1, first: 380).appendSnapshot(to: path)
        try makeArena(619, first: 381).appendSnapshot(to: path)

        let mapped = try MappedSnapshot(contentsOf: path)
        try mapped.verify()
        #expect(mapped.header.generation == 3 && mapped.header.segments.count == 4)
        #expect(holdsExactly(mapped, 1_000))
        #expect(Array(mapped) == (0..<1_000).map(record))
        #expect(holdsExactly(try RecordArena(contentsOfSnapshot: path), 1_000))
        // Appending nothing changes nothing.
        let unchanged = try RecordArena().appendSnapshot(to: path)
        #expect(unchanged == mapped.header)
    }

    @Test("Appending to an empty snapshot")
    func appendToEmpty() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("empty.drsnap")
        try RecordArena().writeSnapshot(to: path)
        try makeArena(42).appendSnapshot(to: path)
        #expect(holdsExactly(try MappedSnapshot(contentsOf: path), 42))
    }

    @Test("An open view keeps the records it opened with while the file grows")
    func viewDuringAppend() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("live.drsnap")
        try makeArena(100).writeSnapshot(to: path, options: .init(recordsPerBlock: 30))
        let view = try MappedSnapshot(contentsOf: path)
        try makeArena(100, first: 100).appendSnapshot(to: path)
        try view.verify()
        #expect(holdsExactly(view, 100))
        #expect(holdsExactly(try MappedSnapshot(contentsOf: path), 200))
    }

    @Test("Bytes past the committed end are ignored, then cut by the next append")
    func tornTail() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("tail.drsnap")
        try makeArena(100).writeSnapshot(to: path, options: .init(recordsPerBlock: 30))
        var torn = try bytes(of: path)
        let committed = torn.count
        torn += [UInt8](repeating: 0xAB, count: 777)
        try write(torn, to: path)
        #expect(holdsExactly(try MappedSnapshot(contentsOf: path), 100))
        try makeArena(5, first: 100).appendSnapshot(to: path)
        let header = try MappedSnapshot(contentsOf: path).header
        #expect(header.fileSize == committed + segmentBytes(records: 5, blocks: 1))
        #expect(try bytes(of: path).count == header.fileSize)
        #expect(holdsExactly(try MappedSnapshot(contentsOf: path), 105))
    }

    @Test("A damaged slot with no block past the older generation's end falls back to the other slot")
    func tornSlot() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("slot.drsnap")
        try makeArena(10).writeSnapshot(to: path, options: .init(recordsPerBlock: 4))
        try makeArena(10, first: 10).appendSnapshot(to: path)
        var bytes = try bytes(of: path)
        // Slot B (generation 1) damaged, and its blocks gone: what a torn write of slot B
        // over an older generation leaves, before any block is written. The reader uses
        // slot A (generation 0) and sees 10 records. (With generation 1's blocks still
        // there, the damage is reported instead: SnapshotRollbackTests.)
        let generationZeroEnd = SnapshotFormat.dataOffset + segmentBytes(records: 10, blocks: 3)
        bytes.removeSubrange(generationZeroEnd...)
        bytes[SnapshotFormat.slotSize + 40] ^= 0xFF
        try write(bytes, to: path)
        let view = try MappedSnapshot(contentsOf: path)
        #expect(view.header.generation == 0 && view.header.slotOffset == 0)
        #expect(holdsExactly(view, 10))
        // The next append overwrites the torn slot.
        try makeArena(3, first: 10).appendSnapshot(to: path)
        let grown = try MappedSnapshot(contentsOf: path)
        try grown.verify()
        #expect(grown.header.generation == 1 && holdsExactly(grown, 13))
    }

    @Test("Appending past the segment limit is refused, and a rewrite merges the segments")
    func segmentLimit() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("many.drsnap")
        try makeArena(1).writeSnapshot(to: path)
        for segment in 1..<SnapshotFormat.maximumSegmentCount {
            try makeArena(1, first: segment).appendSnapshot(to: path)
        }
        let full = SnapshotFormat.maximumSegmentCount
        #expect(throws: SnapshotError.tooManySegments(limit: full)) {
            try makeArena(1, first: full).appendSnapshot(to: path)
        }
        #expect(holdsExactly(try MappedSnapshot(contentsOf: path), full))
        try RecordArena(contentsOfSnapshot: path).writeSnapshot(to: path)
        try makeArena(1, first: full).appendSnapshot(to: path)
        let merged = try MappedSnapshot(contentsOf: path)
        #expect(merged.header.segments.count == 2 && holdsExactly(merged, full + 1))
    }

    @Test("Appending to a damaged or missing file is refused with its error")
    func appendToBadFile() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("bad.drsnap")
        try write([], to: path)
        #expect(throws: SnapshotError.emptyFile) { try makeArena(1).appendSnapshot(to: path) }
        let missing = folder.file("missing.drsnap")
        #expect(throws: SnapshotError.system(operation: "open", path: missing, errno: ENOENT)) {
            try makeArena(1).appendSnapshot(to: missing)
        }
    }
}
