public import DenseRecordsCore

/// How a CSV file writes its timestamps.
public enum CSVTimestampFormat: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Integer nanoseconds since the Unix epoch, or RFC 3339 text (what ``CSVRecordSink`` writes, and the default).
    case nanoseconds = "ns"
    /// Microseconds since the epoch, integer or fractional (`1700000000000000.5`).
    case microseconds = "us"
    /// Milliseconds since the epoch, integer or fractional (`1700000000000.25`).
    case milliseconds = "ms"
    /// Seconds since the epoch, integer or fractional (`1700000000.123456789`).
    case seconds = "s"
    /// RFC 3339 text: `2023-11-14T22:13:20Z`, `2023-11-14 23:13:20.5+01:00`, up to 9 fraction digits.
    case rfc3339

    /// Nanoseconds per unit of an epoch number, with the fraction digits that unit can hold; `nil` for text formats.
    var epochScale: (factor: Int64, fractionDigits: Int)? {
        switch self {
        case .nanoseconds: (1, 0)
        case .microseconds: (1_000, 3)
        case .milliseconds: (1_000_000, 6)
        case .seconds: (1_000_000_000, 9)
        case .rfc3339: nil
        }
    }

    /// The spelling used in specs and on the command line: `ns`, `us`, `ms`, `s` or `rfc3339`.
    public var description: String { rawValue }
}

/// What a ``CSVRecordSource`` does with a line whose value field is empty.
public enum CSVMissingValuePolicy: String, Hashable, Sendable, CaseIterable {
    /// Skip the line and count it under the reason `missing value` (not as malformed).
    case skip
    /// Keep the record with a NaN value.
    case nan
}

/// What a ``CSVRecordSource`` does with a unit name that is neither a ``SensorUnit/name``, `code-N`, nor an alias in ``CSVUnitAlias/all``.
public enum CSVUnknownUnitPolicy: String, Hashable, Sendable, CaseIterable {
    /// The line is malformed (`malformed line: unknown unit`); the ``MalformedLinePolicy`` decides.
    case fail
    /// Skip the line and count it under the reason `unknown unit`, whatever the malformed-line policy.
    case skip
    /// Keep the record with ``SensorUnit/unknown`` (code 0).
    case keep
}

/// The field separator of a CSV file.
public enum CSVDelimiter: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `,`
    case comma = ","
    /// `;`, common in locales that write a decimal comma (values must still use a decimal point).
    case semicolon = ";"
    /// A tab character (TSV).
    case tab = "\t"

    /// The separator's byte.
    var byte: UInt8 { rawValue.utf8.first! }

    /// The name used in specs and on the command line: `,`, `;` or `tab`.
    public var name: String { self == .tab ? "tab" : rawValue }

    /// The delimiter a spec or command line names: `,` / `comma`, `;` / `semicolon`, or `tab` / a tab character.
    ///
    /// - Parameter name: The spelling.
    public init?(name: String) {
        switch name {
        case ",", "comma": self = .comma
        case ";", "semicolon": self = .semicolon
        case "\t", "tab", "\\t": self = .tab
        default: return nil
        }
    }

    /// ``name``.
    public var description: String { name }
}

/// The dialect of a CSV file: which columns hold what, how timestamps and
/// units are written, and what to do with empty values and unknown units.
///
/// The first line of the file is a header. Columns are found by name, so
/// they may come in any order, and columns not named here are ignored.
/// The defaults read what ``CSVRecordSink`` writes:
///
/// ```text
/// sensor_id,timestamp,value,unit
/// 7,1700000000000000000,21.5,celsius
/// ```
///
/// A file exported elsewhere might need:
///
/// ```swift
/// var options = CSVReadOptions()
/// options.delimiter = .semicolon
/// options.sensorColumn = "station"
/// options.timestampColumn = "time"
/// options.timestampFormat = .seconds
/// options.unitColumn = nil       // no unit column:
/// options.unit = .celsius        // every record is in °C
/// ```
public struct CSVReadOptions: Hashable, Sendable {
    /// The header name of the column holding the sensor id (a decimal `UInt32`).
    public var sensorColumn = "sensor_id"
    /// The header name of the column holding the timestamp, written as ``timestampFormat`` says.
    public var timestampColumn = "timestamp"
    /// The header name of the column holding the value (a decimal number, `inf`, `nan`; empty is missing).
    public var valueColumn = "value"
    /// The header name of the column holding the unit, or `nil` to use ``unit`` for every record.
    ///
    /// When the header has no column of this name and ``unit`` is set, ``unit`` is used.
    public var unitColumn: String? = "unit"
    /// The unit of every record when the header has no unit column.
    public var unit: SensorUnit? = nil
    /// What every value is multiplied by when ``unit`` applies: 100 for a file in hPa read as pascal.
    public var unitFactor: Double = 1
    /// How timestamps are written, or `nil` for nanoseconds with a guard.
    ///
    /// `nil`, the default, reads ``CSVTimestampFormat/nanoseconds`` but refuses a
    /// file whose whole first batch falls before 1971, which is what epoch
    /// seconds, milliseconds or microseconds read as nanoseconds look like:
    /// the run fails with ``CSVSourceError/implausibleTimestamps(path:line:column:first:suggestion:)``,
    /// which suggests the format. Give ``CSVTimestampFormat/nanoseconds``
    /// explicitly to read such a file as it is.
    public var timestampFormat: CSVTimestampFormat? = nil
    /// The field separator.
    public var delimiter = CSVDelimiter.comma
    /// What to do with an empty value field.
    public var onMissingValue = CSVMissingValuePolicy.skip
    /// What to do with a unit that is not known.
    public var onUnknownUnit = CSVUnknownUnitPolicy.fail

    /// The default dialect: `sensor_id,timestamp,value,unit`, comma-separated, nanoseconds (guarded).
    public init() {}

    /// The timestamp format in effect.
    var effectiveTimestampFormat: CSVTimestampFormat { timestampFormat ?? .nanoseconds }
}
