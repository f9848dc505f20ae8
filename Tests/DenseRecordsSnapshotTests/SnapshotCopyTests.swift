import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// Copying out of an unverified `MappedSnapshot` checks each block on the way, so corruption is never re-checksummed.
@Suite("Snapshot copies from a mapped snapshot")
struct SnapshotCopyTests {
    /// A 100-record source in blocks of 16 whose block 2 has one flipped payload bit, opened without verifying.
    func damagedSource(in folder: ScratchFolder) throws -> (source: MappedSnapshot, expected: SnapshotError) {
        let path = folder.file("source.drsnap")
        try makeArena(100).writeSnapshot(to: path, options: .init(recordsPerBlock: 16))
        var bytes = try bytes(of: path)
        let trailer = SnapshotFormat.dataOffset + 2 * (16 * 21 + SnapshotFormat.trailerSize) + 16 * 21
        bytes[trailer - 30] ^= 0x10
        try write(bytes, to: path)
        let source = try MappedSnapshot(contentsOf: path)
        var expected: SnapshotError?
        do { try source.verifyBlock(2) } catch { expected = error }
        return (try MappedSnapshot(contentsOf: path), try #require(expected))
    }

    @Test("writeSnapshot from a damaged mapped snapshot throws the block's error and leaves no file")
    func saveRefusesDamage() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let (source, expected) = try damagedSource(in: folder)
        let target = folder.file("copy.drsnap")
        #expect(throws: expected) { try source.writeSnapshot(to: target, options: .init(recordsPerBlock: 16)) }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["source.drsnap"])
        // Also with a block size that does not line up with the source's blocks.
        #expect(throws: expected) { try source.writeSnapshot(to: target, options: .init(recordsPerBlock: 7)) }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("appendSnapshot from a damaged mapped snapshot throws the block's error and leaves the target as it was")
    func appendRefusesDamage() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let (source, expected) = try damagedSource(in: folder)
        let target = folder.file("target.drsnap")
        try makeArena(50).writeSnapshot(to: target, options: .init(recordsPerBlock: 16))
        let before = try bytes(of: target)
        #expect(throws: expected) { try source.appendSnapshot(to: target) }
        // The bytes the failed append wrote past the committed end are cut; slot B holds its
        // uncommitted header, which readers skip.
        let after = try bytes(of: target)
        #expect(after.count == before.count)
        #expect(after[0..<SnapshotFormat.slotSize] == before[0..<SnapshotFormat.slotSize])
        #expect(after[SnapshotFormat.dataOffset...] == before[SnapshotFormat.dataOffset...])
        let reopened = try MappedSnapshot(contentsOf: target)
        try reopened.verify()
        #expect(holdsExactly(reopened, 50))
    }

    @Test("Copying a healthy mapped snapshot verifies each block once and keeps the records")
    func healthyCopy() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("source.drsnap"), target = folder.file("copy.drsnap")
        try makeArena(100).writeSnapshot(to: path, options: .init(recordsPerBlock: 16))
        let source = try MappedSnapshot(contentsOf: path)
        try source.writeSnapshot(to: target, options: .init(recordsPerBlock: 10))
        #expect(source.verifiedBlockCount == source.header.blockCount)
        try source.appendSnapshot(to: target)
        let copy = try MappedSnapshot(contentsOf: target)
        try copy.verify()
        #expect(copy.count == 200 && Array(copy[0..<100]) == Array(copy[100..<200]) && holdsExactly(Array(copy[0..<100])[...], 100))
    }
}

private func holdsExactly(_ records: ArraySlice<SensorRecord>, _ count: Int) -> Bool {
    records.count == count && records.enumerated().allSatisfy { $0.element == record($0.offset) }
}
