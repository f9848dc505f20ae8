import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// A damaged committed header is reported; an interrupted append still opens as the generation before it.
///
/// The sample is 10 records in blocks of 4 (generation 0, slot A), then 10
/// more appended (generation 1, slot B). Generation 0 ends at byte 8706 (its
/// blocks, then its version 2 block directory), so the first block of
/// generation 1 has its trailer at 8706 + 4 × 21 = 8790.
@Suite("Snapshot header rollback")
struct SnapshotRollbackTests {
    static let generationZeroEnd = SnapshotFormat.dataOffset + segmentBytes(records: 10, blocks: 3)
    static let firstNewTrailer = generationZeroEnd + 4 * 21

    /// A snapshot at generation 1 (20 records), its bytes, and its folder.
    func appended() throws -> (folder: ScratchFolder, path: String, bytes: [UInt8]) {
        let folder = try ScratchFolder()
        let path = folder.file("rollback.drsnap")
        try makeArena(10).writeSnapshot(to: path, options: .init(recordsPerBlock: 4))
        try makeArena(10, first: 10).appendSnapshot(to: path)
        return (folder, path, try bytes(of: path))
    }

    /// Writes `bytes` and checks that every reader, and an append, report `expected`, and that the append changed nothing.
    func expectRefused(_ bytes: [UInt8], at path: String, _ expected: SnapshotError,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        try write(bytes, to: path)
        let errors = openErrors(path)
        #expect(errors.mapped == expected, sourceLocation: sourceLocation)
        #expect(errors.loaded == expected, sourceLocation: sourceLocation)
        #expect(errors.validated == expected, sourceLocation: sourceLocation)
        #expect(throws: expected, sourceLocation: sourceLocation) { try makeArena(3, first: 20).appendSnapshot(to: path) }
        #expect(try SnapshotRollbackTestsFile.bytes(path) == bytes, "the append cut or wrote bytes", sourceLocation: sourceLocation)
    }

    /// Writes `bytes` and checks that every reader sees exactly the first `count` records, and that an append then works.
    func expectOpens(_ bytes: [UInt8], at path: String, holding count: Int,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        try write(bytes, to: path)
        let errors = openErrors(path)
        #expect(errors.mapped == nil && errors.loaded == nil && errors.validated == nil, "\(errors)", sourceLocation: sourceLocation)
        #expect(holdsExactly(try MappedSnapshot(contentsOf: path), count), sourceLocation: sourceLocation)
        try makeArena(3, first: count).appendSnapshot(to: path)
        let grown = try MappedSnapshot(contentsOf: path)
        try grown.verify()
        #expect(holdsExactly(grown, count + 3), sourceLocation: sourceLocation)
    }

    @Test("One damaged byte in the current slot B is reported, naming both generations",
          arguments: [0, 8, 14, 15, 20, 24, 32, 40, 64, 72, 80, 100, 127])
    func damagedCurrentSlotB(offset: Int) throws {
        let (folder, path, original) = try appended()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        bytes[SnapshotFormat.slotSize + offset] ^= 0x5A
        try expectRefused(bytes, at: path, .damagedNewerHeader(
            slotOffset: SnapshotFormat.slotSize, olderGeneration: 0, newerGeneration: 1, blockOffset: Self.firstNewTrailer))
    }

    @Test("One damaged byte in the current slot A is reported too")
    func damagedCurrentSlotA() throws {
        let (folder, path, _) = try appended()
        defer { withExtendedLifetime(folder) {} }
        try makeArena(2, first: 20).appendSnapshot(to: path)  // generation 2, in slot A: one block of 2 records
        var bytes = try bytes(of: path)
        let generationOneEnd = Self.generationZeroEnd + segmentBytes(records: 10, blocks: 3)
        bytes[100] ^= 0x01
        try expectRefused(bytes, at: path, .damagedNewerHeader(
            slotOffset: 0, olderGeneration: 1, newerGeneration: 2, blockOffset: generationOneEnd + 2 * 21))
        let error = SnapshotError.damagedNewerHeader(slotOffset: 0, olderGeneration: 1, newerGeneration: 2, blockOffset: 9)
        #expect(error.description.contains("generation 2") && error.description.contains("generation 1"))
    }

    @Test("An append that never committed opens as the generation before it")
    func uncommittedSlot() throws {
        let (folder, path, original) = try appended()
        defer { withExtendedLifetime(folder) {} }
        // Slot B as the append wrote it before its blocks: flagged uncommitted, CRC valid.
        var bytes = original
        storeLE(UInt16(0x8000), &bytes, SnapshotFormat.slotSize + 14)
        resealHeader(&bytes, slot: SnapshotFormat.slotSize)
        try expectOpens(bytes, at: path, holding: 10)
        // The next append cut the uncommitted blocks and replaced them.
        #expect(try Self.size(path) == Self.generationZeroEnd + segmentBytes(records: 3, blocks: 1))
    }

    @Test("A commit write torn between the uncommitted and the committed slot opens as the generation before it",
          arguments: [0, 1, 2, 3])
    func tornCommit(variant: Int) throws {
        let (folder, path, original) = try appended()
        defer { withExtendedLifetime(folder) {} }
        let slot = SnapshotFormat.slotSize
        var pending = original
        storeLE(UInt16(0x8000), &pending, slot + 14)
        resealHeader(&pending, slot: slot)
        let committedCRC = loadLE(UInt32.self, original, slot + 72), pendingCRC = loadLE(UInt32.self, pending, slot + 72)
        var bytes = original
        switch variant {
        case 0: storeLE(UInt16(0x8000), &bytes, slot + 14)  // flags landed, checksum not
        case 1: storeLE(pendingCRC, &bytes, slot + 72)  // checksum landed, flags not
        case 2: storeLE((committedCRC & 0x0000_FFFF) | (pendingCRC & 0xFFFF_0000), &bytes, slot + 72)
        default:
            storeLE(UInt16(0x8000), &bytes, slot + 14)
            storeLE((pendingCRC & 0x00FF_00FF) | (committedCRC & 0xFF00_FF00), &bytes, slot + 72)
        }
        try expectOpens(bytes, at: path, holding: 10)
    }

    @Test("A damaged older slot, or a damaged slot with no checksummed block past the end, falls back")
    func damagedWithoutEvidence() throws {
        let (folder, path, original) = try appended()
        defer { withExtendedLifetime(folder) {} }
        // The older slot (generation 0) damaged: generation 1 is the newest anyway.
        var bytes = original
        bytes[40] ^= 0xFF
        try expectOpens(bytes, at: path, holding: 20)
        // Generation 1's slot damaged while it was being written over generation 0's,
        // before any block: nothing but junk follows generation 0's end.
        bytes = Array(original[0..<Self.generationZeroEnd]) + [UInt8](repeating: 0xAB, count: 500)
        bytes[SnapshotFormat.slotSize + 40] ^= 0xFF
        try expectOpens(bytes, at: path, holding: 10)
    }

    static func size(_ path: String) throws -> Int { try SnapshotRollbackTestsFile.bytes(path).count }
}

/// Qualified access to the file reader, which the test's `bytes` locals shadow.
enum SnapshotRollbackTestsFile {
    static func bytes(_ path: String) throws -> [UInt8] { try DenseRecordsSnapshotTests.bytes(of: path) }
}
