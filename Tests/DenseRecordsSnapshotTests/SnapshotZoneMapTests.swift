import CDenseRecordsShims
import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// The reference: each block's zone map recomputed field by field from the records.
private func referenceMaps(_ records: [SensorRecord], perBlock: Int, segments: [Int]) -> [ZoneMap] {
    var maps: [ZoneMap] = []
    var start = 0
    for length in segments {
        for blockStart in stride(from: start, to: start + length, by: perBlock) {
            let slice = records[blockStart..<Swift.min(blockStart + perBlock, start + length)]
            var map = ZoneMap()
            map.recordCount = slice.count
            map.minSensorID = slice.map(\.sensorID).min()!
            map.maxSensorID = slice.map(\.sensorID).max()!
            map.minTimestamp = slice.map(\.timestampNanoseconds).min()!
            map.maxTimestamp = slice.map(\.timestampNanoseconds).max()!
            map.minUnitCode = slice.map(\.raw.unit).min()!
            map.maxUnitCode = slice.map(\.raw.unit).max()!
            let values = slice.map(\.value).filter { !$0.isNaN }
            map.nanCount = slice.count - values.count
            map.minValue = values.min() ?? .infinity
            map.maxValue = values.max() ?? -.infinity
            maps.append(map)
        }
        start += length
    }
    return maps
}

private func awkward(_ count: Int, using rng: inout SplitMix64) -> [SensorRecord] {
    let values: [Double] = [.nan, -0.0, 0.0, .infinity, -.infinity, .greatestFiniteMagnitude]
    return (0..<count).map { _ in
        SensorRecord(
            sensorID: Int.random(in: 0..<10, using: &rng) == 0 ? .max : UInt32.random(in: 0..<100, using: &rng),
            timestampNanoseconds: Int.random(in: 0..<10, using: &rng) == 0 ? .min : Int64.random(in: -1_000...1_000, using: &rng),
            value: Bool.random(using: &rng) ? values.randomElement(using: &rng)! : Double.random(in: -5...5, using: &rng),
            unit: SensorUnit(rawValue: UInt8.random(in: 0...8, using: &rng)))
    }
}

private func arena(_ records: [SensorRecord]) throws -> RecordArena {
    let arena = RecordArena()
    try arena.append(contentsOf: records)
    return arena
}

@Suite("Snapshot zone maps, format versions and inspection")
struct SnapshotZoneMapTests {
    @Test("Round trips in versions 1 and 2, with appends: every block's zone map equals the recomputed one",
          arguments: [(1, 2), (2, 2), (3, 1), (4, 1)] as [(UInt64, UInt16)])
    func roundTrip(seed: UInt64, version: UInt16) throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("zones.drsnap")
        var rng = SplitMix64(seed: seed)
        let perBlock = Int.random(in: 1...64, using: &rng)
        var records = awkward(Int.random(in: 1...500, using: &rng), using: &rng)
        var segments = [records.count]
        try arena(records).writeSnapshot(to: path, options: .init(formatVersion: version, recordsPerBlock: perBlock))
        for _ in 0..<3 {
            let more = awkward(Int.random(in: 1...200, using: &rng), using: &rng)
            try arena(more).appendSnapshot(to: path)
            records += more
            segments.append(more.count)
        }
        let mapped = try MappedSnapshot(contentsOf: path)
        #expect(mapped.header.formatVersion == version, "an append keeps the file's version")
        #expect(Array(mapped) == records)
        try mapped.verify()
        let expected = referenceMaps(records, perBlock: perBlock, segments: segments)
        #expect((0..<mapped.blockCount).map { mapped.zoneMap(ofBlock: $0) } == expected)
        var read: [SensorRecord] = []
        for block in 0..<mapped.blockCount {
            mapped.withBlock(block, columns: .all) { (block: RecordBlock) in
                if case .rows(let rows) = block { read += rows.map(SensorRecord.init) }
            }
        }
        #expect(read == records)
        let inspection = try SnapshotInspection(contentsOf: path, verify: true)
        #expect(inspection.checksumsWereChecked && inspection.verificationError == nil)
        #expect(inspection.zoneMapsAreStored == (version == 2))
        #expect(inspection.blocks.map(\.zoneMap) == expected)
        #expect(inspection.blocks.allSatisfy { $0.kind == .packedRows })
        #expect(inspection.zoneMap.recordCount == records.count)
    }

    @Test("The committed version 1 fixtures read as before, with zone maps computed from their records")
    func versionOneFixture() throws {
        let path = repositoryRoot.appendingPathComponent("Fuzz/Corpus/snapshot/valid-appended.drsnap").path
        let mapped = try MappedSnapshot(contentsOf: path)
        #expect(mapped.header.formatVersion == 1)
        #expect(holdsExactly(mapped, mapped.count))
        let records = Array(mapped)
        let segments = mapped.header.segments.map(\.recordCount)
        #expect((0..<mapped.blockCount).map { mapped.zoneMap(ofBlock: $0) }
            == referenceMaps(records, perBlock: mapped.header.recordsPerBlock, segments: segments))
        // Saving it again writes version 2 with the same records and zone maps.
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let copy = folder.file("copy.drsnap")
        try mapped.writeSnapshot(to: copy, options: .init(recordsPerBlock: mapped.header.recordsPerBlock))
        let rewritten = try MappedSnapshot(contentsOf: copy)
        #expect(rewritten.header.formatVersion == 2 && Array(rewritten) == records)
        #expect((0..<rewritten.blockCount).map { rewritten.zoneMap(ofBlock: $0) }
            == referenceMaps(records, perBlock: mapped.header.recordsPerBlock, segments: [records.count]))
    }

    /// A version 2 sample of 40 records in blocks of 16, its bytes, and where its directory starts.
    func sample() throws -> (folder: ScratchFolder, path: String, bytes: [UInt8], directory: Int) {
        let folder = try ScratchFolder()
        let path = folder.file("sample.drsnap")
        try makeArena(40).writeSnapshot(to: path, options: .init(recordsPerBlock: 16))
        return (folder, path, try bytes(of: path), SnapshotFormat.dataOffset + 40 * 21 + 3 * SnapshotFormat.trailerSize)
    }

    /// Recomputes the sample directory's CRC32C, as a writer of bad files would.
    func resealDirectory(_ bytes: inout [UInt8], at directory: Int, entries: Int) {
        let trailer = directory + entries * SnapshotFormat.directoryEntrySize
        let covered = Array(bytes[directory..<trailer]) + Array(bytes[(trailer + 4)..<(trailer + 16)])
        let crc = covered.withUnsafeBytes { dr_crc32c(0, $0.baseAddress, $0.count) }
        storeLE(crc, &bytes, trailer)
    }

    @Test("A damaged block directory is refused when the snapshot opens")
    func damagedDirectory() throws {
        let (folder, path, original, directory) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        bytes[directory + 30] ^= 0x01
        try write(bytes, to: path)
        #expect(throws: SnapshotError.self) { try MappedSnapshot(contentsOf: path) }
        // The same damage with the CRC32C made good is caught by the entry checks:
        // a kind this reader does not know.
        bytes = original
        bytes[directory + SnapshotFormat.directoryEntrySize] = 7
        resealDirectory(&bytes, at: directory, entries: 3)
        try write(bytes, to: path)
        #expect {
            try MappedSnapshot(contentsOf: path)
        } throws: { error in
            guard case let .invalidBlockDirectory(segment, offset, reason) = error as? SnapshotError else { return false }
            return segment == 0 && offset == directory + SnapshotFormat.directoryEntrySize && reason.contains("kind 7")
        }
    }

    @Test("A zone map that lies, under a good CRC32C, opens but fails verification")
    func lyingZoneMap() throws {
        let (folder, path, original, directory) = try sample()
        defer { withExtendedLifetime(folder) {} }
        var bytes = original
        // Block 0's largest value, raised: still a consistent range, but not the records'.
        let maxValue = directory + 56
        let raised = Double(bitPattern: loadLE(UInt64.self, bytes, maxValue)) + 1
        storeLE(raised.bitPattern, &bytes, maxValue)
        resealDirectory(&bytes, at: directory, entries: 3)
        try write(bytes, to: path)
        let mapped = try MappedSnapshot(contentsOf: path)
        #expect(mapped.zoneMap(ofBlock: 0).maxValue == raised)
        #expect(throws: SnapshotError.self) { try mapped.verify() }
        let inspection = try SnapshotInspection(contentsOf: path, verify: true)
        guard case .invalidBlockDirectory(0, directory, _)? = inspection.verificationError else {
            Issue.record("verification reported \(String(describing: inspection.verificationError))")
            return
        }
    }
}
