import DenseRecordsArena
import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsQuery
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// Several sensors, regular timestamps with gaps, two-decimal values with NaN,
/// `-0.0`, infinities and unknown unit codes mixed in, in arrival (time) order.
func compressibleRecords(_ count: Int, sensors: UInt32 = 7) -> [SensorRecord] {
    (0..<count).map { i in
        let sensor = UInt32(i) % sensors
        let step = Int64(i) / Int64(sensors)
        let value: Double =
            switch i % 97 {
            case 13: .nan
            case 14: Double(bitPattern: 0x7FF8_0000_0000_BEEF)
            case 15: -0.0
            case 16: .infinity
            default: Double((i &* 7_919) % 5_000 - 2_500) / 100
            }
        return SensorRecord(sensor_record_t(
            sensor_id: sensor * 11, timestamp_ns: 1_700_000_000_000_000_000 + step * 60_000_000_000 + (i % 89 == 0 ? 7 : 0),
            value: value, unit: i % 211 == 0 ? 250 : UInt8(sensor % 4)))
    }
}

/// The records in the order a compressed store keeps them: by sensor, then time, then arrival.
func storeOrder(_ records: [SensorRecord]) -> [SensorRecord] {
    records.enumerated().sorted { a, b in
        (a.element.sensorID, a.element.timestampNanoseconds, a.offset) < (b.element.sensorID, b.element.timestampNanoseconds, b.offset)
    }.map(\.element)
}

@Suite("Compressed columnar snapshots")
struct CompressedSnapshotTests {
    @Test("A compressed snapshot maps back bit for bit, through every reader", arguments: [0, 1, 700, 20_000])
    func roundTrip(count: Int) throws {
        let folder = try ScratchFolder()
        let path = folder.file("compressed.drsnap")
        let input = compressibleRecords(count)
        let arena = RecordArena()
        try arena.append(contentsOf: input)
        let header = try arena.writeSnapshot(
            to: path, options: { var o = SnapshotWriteOptions(); o.compression = .columnar(ColumnarOptions(recordsPerBlock: 1_024)); return o }())
        #expect(header.isCompressed)
        #expect(header.recordCount == count)
        let model = storeOrder(input)

        let mapped = try MappedSnapshot(contentsOf: path)
        #expect(mapped.header == header)
        #expect(mapped.count == count)
        #expect(mapped.blockCount == header.blockCount)
        #expect(mapped.verifiedBlockCount == header.blockCount, "every compressed block is checked at open")
        try mapped.verify()
        #expect(Array(mapped) == model)
        #expect(chunkScan(mapped) == model)
        #expect(mapped.map(\.value.bitPattern) == model.map(\.value.bitPattern))
        if count > 0 {
            #expect(mapped.recordOrdering == .sensorThenTime)
            #expect(try mapped.verifiedRecord(at: count - 1) == model[count - 1])
            let store = try #require(mapped.compressedRecords)
            #expect(store.indices(ofSensor: 22).count == model.filter { $0.sensorID == 22 }.count)
            for block in 0..<mapped.blockCount {
                let info = mapped.blockInfo(block)
                #expect(info.kind == .columnar)
                #expect(info.zoneMap == store.zoneMap(ofBlock: block))
                #expect(info.zoneMap == zoneMapOf(model[store.indices(ofBlock: block)]))
            }
            // The store keeps the mapping alive on its own, after its snapshot is gone.
            let survivor = try { () throws -> CompressedRecords? in try MappedSnapshot(contentsOf: path).compressedRecords }()
            #expect(survivor?[0] == model[0])
        } else {
            #expect(mapped.compressedRecords == nil)
        }
        let loaded = try RecordArena(contentsOfSnapshot: path)
        #expect(Array(loaded) == model)
        #expect(try bytes(of: path).withUnsafeBytes { (raw) throws(SnapshotError) in try SnapshotFormat.validate(raw) } == header)
        // Rewritten as packed rows, and back: the same records.
        let packedPath = folder.file("packed.drsnap")
        let packed = try mapped.writeSnapshot(to: packedPath)
        #expect(!packed.isCompressed)
        #expect(Array(try MappedSnapshot(contentsOf: packedPath)) == model)
        let againPath = folder.file("again.drsnap")
        var options = SnapshotWriteOptions()
        options.compression = .columnar()
        _ = try MappedSnapshot(contentsOf: packedPath).writeSnapshot(to: againPath, options: options)
        #expect(Array(try MappedSnapshot(contentsOf: againPath)) == model)
    }

    @Test("Queries over the mapped compressed blocks equal the same queries over the packed snapshot")
    func queriesMatchPacked() throws {
        let folder = try ScratchFolder()
        let input = compressibleRecords(30_000, sensors: 9)
        let arena = RecordArena()
        // The packed snapshot holds the store's order, so first/last ties and sums agree too.
        try arena.append(contentsOf: storeOrder(input))
        let packedPath = folder.file("packed.drsnap"), compressedPath = folder.file("compressed.drsnap")
        try arena.writeSnapshot(to: packedPath, options: SnapshotWriteOptions(recordsPerBlock: 4_096))
        var options = SnapshotWriteOptions()
        options.compression = .columnar(ColumnarOptions(recordsPerBlock: 2_048))
        try arena.writeSnapshot(to: compressedPath, options: options)
        let packed = try MappedSnapshot(contentsOf: packedPath)
        let compressed = try MappedSnapshot(contentsOf: compressedPath)
        #expect(compressed.header.fileSize * 4 < packed.header.fileSize, "compressed blocks are several times smaller")
        let aggregates: [QueryAggregate] = [.count, .min, .max, .first, .last, .exactQuantile(0.5)]
        var window = RecordFilter(sensorIDs: [11, 44])
        window.timestamps(from: 1_700_000_000_000_000_000 + 60_000_000_000 * 500, to: 1_700_000_000_000_000_000 + 60_000_000_000 * 2_000)
        for query in [
            RecordQuery(aggregates: aggregates),
            RecordQuery(grouping: .sensor, aggregates: aggregates),
            RecordQuery(filter: window, grouping: .sensor, aggregates: aggregates + [.sum, .mean]),
            RecordQuery(filter: RecordFilter(valueRange: -5...5), grouping: .sensorAndTimeBucket(.seconds(86_400)), aggregates: aggregates),
            RecordQuery(filter: RecordFilter(units: [.celsius]), aggregates: aggregates),
        ] {
            let fromCompressed = try compressed.query(query)
            let fromPacked = try packed.query(query)
            #expect(fromCompressed.groups == fromPacked.groups, "\(query)")
            #expect(fromCompressed.skippedNaNCount == fromPacked.skippedNaNCount)
            #expect(!fromCompressed.groups.isEmpty)
        }
    }

    @Test("A damaged compressed block is refused by every reader, naming the block")
    func checksumCorruptionNamesTheBlock() throws {
        let folder = try ScratchFolder()
        let path = folder.file("compressed.drsnap")
        let arena = RecordArena()
        try arena.append(contentsOf: compressibleRecords(10_000))
        var options = SnapshotWriteOptions()
        options.compression = .columnar(ColumnarOptions(recordsPerBlock: 1_000))
        let header = try arena.writeSnapshot(to: path, options: options)
        let mapped = try MappedSnapshot(contentsOf: path)
        let target = header.blockCount / 2
        let info = mapped.blockInfo(target)
        var original = try bytes(of: path)
        for offset in [info.fileOffset + 100, info.fileOffset + info.byteCount - 1] {
            var damaged = original
            damaged[offset] ^= 0x10
            let damagedPath = folder.file("damaged-\(offset).drsnap")
            try write(damaged, to: damagedPath)
            let errors = openErrors(damagedPath)
            for error in [errors.mapped, errors.loaded, errors.validated] {
                guard case let .compressedBlockDamaged(block, at, reason) = error else {
                    Issue.record("expected compressedBlockDamaged, got \(String(describing: error))")
                    continue
                }
                #expect(block == target)
                #expect(at == info.fileOffset)
                #expect(reason.contains("CRC32C"))
                #expect(error!.description.contains("compressed block \(target)"), "\(error!.description)")
            }
        }
        // A directory entry whose checksum field is damaged fails the directory's own CRC32C.
        original[header.fileSize - SnapshotFormat.directoryEntrySize * (header.blockCount - target) - 16 + 68] ^= 1
        try write(original, to: path)
        #expect(throws: SnapshotError.self) { try MappedSnapshot(contentsOf: path) }
    }

    @Test("Appending to a compressed snapshot is refused; packed v1 and v2 files stay readable beside it")
    func sealedAndOlderFormatsStayReadable() throws {
        let folder = try ScratchFolder()
        let arena = try makeArena(5_000)
        let compressedPath = folder.file("c.drsnap"), v1 = folder.file("v1.drsnap"), v2 = folder.file("v2.drsnap")
        var options = SnapshotWriteOptions()
        options.compression = .columnar()
        try arena.writeSnapshot(to: compressedPath, options: options)
        let before = try bytes(of: compressedPath)
        #expect(throws: SnapshotError.appendToCompressedSnapshot(path: compressedPath)) { try arena.appendSnapshot(to: compressedPath) }
        #expect(try bytes(of: compressedPath) == before)
        try arena.writeSnapshot(to: v1, options: SnapshotWriteOptions(formatVersion: 1, recordsPerBlock: 1_000))
        try arena.writeSnapshot(to: v2, options: SnapshotWriteOptions(recordsPerBlock: 1_000))
        for path in [v1, v2] {
            let mapped = try MappedSnapshot(contentsOf: path)
            try mapped.verify()
            #expect(!mapped.header.isCompressed && mapped.compressedRecords == nil)
            #expect(holdsExactly(mapped, 5_000))
            #expect(mapped.blockInfo(0).kind == .packedRows)
        }
        #expect(Array(try RecordArena(contentsOfSnapshot: compressedPath)) == storeOrder(Array(arena)))
        let compressed = try MappedSnapshot(contentsOf: compressedPath)
        #expect(compressed.count == 5_000)
        #expect(Set(compressed.map { $0.sensorID }) == Set(arena.map { $0.sensorID }))
        // The columnar flag on a packed file: its kind-0 directory entries are refused, by block.
        var flagged = try bytes(of: v2)
        storeLE(UInt16(1), &flagged, 14)
        resealHeader(&flagged)
        try write(flagged, to: v2)
        let errors = openErrors(v2)
        guard case let .invalidBlockDirectory(_, _, reason) = errors.mapped else {
            Issue.record("expected invalidBlockDirectory, got \(String(describing: errors.mapped))")
            return
        }
        #expect(reason.contains("packed-rows in a compressed snapshot"), "\(reason)")
        #expect(errors.loaded == errors.mapped && errors.validated == errors.mapped)
        let inspection = try SnapshotInspection(contentsOf: compressedPath, verify: true)
        #expect(inspection.verificationError == nil)
        #expect(inspection.columnarBlocks.count == inspection.blocks.count)
        let statistics = try #require(inspection.columnarStatistics)
        #expect(statistics.recordCount == 5_000)
    }
}

/// The zone map of some records, computed plainly.
func zoneMapOf(_ records: ArraySlice<SensorRecord>) -> ZoneMap {
    var map = ZoneMap()
    for record in records { map.include(record.raw) }
    return map
}
