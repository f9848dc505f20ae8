@_exported public import CDenseRecords
public import Foundation
import InternalDenseRecordsUtilities

/// One sensor reading: a Swift value over the packed, 21-byte `sensor_record_t`.
///
/// `SensorRecord` stores exactly one `sensor_record_t` and nothing else, so its
/// size and stride are 21 bytes, the same as the C type's. Converting between
/// the two is free.
public struct SensorRecord: Hashable, Sendable, CustomStringConvertible {
    /// The packed C record.
    public var raw: sensor_record_t

    /// Wraps a packed C record.
    ///
    /// - Parameter raw: The record, with any unit code (unknown codes are kept).
    @inlinable
    public init(_ raw: sensor_record_t) { self.raw = raw }

    /// Creates a record from its fields.
    ///
    /// - Parameters:
    ///   - sensorID: The sensor's identifier.
    ///   - timestampNanoseconds: Nanoseconds since the Unix epoch, UTC.
    ///   - value: The reading.
    ///   - unit: The reading's unit.
    @inlinable
    public init(sensorID: UInt32, timestampNanoseconds: Int64, value: Double, unit: SensorUnit) {
        self.raw = sensor_record_t(sensor_id: sensorID, timestamp_ns: timestampNanoseconds, value: value, unit: unit.rawValue)
    }

    /// Creates a record stamped with a `Date`, rounded to the nearest nanosecond.
    ///
    /// - Parameters:
    ///   - sensorID: The sensor's identifier.
    ///   - date: When the reading was taken. It must lie within the range an
    ///     `Int64` of nanoseconds since 1970 can hold (years 1678–2261).
    ///   - value: The reading.
    ///   - unit: The reading's unit.
    public init(sensorID: UInt32, date: Date, value: Double, unit: SensorUnit) {
        let nanoseconds = (date.timeIntervalSince1970 * 1e9).rounded()
        require(
            nanoseconds >= -9.223372036854775e18 && nanoseconds < 9.223372036854775e18,
            "SensorRecord date \(date) is outside the Int64 nanosecond range")
        self.init(sensorID: sensorID, timestampNanoseconds: Int64(nanoseconds), value: value, unit: unit)
    }

    /// The sensor's identifier.
    @inlinable public var sensorID: UInt32 {
        get { raw.sensor_id }
        set { raw.sensor_id = newValue }
    }

    /// Nanoseconds since the Unix epoch, UTC.
    @inlinable public var timestampNanoseconds: Int64 {
        get { raw.timestamp_ns }
        set { raw.timestamp_ns = newValue }
    }

    /// The reading.
    @inlinable public var value: Double {
        get { raw.value }
        set { raw.value = newValue }
    }

    /// The reading's unit.
    @inlinable public var unit: SensorUnit {
        get { SensorUnit(rawValue: raw.unit) }
        set { raw.unit = newValue.rawValue }
    }

    /// The timestamp as a `Date`. Sub-microsecond precision may be lost, as `Date` is a `Double`.
    public var date: Date { Date(timeIntervalSince1970: Double(raw.timestamp_ns) / 1e9) }

    /// The timestamp as a `Duration` since the Unix epoch, exact to the nanosecond.
    public var sinceEpoch: Duration { .nanoseconds(raw.timestamp_ns) }

    /// Returns a copy of the record moved in time by `offset`.
    ///
    /// - Parameter offset: The amount to add; it must keep the timestamp within `Int64` nanoseconds.
    /// - Returns: The shifted record.
    public func shifted(by offset: Duration) -> SensorRecord {
        let (seconds, attoseconds) = offset.components
        var copy = self
        copy.raw.timestamp_ns = raw.timestamp_ns + seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return copy
    }

    /// Compares every field, with `value` compared bit for bit so that a NaN equals the same NaN.
    public static func == (lhs: SensorRecord, rhs: SensorRecord) -> Bool {
        lhs.raw.sensor_id == rhs.raw.sensor_id && lhs.raw.timestamp_ns == rhs.raw.timestamp_ns
            && lhs.raw.value.bitPattern == rhs.raw.value.bitPattern && lhs.raw.unit == rhs.raw.unit
    }

    /// Hashes every field, consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(raw.sensor_id)
        hasher.combine(raw.timestamp_ns)
        hasher.combine(raw.value.bitPattern)
        hasher.combine(raw.unit)
    }

    /// `sensor 7 @ 1700000000.000000000 = 21.5 celsius`: seconds since the epoch, to the nanosecond.
    public var description: String {
        let magnitude = raw.timestamp_ns.magnitude
        let fraction = String(magnitude % 1_000_000_000)
        let padded = String(repeating: "0", count: 9 - fraction.count) + fraction
        let sign = raw.timestamp_ns < 0 ? "-" : ""
        return "sensor \(raw.sensor_id) @ \(sign)\(magnitude / 1_000_000_000).\(padded) = \(raw.value) \(unit)"
    }
}
