internal import CDenseRecordsShims

/// The physical unit of a reading, stored as a one-byte code in `sensor_record_t.unit`.
///
/// `SensorUnit` is a struct rather than an enum so that a record carrying a
/// code this version does not know keeps that code through every read and
/// write: ``isKnown`` tells the two apart, and ``unknown`` (code 0) is the
/// explicit "no unit recorded" value.
public struct SensorUnit: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The one-byte code stored in a record.
    public var rawValue: UInt8

    /// Creates a unit from its stored code. Every code is accepted and preserved.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ code: dr_unit) { self.rawValue = UInt8(code.rawValue) }

    /// No unit recorded (code 0).
    public static let unknown = SensorUnit(DR_UNIT_UNKNOWN)
    /// Degrees Celsius.
    public static let celsius = SensorUnit(DR_UNIT_CELSIUS)
    /// Percent (0–100), for example relative humidity.
    public static let percent = SensorUnit(DR_UNIT_PERCENT)
    /// Pascal.
    public static let pascal = SensorUnit(DR_UNIT_PASCAL)
    /// Volt.
    public static let volt = SensorUnit(DR_UNIT_VOLT)
    /// Ampere.
    public static let ampere = SensorUnit(DR_UNIT_AMPERE)
    /// Lux.
    public static let lux = SensorUnit(DR_UNIT_LUX)
    /// Parts per million.
    public static let ppm = SensorUnit(DR_UNIT_PPM)
    /// A dimensionless count.
    public static let count = SensorUnit(DR_UNIT_COUNT)
    /// Watt.
    public static let watt = SensorUnit(DR_UNIT_WATT)
    /// Hertz.
    public static let hertz = SensorUnit(DR_UNIT_HERTZ)
    /// Metres per second.
    public static let metersPerSecond = SensorUnit(DR_UNIT_METER_PER_SECOND)

    /// Every unit this version knows, `unknown` included, in code order.
    public static let allKnown: [SensorUnit] = [
        .unknown, .celsius, .percent, .pascal, .volt, .ampere, .lux, .ppm, .count, .watt, .hertz, .metersPerSecond,
    ]

    /// Whether this version of DenseRecords knows the code.
    public var isKnown: Bool { rawValue < UInt8(DR_UNIT_END.rawValue) }

    /// The unit's name, as used in CSV files (`celsius`, `ppm`, …), or `code-N` for an unknown code.
    public var name: String {
        switch self {
        case .unknown: "unknown"
        case .celsius: "celsius"
        case .percent: "percent"
        case .pascal: "pascal"
        case .volt: "volt"
        case .ampere: "ampere"
        case .lux: "lux"
        case .ppm: "ppm"
        case .count: "count"
        case .watt: "watt"
        case .hertz: "hertz"
        case .metersPerSecond: "meters_per_second"
        default: "code-\(rawValue)"
        }
    }

    /// The known unit with this name, or `nil`.
    ///
    /// - Parameter name: A name as returned by ``name``, for example `"celsius"`.
    /// - Returns: The unit, or `nil` when no known unit has that name.
    /// - Complexity: O(*k*), where *k* is the number of known units.
    public init?(name: String) {
        guard let unit = SensorUnit.allKnown.first(where: { $0.name == name }) else { return nil }
        self = unit
    }

    /// The unit's ``name``.
    public var description: String { name }
}
