import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsTestKit
import Testing

/// The reference: the input stably sorted by sensor id, then timestamp, which is the order
/// `CompressedRecords` promises. Comparing with `SensorRecord.==` compares values bit for bit.
func modelOrder(_ records: [SensorRecord]) -> [SensorRecord] {
    records.enumerated().sorted { a, b in
        (a.element.sensorID, a.element.timestampNanoseconds, a.offset) < (b.element.sensorID, b.element.timestampNanoseconds, b.offset)
    }.map(\.element)
}

/// The zone map of `records`, computed the plain way.
func modelZoneMap(_ records: ArraySlice<SensorRecord>) -> ZoneMap {
    var map = ZoneMap()
    for record in records { map.include(record.raw) }
    return map
}

/// Values that stress the value encodings: decimals, NaN payloads, signed zeros,
/// infinities, subnormals, 17 significant digits.
func adversarialValue(_ generator: inout SeededRandomNumberGenerator) -> Double {
    switch generator.next() % 12 {
    case 0: return Double(bitPattern: 0x7FF8_0000_0000_0000 | (generator.next() & 0x000F_FFFF_FFFF_FFFF))  // quiet NaN, payload
    case 1: return Double(bitPattern: 0xFFF0_0000_0000_0001 | (generator.next() & 0x0007_FFFF_FFFF_FFFF))  // signalling NaN, sign
    case 2: return generator.next() % 2 == 0 ? -0.0 : 0.0
    case 3: return generator.next() % 2 == 0 ? .infinity : -.infinity
    case 4: return Double(bitPattern: generator.next())  // any bits
    case 5: return 0.1 + Double(generator.next() % 1000) * 1.234567890123456e-3  // 17 significant digits
    case 6: return .leastNonzeroMagnitude * Double(generator.next() % 5)
    default: return Double(Int64(generator.next() % 2_000_001) - 1_000_000) / 100  // two decimals
    }
}

/// Random records: `sensors` sensors, timestamps regular with gaps and jitter or
/// fully random, adversarial values, unit codes including unknown ones.
func randomRecords(count: Int, sensors: UInt32, seed: UInt64, timeOrdered: Bool) -> [SensorRecord] {
    var generator = SeededRandomNumberGenerator(seed: seed)
    var clock: [Int64] = (0..<Int(sensors)).map { _ in Int64(bitPattern: generator.next()) / 4 }
    return (0..<count).map { _ in
        let sensor = Int(generator.next() % UInt64(sensors))
        let timestamp: Int64
        if timeOrdered {
            clock[sensor] &+= generator.next() % 20 == 0 ? Int64(generator.next() % 1_000_000) : 1_000
            timestamp = clock[sensor]
        } else {
            switch generator.next() % 4 {
            case 0: timestamp = .min
            case 1: timestamp = .max
            default: timestamp = Int64(bitPattern: generator.next())
            }
        }
        let unit = generator.next() % 3 == 0 ? UInt8(truncatingIfNeeded: generator.next()) : UInt8(generator.next() % 4)
        return SensorRecord(sensor_record_t(
            sensor_id: UInt32(sensor) &* 7919, timestamp_ns: timestamp, value: adversarialValue(&generator), unit: unit))
    }
}

/// Checks everything a store promises against the model of `input`.
func expectMatchesModel(_ store: CompressedRecords, input: [SensorRecord]) {
    let model = modelOrder(input)
    #expect(store.count == model.count)
    #expect(Array(store) == model, "iteration and subscript give the model order, bit for bit")
    // forEachSpan gives the same rows.
    var rows: [SensorRecord] = []
    store.forEachSpan { span in
        for i in span.indices { rows.append(SensorRecord(span[i])) }
    }
    #expect(rows == model)
    #expect(store.chunkCount == store.blockCount)
    // Blocks: zone maps, index ranges and columns.
    var covered = 0
    for block in 0..<store.blockCount {
        let range = store.indices(ofBlock: block)
        #expect(range.lowerBound == covered)
        covered = range.upperBound
        #expect(store.zoneMap(ofBlock: block) == modelZoneMap(model[range]))
        store.withBlock(block, columns: .all) { (block) throws(Never) in
            guard case .columns(let columns) = block else { Issue.record("a compressed block must hand out columns"); return }
            #expect(columns.count == range.count)
            #expect(Array(columns.sensorIDs!) == model[range].map(\.sensorID))
            #expect(Array(columns.timestamps!) == model[range].map(\.timestampNanoseconds))
            #expect(columns.values!.map(\.bitPattern) == model[range].map(\.value.bitPattern))
            #expect(Array(columns.unitCodes!) == model[range].map(\.raw.unit))
        }
    }
    #expect(covered == model.count)
}
