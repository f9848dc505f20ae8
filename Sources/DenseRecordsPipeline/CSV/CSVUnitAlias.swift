public import DenseRecordsCore

/// Another spelling of a unit that the CSV source accepts, with the factor that
/// brings a value into the unit's base (`hPa` is pascal × 100).
///
/// The table (``all``), matched exactly (case matters: `mA` is not `MA`):
///
/// | alias | unit | value × |
/// |---|---|---|
/// | `°C`, `℃`, `degC`, `C`, `Celsius` | celsius | 1 |
/// | `%`, `%RH`, `pct` | percent | 1 |
/// | `Pa` | pascal | 1 |
/// | `hPa`, `mbar` | pascal | 100 |
/// | `kPa` | pascal | 1000 |
/// | `bar` | pascal | 100000 |
/// | `V` | volt | 1 |
/// | `A` | ampere | 1 |
/// | `lx` | lux | 1 |
/// | `W` | watt | 1 |
/// | `kW` | watt | 1000 |
/// | `Hz` | hertz | 1 |
/// | `kHz` | hertz | 1000 |
/// | `m/s`, `m s-1`, `mps` | meters_per_second | 1 |
///
/// Every ``SensorUnit/name`` (`celsius`, `ppm`, …) and `code-N` is accepted
/// as well, with factor 1. The factors are exact in binary (integers), so a
/// scaled value is the correctly rounded product.
public struct CSVUnitAlias: Hashable, Sendable {
    /// The spelling in the file.
    public var name: String
    /// The unit it means.
    public var unit: SensorUnit
    /// What a value in this spelling is multiplied by to be in ``unit``.
    public var factor: Double

    /// Creates an alias.
    ///
    /// - Parameters:
    ///   - name: The spelling.
    ///   - unit: The unit.
    ///   - factor: The value's scale factor.
    public init(_ name: String, _ unit: SensorUnit, factor: Double = 1) {
        self.name = name
        self.unit = unit
        self.factor = factor
    }

    /// The aliases the CSV source accepts, besides the unit names themselves.
    public static let all: [CSVUnitAlias] = [
        .init("°C", .celsius), .init("℃", .celsius), .init("degC", .celsius), .init("C", .celsius), .init("Celsius", .celsius),
        .init("%", .percent), .init("%RH", .percent), .init("pct", .percent),
        .init("Pa", .pascal), .init("hPa", .pascal, factor: 100), .init("mbar", .pascal, factor: 100),
        .init("kPa", .pascal, factor: 1_000), .init("bar", .pascal, factor: 100_000),
        .init("V", .volt), .init("A", .ampere), .init("lx", .lux),
        .init("W", .watt), .init("kW", .watt, factor: 1_000),
        .init("Hz", .hertz), .init("kHz", .hertz, factor: 1_000),
        .init("m/s", .metersPerSecond), .init("m s-1", .metersPerSecond), .init("mps", .metersPerSecond),
    ]

    /// Every accepted spelling: the unit names first (in code order), then the aliases.
    static let spellings: [CSVUnitAlias] = SensorUnit.allKnown.map { CSVUnitAlias($0.name, $0) } + all

    /// The unit a whole-file `unit` setting names: a ``SensorUnit/name``, an alias with factor 1, or `code-N`.
    ///
    /// - Parameter name: The spelling.
    /// - Returns: The unit and factor, or `nil` when the name is not known.
    static func lookUp(_ name: String) -> CSVUnitAlias? {
        if let match = spellings.first(where: { $0.name == name }) { return match }
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            CSVLineParser.codeN(buffer.baseAddress!, buffer.baseAddress! + buffer.count).map { CSVUnitAlias(name, SensorUnit(rawValue: $0)) }
        }
    }
}
