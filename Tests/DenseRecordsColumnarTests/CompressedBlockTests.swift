import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsTestKit
import Testing

/// Keeps copied block bytes alive for a store opened over them.
final class OwnedBytes: Sendable {
    nonisolated(unsafe) let bytes: UnsafeMutableRawBufferPointer
    init(count: Int) { bytes = .allocate(byteCount: count, alignment: 8) }
    deinit { bytes.deallocate() }
}

/// Copies every block of `store` into one buffer, as a snapshot file would hold them.
func copyBlocks(_ store: CompressedRecords) -> (OwnedBytes, [Int]) {
    var offsets = [0]
    for block in 0..<store.blockCount { offsets.append(offsets.last! + store.withBlockBytes(block) { $0.count }) }
    let owned = OwnedBytes(count: max(offsets.last!, 8))
    for block in 0..<store.blockCount {
        store.withBlockBytes(block) { bytes in
            UnsafeMutableRawBufferPointer(rebasing: owned.bytes[offsets[block]..<offsets[block + 1]]).copyMemory(from: bytes)
        }
    }
    return (owned, offsets)
}

@Suite struct CompressedBlockTests {
    let input = randomRecords(count: 6_000, sensors: 12, seed: 77, timeOrdered: true)

    @Test(arguments: [RecordColumnSet.value, .timestamp, .sensorID, .unit, [.value, .timestamp], [.sensorID, .unit], .all, []])
    func blocksDecodeExactlyTheColumnsAsked(columns: RecordColumnSet) throws {
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 500))
        let model = modelOrder(input)
        for block in 0..<store.blockCount {
            let range = store.indices(ofBlock: block)
            store.withBlock(block, columns: columns) { (block) throws(Never) in
                guard case .columns(let decoded) = block else { Issue.record("expected columns"); return }
                #expect((decoded.values != nil) == columns.contains(.value))
                #expect((decoded.timestamps != nil) == columns.contains(.timestamp))
                #expect((decoded.sensorIDs != nil) == columns.contains(.sensorID))
                #expect((decoded.unitCodes != nil) == columns.contains(.unit))
                if let values = decoded.values { #expect(values.map(\.bitPattern) == model[range].map(\.value.bitPattern)) }
                if let times = decoded.timestamps { #expect(Array(times) == model[range].map(\.timestampNanoseconds)) }
            }
        }
        #expect(store.recordOrdering == .sensorThenTime)
    }

    @Test("Zone maps keep the sign of the first zero, as including records one by one does", arguments: [UInt64(1), 2, 3, 4])
    func zoneMapZerosKeepTheirSign(seed: UInt64) throws {
        var generator = SeededRandomNumberGenerator(seed: seed)
        // Blocks whose smallest (or largest) value is a zero of either sign, with
        // zeros at random places, so that the first zero falls in any lane.
        let sign: Double = seed % 2 == 0 ? 1 : -1
        let input = (0..<4_000).map { i in
            let pick = generator.next() % 8
            let value: Double = pick == 0 ? 0.0 : pick == 1 ? -0.0 : pick == 2 ? .nan : sign * Double(generator.next() % 500 + 1) / 4
            return SensorRecord(sensor_record_t(sensor_id: UInt32(i / 1_000), timestamp_ns: Int64(i), value: value, unit: 1))
        }
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 7 + Int(seed)))
        let model = modelOrder(input)
        for block in 0..<store.blockCount {
            let zone = store.zoneMap(ofBlock: block)
            let expected = modelZoneMap(model[store.indices(ofBlock: block)])
            #expect(zone == expected)
            #expect(zone.minValue.bitPattern == expected.minValue.bitPattern, "block \(block)")
            #expect(zone.maxValue.bitPattern == expected.maxValue.bitPattern, "block \(block)")
        }
    }

    @Test func perSensorLookupsMatchTheModel() throws {
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 256))
        let model = modelOrder(input)
        var generator = SeededRandomNumberGenerator(seed: 3)
        let sensors = Set(input.map(\.sensorID)).sorted()
        for sensor in sensors + [0, 5, .max] {
            let expected = model.indices.filter { model[$0].sensorID == sensor }
            let range = store.indices(ofSensor: sensor)
            #expect(Array(range) == expected || (expected.isEmpty && range.isEmpty))
            for _ in 0..<20 {
                let times = model.filter { $0.sensorID == sensor }.map(\.timestampNanoseconds)
                let a = times.randomElement(using: &generator) ?? Int64(bitPattern: generator.next())
                let b = a &+ Int64(generator.next() % 5_000_000)
                let window = min(a, b)..<max(a, b)
                let wanted = model.indices.filter { model[$0].sensorID == sensor && window.contains(model[$0].timestampNanoseconds) }
                let found = store.indices(ofSensor: sensor, in: window)
                #expect(Array(found) == wanted || (wanted.isEmpty && found.isEmpty))
                if !found.isEmpty {
                    let blocks = store.blocks(containing: found)
                    #expect(store.indices(ofBlock: blocks.lowerBound).contains(found.lowerBound))
                    #expect(store.indices(ofBlock: blocks.upperBound - 1).contains(found.upperBound - 1))
                }
            }
        }
    }

    @Test func statisticsAddUpExactly() throws {
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 1_000))
        let s = store.storageStatistics
        #expect(s.recordCount == input.count && s.blockCount == store.blockCount)
        #expect(s.sensorIDBytes + s.timestampBytes + s.valueBytes + s.unitBytes + s.blockHeaderBytes + s.indexBytes + s.overheadBytes
            == s.totalBytes)
        var blockBytes = 0
        var values = 0
        for block in 0..<store.blockCount {
            let description = store.blockDescription(block)
            blockBytes += description.byteCount
            values += description.valueBytes
            #expect(description.headerBytes + description.sensorIDBytes + description.timestampBytes + description.valueBytes
                + description.unitBytes == description.byteCount)
            #expect(description.zoneMap == store.zoneMap(ofBlock: block))
            #expect(store.withBlockBytes(block) { $0.count } == description.byteCount)
        }
        #expect(values == s.valueBytes)
        #expect(s.totalBytes > blockBytes + s.indexBytes, "the block pages and the object count too")
        for counts in [s.sensorIDEncodings, s.timestampEncodings, s.valueEncodings, s.unitEncodings] {
            #expect(counts.values.reduce(0, +) == store.blockCount)
        }
    }

    @Test func blocksReadInPlaceFromForeignMemory() throws {
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 700))
        let (owned, offsets) = copyBlocks(store)
        let reopened = try CompressedRecords(blocks: UnsafeRawBufferPointer(owned.bytes), blockOffsets: offsets, owner: owned)
        expectMatchesModel(reopened, input: input)
        #expect(reopened.recordOrdering == .sensorThenTime)
        #expect(Array(reopened.indices(ofSensor: input[0].sensorID)) == Array(store.indices(ofSensor: input[0].sensorID)))
    }

    @Test func damagedBlocksAreRefusedWithTheirPlace() throws {
        let store = try CompressedRecords(compressing: input, options: ColumnarOptions(recordsPerBlock: 700))
        var generator = SeededRandomNumberGenerator(seed: 99)
        // Bytes whose damage validation must notice: magic, count, column offsets, sensor runs.
        for offset in [0, 4, 8, 12, 64, 68, 72, 76, 88] {
            let (owned, offsets) = copyBlocks(store)
            let block = Int(generator.next() % UInt64(store.blockCount))
            owned.bytes[offsets[block] + offset] ^= 0x5A
            #expect(throws: ColumnarError.self) {
                try CompressedRecords(blocks: UnsafeRawBufferPointer(owned.bytes), blockOffsets: offsets, owner: owned)
            }
        }
        // Random damage anywhere never makes opening or reading go out of bounds.
        for _ in 0..<300 {
            let (owned, offsets) = copyBlocks(store)
            let position = Int(generator.next() % UInt64(offsets.last!))
            owned.bytes[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            if let reopened = try? CompressedRecords(blocks: UnsafeRawBufferPointer(owned.bytes), blockOffsets: offsets, owner: owned) {
                #expect(reopened.count == input.count)
                _ = Array(reopened)
            }
        }
        let (owned, offsets) = copyBlocks(store)
        #expect(throws: ColumnarError.malformedBlock(block: 0, byteOffset: 0, reason: "range 0..<999999999 outside the \(owned.bytes.count) bytes given")) {
            try CompressedRecords(blocks: UnsafeRawBufferPointer(owned.bytes), blockOffsets: [0, 999_999_999], owner: owned)
        }
        _ = offsets
    }
}
