import DenseRecords

/// `array-class`: a final class with four stored properties; the unit is the 1-byte ``SensorUnit``.
final class SensorRecordClass {
    let sensorID: UInt32
    let timestampNanoseconds: Int64
    let value: Double
    let unit: SensorUnit

    init(packed: sensor_record_t) {
        sensorID = packed.sensor_id
        timestampNanoseconds = packed.timestamp_ns
        value = packed.value
        unit = SensorUnit(rawValue: packed.unit)
    }
}

/// `array-class-string-unit`: the same class with the unit stored as a `String`.
final class SensorRecordStringUnitClass {
    let sensorID: UInt32
    let timestampNanoseconds: Int64
    let value: Double
    let unit: String

    init(packed: sensor_record_t) {
        sensorID = packed.sensor_id
        timestampNanoseconds = packed.timestamp_ns
        value = packed.value
        unit = RecordSource.unitNames[Int(packed.unit)]
    }
}

/// `array-class`: `[SensorRecordClass]`, one object per record.
final class ClassArrayStructure: MeasuredStructure {
    private var storage: [SensorRecordClass] = []

    func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws {
        storage = ArrayLoops.filled(from: source) { SensorRecordClass(packed: $0) }
    }

    func sumOfValues() -> Double { ArrayLoops.sum(storage) { $0.value } }
    func sumOfValues(at indices: [Int]) -> Double { ArrayLoops.sum(storage, at: indices) { $0.value } }

    /// Drops the array, which frees every object one by one.
    func release() { storage = [] }
}

/// `array-class-string-unit`: `[SensorRecordStringUnitClass]`, one object per record.
final class StringUnitClassArrayStructure: MeasuredStructure {
    private var storage: [SensorRecordStringUnitClass] = []

    func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws {
        storage = ArrayLoops.filled(from: source) { SensorRecordStringUnitClass(packed: $0) }
    }

    func sumOfValues() -> Double { ArrayLoops.sum(storage) { $0.value } }
    func sumOfValues(at indices: [Int]) -> Double { ArrayLoops.sum(storage, at: indices) { $0.value } }

    /// Drops the array, which frees every object one by one.
    func release() { storage = [] }
}

/// `array-dictionary`: `[[String: Any]]` with four keys, the Swift analogue of a Python dict per record.
final class DictionaryArrayStructure: MeasuredStructure {
    private var storage: [[String: Any]] = []

    func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws {
        var local: [[String: Any]] = []
        let names = RecordSource.unitNames
        for record in source {
            local.append([
                "sensorID": record.sensor_id,
                "timestampNanoseconds": record.timestamp_ns,
                "value": record.value,
                "unit": names[Int(record.unit)],
            ])
        }
        storage = local
    }

    func sumOfValues() -> Double {
        let local = storage
        var sum = 0.0
        for dictionary in local { sum += (dictionary["value"] as? Double) ?? .nan }
        return sum
    }

    func sumOfValues(at indices: [Int]) -> Double {
        let local = storage
        var sum = 0.0
        for index in indices { sum += (local[index]["value"] as? Double) ?? .nan }
        return sum
    }

    /// Drops the array, which frees every dictionary one by one.
    func release() { storage = [] }
}
