import DenseRecordsArena
import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// What `copyColumns(atOffsets:sensorIDs:timestamps:values:units:)` gives for
/// `offsets`, put back together as records, and what the subscript gives.
private func gathered(_ store: some ChunkedRecords, _ offsets: [UInt32]) -> (copied: [SensorRecord], model: [SensorRecord]) {
    let count = max(offsets.count, 1)
    var sensorIDs = [UInt32](repeating: 0, count: count)
    var timestamps = [Int64](repeating: 0, count: count)
    var values = [Double](repeating: 0, count: count)
    var units = [UInt8](repeating: 0, count: count)
    offsets.withUnsafeBufferPointer { offsets in
        store.copyColumns(
            atOffsets: offsets, sensorIDs: &sensorIDs, timestamps: &timestamps, values: &values, units: &units)
    }
    let copied = (0..<offsets.count).map {
        SensorRecord(sensor_record_t(sensor_id: sensorIDs[$0], timestamp_ns: timestamps[$0], value: values[$0], unit: units[$0]))
    }
    let model = offsets.map { store[store.index(store.startIndex, offsetBy: Int($0))] }
    return (copied, model)
}

@Suite("copyColumns(atOffsets:...) against the subscript, for every store")
struct GatherTests {
    @Test("Arena, sealed records, live view, packed and compressed snapshots, compressed store")
    func everyStoreGathersWhatItsSubscriptReads() throws {
        // More than one arena chunk, and snapshot blocks of 4,096.
        let input = compressibleRecords(2 * RecordArena.recordsPerChunk + 1_234)
        let arena = RecordArena()
        for record in input { try arena.append(record) }
        // A fixed multiplicative sequence, so every run reads the same positions.
        var state: UInt64 = 0x6A7
        // Chunk and block edges, then random positions, repeats included.
        let chunk = UInt32(RecordArena.recordsPerChunk)
        var offsets: [UInt32] = [0, chunk - 1, chunk, 2 * chunk - 1, 2 * chunk, 4_095, 4_096, UInt32(input.count - 1)]
        offsets += (0..<5_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt32((state >> 33) % UInt64(input.count))
        }

        let packedPath = temporaryPath("gather-packed.drsnap")
        let compressedPath = temporaryPath("gather-compressed.drsnap")
        defer {
            try? FileManager.default.removeItem(atPath: packedPath)
            try? FileManager.default.removeItem(atPath: compressedPath)
        }
        try arena.writeSnapshot(to: packedPath, options: SnapshotWriteOptions(recordsPerBlock: 4_096))
        var compressedOptions = SnapshotWriteOptions()
        compressedOptions.compression = .columnar(ColumnarOptions())
        try arena.writeSnapshot(to: compressedPath, options: compressedOptions)

        let view = arena.view()
        let check = { (name: String, result: (copied: [SensorRecord], model: [SensorRecord])) in
            #expect(result.copied == result.model, "\(name)")
        }
        check("arena", gathered(arena, offsets))
        check("view", gathered(view, offsets))
        check("packed snapshot", gathered(try MappedSnapshot(contentsOf: packedPath), offsets))
        check("compressed snapshot", gathered(try MappedSnapshot(contentsOf: compressedPath), offsets))
        check("compressed store", gathered(try CompressedRecords(compressing: arena), offsets))
        let sealed = arena.seal()
        check("sealed", gathered(sealed, offsets))
        #expect(gathered(sealed, offsets).copied == offsets.map { input[Int($0)] }, "the arena's own order")
    }
}
