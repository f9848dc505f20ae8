import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// Every defect gets its own typed error, naming the offset, from all three readers; none traps.
@Suite("Snapshot bad files")
struct SnapshotBadFileTests {
    /// 100 records in blocks of 16: 7 blocks, the last holding 4.
    static let count = 100, perBlock = 16

    /// A fresh, valid snapshot's bytes and a scratch path to write variants to.
    func sample() throws -> (folder: ScratchFolder, path: String, bytes: [UInt8]) {
        let folder = try ScratchFolder()
        let path = folder.file("sample.drsnap")
        try makeArena(Self.count).writeSnapshot(to: path, options: .init(recordsPerBlock: Self.perBlock, creationTimeNanoseconds: 7))
        return (folder, path, try bytes(of: path))
    }

    /// Writes `bytes` and checks that every reader reports `expected`.
    func expectAllReaders(_ bytes: [UInt8], at path: String, report expected: SnapshotError,
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
        try write(bytes, to: path)
        let errors = openErrors(path)
        #expect(errors.mapped == expected, sourceLocation: sourceLocation)
        #expect(errors.loaded == expected, sourceLocation: sourceLocation)
        #expect(errors.validated == expected, sourceLocation: sourceLocation)
    }

    /// The file offset of block `block`'s trailer in the sample.
    func trailerOffset(ofBlock block: Int) -> Int {
        let stride = Self.perBlock * 21 + SnapshotFormat.trailerSize
        let records = Swift.min(Self.perBlock, Self.count - block * Self.perBlock)
        return SnapshotFormat.dataOffset + block * stride + records * 21
    }

    @Test("A zero-length file")
    func emptyFile() throws {
        let (folder, path, _) = try sample()
        defer { withExtendedLifetime(folder) {} }
        try expectAllReaders([], at: path, report: .emptyFile)
        #expect(SnapshotError.emptyFile.description.contains("empty"))
    }

    @Test("Truncated inside the header region")
    func truncatedHeader() throws {
        let (folder, path, bytes) = try sample()
        defer { withExtendedLifetime(folder) {} }
        try expectAllReaders(Array(bytes.prefix(100)), at: path, report: .truncated(fileSize: 100, requiredSize: 8192))
        try expectAllReaders(Array(bytes.prefix(5)), at: path, report: .truncated(fileSize: 5, requiredSize: 8192))
    }

    @Test("Truncated inside the blocks")
    func truncatedBlocks() throws {
        let (folder, path, bytes) = try sample()
        defer { withExtendedLifetime(folder) {} }
        let cut = bytes.count - 10
        try expectAllReaders(Array(bytes.prefix(cut)), at: path, report: .truncated(fileSize: cut, requiredSize: bytes.count))
        let error = SnapshotError.truncated(fileSize: cut, requiredSize: bytes.count)
        #expect(error.description.contains("offset \(cut)"))
    }

    @Test("A wrong magic")
    func wrongMagic() throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        bytes[0] = 0x88
        let found = loadLE(UInt64.self, bytes, 0)
        try expectAllReaders(bytes, at: path, report: .badMagic(offset: 0, found: found))
        // Something that is not a snapshot at all.
        let text = Array("sensor_id,timestamp,value,unit\n".utf8)
        try expectAllReaders(text, at: path, report: .badMagic(offset: 0, found: loadLE(UInt64.self, text, 0)))
    }

    @Test("A future format version")
    func futureVersion() throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        storeLE(SnapshotFormat.currentVersion + 1, &bytes, 8)
        resealHeader(&bytes)
        try expectAllReaders(bytes, at: path, report: .unsupportedVersion(
            offset: 8, version: SnapshotFormat.currentVersion + 1, newestSupported: SnapshotFormat.currentVersion))
    }

    @Test("A flipped bit in the header", arguments: [9, 16, 33, 50, 65, 100])
    func flippedHeaderBit(offset: Int) throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        bytes[offset] ^= 0x04
        let stored = loadLE(UInt32.self, bytes, 72)
        var corrected = bytes
        resealHeader(&corrected)
        let computed = loadLE(UInt32.self, corrected, 72)
        if offset == 9 {
            // The version's high byte: caught as a version from the future before the checksum.
            try expectAllReaders(bytes, at: path, report: .unsupportedVersion(
                offset: 8, version: 0x0400 | SnapshotFormat.currentVersion, newestSupported: SnapshotFormat.currentVersion))
        } else {
            try expectAllReaders(bytes, at: path, report: .headerChecksumMismatch(offset: 0, stored: stored, computed: computed))
        }
    }

    @Test("A flipped bit in a block's records is found by verify, not by open", arguments: [0, 3, 6])
    func flippedRecordBit(block: Int) throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        let trailer = trailerOffset(ofBlock: block)
        bytes[trailer - 5] ^= 0x80
        try write(bytes, to: path)
        // Opening reads only the header: it succeeds.
        let mapped = try MappedSnapshot(contentsOf: path)
        #expect(mapped.count == Self.count)
        let stored = loadLE(UInt32.self, bytes, trailer)
        var computed: UInt32 = 0
        do {
            try mapped.verify()
            Issue.record("verify passed a damaged block")
        } catch {
            guard case let .blockChecksumMismatch(badBlock, offset, storedCRC, computedCRC) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(badBlock == block && offset == trailer && storedCRC == stored && computedCRC != stored)
            computed = computedCRC
        }
        let expected = SnapshotError.blockChecksumMismatch(block: block, offset: trailer, stored: stored, computed: computed)
        try expectAllReaders(bytes, at: path, report: expected)
        // Blocks before the bad one were verified and stay so; the bad one is not.
        #expect(mapped.verifiedBlockCount == block)
        #expect(!mapped.isBlockVerified(block))
        #expect(throws: expected) { try mapped.verifiedRecord(at: block * Self.perBlock) }
        // The good blocks still read through the checked API.
        if block > 0 { #expect(try mapped.verifiedRecord(at: 0) == record(0)) }
    }

    @Test("A flipped bit in a block trailer's checksum")
    func flippedTrailerBit() throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        let trailer = trailerOffset(ofBlock: 2)
        let computed = loadLE(UInt32.self, bytes, trailer)
        bytes[trailer] ^= 0x01
        try expectAllReaders(bytes, at: path, report: .blockChecksumMismatch(
            block: 2, offset: trailer, stored: loadLE(UInt32.self, bytes, trailer), computed: computed))
    }

    @Test("A record count that disagrees with the file size")
    func recordCountMismatch() throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        // One record more, in the header and in its single segment, with the checksum made good.
        storeLE(UInt64(Self.count + 1), &bytes, 32)
        storeLE(UInt64(Self.count + 1), &bytes, 96 + 8)
        resealHeader(&bytes)
        let described = SnapshotFormat.dataOffset + segmentBytes(records: Self.count + 1, blocks: 7)
        try expectAllReaders(bytes, at: path, report: .recordCountMismatch(
            offset: 32, recordCount: Self.count + 1, describedSize: described, headerFileSize: original.count))
    }

    @Test("A header whose record count disagrees with its segment table")
    func recordCountVersusSegments() throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        storeLE(UInt64(Self.count - 1), &bytes, 32)
        resealHeader(&bytes)
        let described = original.count
        try expectAllReaders(bytes, at: path, report: .recordCountMismatch(
            offset: 32, recordCount: Self.count - 1, describedSize: described, headerFileSize: original.count))
    }

    @Test("Header fields out of range give invalidHeader at the field's offset",
          arguments: [(12, UInt64(22)), (14, 2), (16, 0), (20, 9), (24, 1), (40, 8)])
    func invalidFields(field: Int, value: UInt64) throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        switch field {
        case 12, 14: storeLE(UInt16(value), &bytes, field)
        case 16, 20: storeLE(UInt32(value), &bytes, field)
        default: storeLE(value, &bytes, field)
        }
        resealHeader(&bytes)
        try write(bytes, to: path)
        let errors = openErrors(path)
        guard case let .invalidHeader(offset, reason) = errors.mapped else {
            Issue.record("expected invalidHeader, got \(String(describing: errors.mapped))")
            return
        }
        #expect(offset == field && !reason.isEmpty)
        #expect(errors.loaded == errors.mapped && errors.validated == errors.mapped)
    }

    @Test("A non-zero reserved header byte gives invalidHeader at its offset", arguments: Array(76..<96))
    func reservedByte(offset: Int) throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        bytes[offset] = 0x01
        resealHeader(&bytes)
        try expectAllReaders(bytes, at: path, report: .invalidHeader(offset: offset, reason: "reserved byte is 0x1, not zero"))
    }

    @Test("Two blocks swapped: each matches its checksum but not its place")
    func misplacedBlock() throws {
        let (folder, path, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        let stride = Self.perBlock * 21 + SnapshotFormat.trailerSize
        let first = SnapshotFormat.dataOffset + stride, second = first + stride
        let blockOne = Array(bytes[first..<second])
        bytes.replaceSubrange(first..<second, with: bytes[second..<(second + stride)])
        bytes.replaceSubrange(second..<(second + stride), with: blockOne)
        try expectAllReaders(bytes, at: path, report: .misplacedBlock(
            block: 1, offset: first + Self.perBlock * 21,
            reason: "its trailer names block 2 with 16 records, expected block 1 with 16"))
    }

    @Test("Every prefix of a snapshot is rejected with an error, never a trap")
    func everyPrefix() throws {
        let (folder, _, bytes) = try sample()
        defer { withExtendedLifetime(folder) {} }
        for length in 0..<bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(SnapshotError) in try SnapshotFormat.validate(UnsafeRawBufferPointer(rebasing: raw[0..<length])) }
            }
            guard case let .failure(error) = result else {
                Issue.record("a \(length)-byte prefix validated")
                return
            }
            switch error {
            case .emptyFile: #expect(length == 0)
            case .truncated(let size, _): #expect(size == length)
            default: Issue.record("a \(length)-byte prefix gave \(error)")
            }
        }
    }

    @Test("Random corruption is always reported or harmless, never a trap")
    func randomCorruption() throws {
        let (folder, _, original) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var generator = SplitMix64(seed: 0x5EED)
        var rejected = 0
        for _ in 0..<3_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let offset = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[offset] ^= UInt8.random(in: 1...255, using: &generator)
            }
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(SnapshotError) in try SnapshotFormat.validate(raw) }
            }
            if case .failure = result { rejected += 1 }
        }
        // Flips in slot B (unused) or in the zero padding of slot A are harmless; most others are caught.
        #expect(rejected > 1_000)
    }
}
