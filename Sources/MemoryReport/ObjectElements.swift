import DenseRecords

/// `array-class`: a final class with four stored properties, one object per
/// record; the unit is the 1-byte ``SensorUnit``.
final class SensorRecordClass: ArrayElement {
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
final class SensorRecordStringUnitClass: ArrayElement {
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

/// `array-dictionary`: `[String: Any]` with four keys, the Swift analogue of a
/// Python dict per record.
extension Dictionary: ValuedRecord, ArrayElement where Key == String, Value == Any {
    init(packed: sensor_record_t) {
        self = [
            "sensorID": packed.sensor_id,
            "timestampNanoseconds": packed.timestamp_ns,
            "value": packed.value,
            "unit": RecordSource.unitNames[Int(packed.unit)],
        ]
    }

    /// The `"value"` entry, or NaN when it is missing or not a `Double`.
    var value: Double { (self["value"] as? Double) ?? .nan }
}
