import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Testing

/// A zone map computed field by field from an array: the reference.
func referenceZoneMap(_ records: ArraySlice<SensorRecord>) -> ZoneMap {
    var map = ZoneMap()
    guard !records.isEmpty else { return map }
    map.recordCount = records.count
    map.minSensorID = records.map(\.sensorID).min()!
    map.maxSensorID = records.map(\.sensorID).max()!
    map.minTimestamp = records.map(\.timestampNanoseconds).min()!
    map.maxTimestamp = records.map(\.timestampNanoseconds).max()!
    map.minUnitCode = records.map(\.raw.unit).min()!
    map.maxUnitCode = records.map(\.raw.unit).max()!
    let values = records.map(\.value).filter { !$0.isNaN }
    map.nanCount = records.count - values.count
    map.minValue = values.min() ?? .infinity
    map.maxValue = values.max() ?? -.infinity
    return map
}

/// The reference zone maps of `model` cut into chunks.
func referenceZoneMaps(_ model: [SensorRecord]) -> [ZoneMap] {
    let perChunk = RecordArena.recordsPerChunk
    return stride(from: 0, to: model.count, by: perChunk).map {
        referenceZoneMap(model[$0..<Swift.min($0 + perChunk, model.count)])
    }
}

/// Every block's zone map of `store`.
func zoneMaps(_ store: some RecordBlockStore) -> [ZoneMap] {
    (0..<store.blockCount).map { store.zoneMap(ofBlock: $0) }
}

/// Records with awkward fields: NaN, -0.0, infinities, extreme timestamps and ids.
func awkwardRecord(using rng: inout SplitMix64) -> SensorRecord {
    let values: [Double] = [.nan, -0.0, 0.0, .infinity, -.infinity, .greatestFiniteMagnitude, -.leastNonzeroMagnitude]
    let timestamps: [Int64] = [.min, .max, 0, -1]
    let sensors: [UInt32] = [0, .max, 1]
    let value = Int.random(in: 0..<4, using: &rng) == 0 ? values.randomElement(using: &rng)! : Double.random(in: -1e6...1e6, using: &rng)
    let timestamp = Int.random(in: 0..<8, using: &rng) == 0 ? timestamps.randomElement(using: &rng)! : Int64.random(in: -1 << 40...1 << 40, using: &rng)
    let sensor = Int.random(in: 0..<8, using: &rng) == 0 ? sensors.randomElement(using: &rng)! : UInt32.random(in: 0..<5_000, using: &rng)
    return SensorRecord(sensorID: sensor, timestampNanoseconds: timestamp, value: value,
                        unit: SensorUnit(rawValue: UInt8.random(in: 0...8, using: &rng)))
}

@Suite("Zone maps and blocks of arena stores")
struct ZoneMapTests {
    @Test("Model-based: random appends, reads between them, removeAll and in-place edits keep every chunk's zone map exact", arguments: 1...4)
    func modelBased(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let arena = RecordArena()
        var model: [SensorRecord] = []
        for _ in 0..<24 {
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<40:
                let batch = (0..<Int.random(in: 0..<60_000, using: &rng)).map { _ in awkwardRecord(using: &rng) }
                if Bool.random(using: &rng) {
                    for record in batch { try arena.append(record) }
                } else {
                    try arena.append(contentsOf: batch)
                }
                model += batch
            case 40..<55:
                // Edit in place, both ways: the cached maps must be dropped.
                if !model.isEmpty {
                    let position = Int.random(in: 0..<model.count, using: &rng)
                    let replacement = awkwardRecord(using: &rng)
                    arena[position] = replacement
                    model[position] = replacement
                }
                var offset = 0
                arena.forEachMutableChunk { chunk in
                    for index in chunk.indices where (offset + index) % 997 == 0 {
                        chunk[index].value = -chunk[index].value
                        model[offset + index].value = -model[offset + index].value
                    }
                    offset += chunk.count
                }
            case 55..<60:
                arena.removeAll()
                model.removeAll()
            default:
                break
            }
            #expect(arena.blockCount == (model.count + RecordArena.recordsPerChunk - 1) / RecordArena.recordsPerChunk)
            #expect(zoneMaps(arena) == referenceZoneMaps(model))
        }
        let sealed = arena.seal()
        #expect(zoneMaps(sealed) == referenceZoneMaps(model))
        #expect(sealed.recordOrdering == .unordered)
    }

    @Test("A block holds the chunk's records as rows, and the blocks cover the store in order")
    func blocksAreChunks() throws {
        let arena = RecordArena()
        let model = (0..<(2 * RecordArena.recordsPerChunk + 5)).map(record)
        try arena.append(contentsOf: model)
        var read: [SensorRecord] = []
        for block in 0..<arena.blockCount {
            arena.withBlock(block, columns: .value) { (block: RecordBlock) in
                guard case .rows(let rows) = block else { Issue.record("a chunk is not rows"); return }
                read += rows.map(SensorRecord.init)
            }
        }
        #expect(read == model)
    }

    @Test("Merged records' blocks are the parts' chunks, parts without records skipped")
    func mergedBlocks() throws {
        var rng = SplitMix64(seed: 9)
        var parts: [SealedRecords] = []
        var model: [SensorRecord] = []
        var expectedMaps: [ZoneMap] = []
        for size in [0, 3, RecordArena.recordsPerChunk + 1, 0, 17] {
            let arena = RecordArena()
            let batch = (0..<size).map { _ in awkwardRecord(using: &rng) }
            try arena.append(contentsOf: batch)
            parts.append(arena.seal())
            model += batch
            expectedMaps += referenceZoneMaps(batch)
        }
        let merged = MergedRecords(parts)
        #expect(zoneMaps(merged) == expectedMaps)
        var read: [SensorRecord] = []
        for block in 0..<merged.blockCount {
            merged.withBlock(block, columns: .all) { (block: RecordBlock) in
                if case .rows(let rows) = block { read += rows.map(SensorRecord.init) }
            }
        }
        #expect(read == model)
    }

    @Test("A block index out of range traps")
    func blockOutOfRange() async {
        await #expect(processExitsWith: .failure) {
            let arena = RecordArena()
            try? arena.append(record(1))
            _ = arena.zoneMap(ofBlock: 1)
        }
    }
}
