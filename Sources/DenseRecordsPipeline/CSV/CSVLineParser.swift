import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CDenseRecords

/// What is wrong with one CSV line.
public indirect enum CSVLineProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The line does not have exactly four comma-separated fields.
    case wrongFieldCount(found: Int)
    /// The line has a `"`: fields are never quoted, so a quoted field (perhaps holding a comma) cannot be read.
    ///
    /// No longer reported by ``CSVRecordSource``, which reads RFC 4180 quoting; kept for source compatibility.
    case quotedField(fieldCount: Int)
    /// `sensor_id` is not a decimal integer in `0...4294967295`.
    case badSensorID(String)
    /// `timestamp` is neither integer nanoseconds nor ISO 8601, or is outside the `Int64` nanosecond range.
    case badTimestamp(String)
    /// `value` is not a number.
    case badValue(String)
    /// `value` is a number too large for a `Double` (`1e999`).
    case valueOutOfRange(String)
    /// `unit` is not a ``SensorUnit/name``, `code-N` or a ``CSVUnitAlias``, under ``CSVUnknownUnitPolicy/fail``.
    case unknownUnit(String)
    /// The line is longer than the source's `maxLineBytes`.
    case lineTooLong(bytes: Int, limit: Int)
    /// The line has a different number of fields than the header (shown, as read).
    case fieldCountMismatch(found: Int, expected: Int, header: String)
    /// A timestamp that is not written as the source's ``CSVTimestampFormat`` (other than nanoseconds) says.
    case timestampNotInFormat(String, format: CSVTimestampFormat)
    /// A quoted field whose closing quote is missing on its line: fields that span lines are not read.
    case unterminatedQuote
    /// A closing quote followed by something other than the delimiter or the end of the line.
    case textAfterClosingQuote(String)
    /// The value field is empty, under ``CSVMissingValuePolicy/skip``: skipped and counted, not malformed.
    case missingValue
    /// A unit that is not known, under ``CSVUnknownUnitPolicy/skip``: skipped and counted, not malformed.
    case unknownUnitSkipped(String)
    /// A problem in one column: its 1-based position and its header name.
    case inColumn(Int, name: String, CSVLineProblem)

    /// A stable, short category used as the rejection reason in summaries.
    public var reason: String {
        switch self {
        case .wrongFieldCount, .fieldCountMismatch: "malformed line: wrong field count"
        case .quotedField, .unterminatedQuote, .textAfterClosingQuote: "malformed line: quoted field"
        case .badSensorID: "malformed line: bad sensor_id"
        case .badTimestamp, .timestampNotInFormat: "malformed line: bad timestamp"
        case .badValue, .valueOutOfRange: "malformed line: bad value"
        case .unknownUnit: "malformed line: unknown unit"
        case .lineTooLong: "malformed line: too long"
        case .missingValue: "missing value"
        case .unknownUnitSkipped: "unknown unit"
        case let .inColumn(_, _, problem): problem.reason
        }
    }

    /// Whether the line is malformed, so that the ``MalformedLinePolicy`` applies; a missing value or a skipped unknown unit is not.
    public var isMalformed: Bool {
        switch self {
        case .missingValue, .unknownUnitSkipped: false
        case let .inColumn(_, _, problem): problem.isMalformed
        default: true
        }
    }

    /// The problem in words, quoting the offending field.
    public var description: String {
        switch self {
        case let .wrongFieldCount(found): "expected 4 fields (sensor_id,timestamp,value,unit), found \(found)"
        case let .quotedField(count):
            "expected 4 unquoted fields (sensor_id,timestamp,value,unit), found \(count) and a quote: "
                + "fields must not be quoted, so a quoted field, or one holding a comma, cannot be read"
        case let .badSensorID(field): "sensor_id \(field) is not an integer in 0...4294967295"
        case let .badTimestamp(field):
            "timestamp \(field) is not integer nanoseconds since the epoch or ISO 8601 between 1677-09-21 and 2262-04-11"
        case let .badValue(field): "value \(field) is not a number"
        case let .valueOutOfRange(field): "value \(field) is beyond the largest Double, ±1.7976931348623157e+308"
        case let .unknownUnit(field):
            "unit \(field) is not a known unit name (celsius, percent, …), alias (°C, hPa, …) or code-N"
        case let .lineTooLong(bytes, limit): "the line is \(bytes) bytes, longer than the limit of \(limit)"
        case let .fieldCountMismatch(found, expected, header): "expected \(expected) fields (\(header)), found \(found)"
        case let .timestampNotInFormat(field, format):
            switch format {
            case .rfc3339: "timestamp \(field) is not RFC 3339 (2023-11-14T22:13:20.5+01:00) between 1677-09-21 and 2262-04-11"
            default:
                "timestamp \(field) is not a decimal number of \(format.unitName) since the epoch (at most "
                    + "\(format.epochScale?.fractionDigits ?? 0) fraction digits) between 1677-09-21 and 2262-04-11"
            }
        case .unterminatedQuote:
            "a quoted field is not closed on its line (fields spanning lines are not read)"
        case let .textAfterClosingQuote(field): "the closing quote is followed by \(field), not the delimiter"
        case .missingValue: "the value is empty (missing)"
        case let .unknownUnitSkipped(field): "unit \(field) is not known; skipped (onUnknownUnit: skip)"
        case let .inColumn(column, name, problem): "column \(column) (\(CSVLineParser.quote(name))): \(problem)"
        }
    }
}

extension CSVTimestampFormat {
    /// `nanoseconds`, `seconds`, … for messages.
    var unitName: String {
        switch self {
        case .nanoseconds: "nanoseconds"
        case .microseconds: "microseconds"
        case .milliseconds: "milliseconds"
        case .seconds: "seconds"
        case .rfc3339: "RFC 3339"
        }
    }
}

/// Parses one CSV data line's bytes into a packed record, without creating a `String`.
///
/// The format, one record per line, after a header line:
///
/// ```text
/// sensor_id,timestamp,value,unit
/// 7,1700000000000000000,21.5,celsius
/// 7,2023-11-14T22:13:20.5Z,21.6,celsius
/// ```
///
/// - `sensor_id`: decimal `UInt32`.
/// - `timestamp`: integer nanoseconds since the Unix epoch (optionally
///   negative), or ISO 8601 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with up
///   to 9 fraction digits.
/// - `value`: a decimal or exponent number as `strtod` reads it in the C
///   locale, of any length; `inf` and `-inf`, and `nan`, `-nan` or
///   `nan(0xM)` / `-nan(0xM)` (a NaN with its 52 fraction bits `M` in
///   hexadecimal, as ``CSVRecordSink`` writes them) are accepted (filter them
///   with the `validate` stage).
/// - `unit`: a ``SensorUnit/name`` such as `celsius`, or `code-N` (N in
///   0...255) for a code this version does not name. Bare numbers are not
///   accepted, so that a shifted column cannot pass as a unit.
///
/// Fields are not quoted or trimmed: a line with a `"` is reported as
/// ``CSVLineProblem/quotedField(fieldCount:)``.
struct CSVLineParser {
    private let unitNames: [(bytes: [UInt8], unit: SensorUnit, factor: Double)]
    private var lastUnit = 0
    /// How the timestamp field is written.
    let timestampFormat: CSVTimestampFormat

    /// A parser for lines whose timestamps are written as `timestampFormat` says.
    init(timestampFormat: CSVTimestampFormat = .nanoseconds) {
        self.timestampFormat = timestampFormat
        unitNames = CSVUnitAlias.spellings.map { (Array($0.name.utf8), $0.unit, $0.factor) }
    }

    /// Parses `line` (without its line terminator; a trailing `\r` is allowed).
    mutating func parse(_ start: UnsafePointer<UInt8>, _ length: Int) -> Result<sensor_record_t, CSVLineProblem> {
        let result = parseFields(start, length)
        // No valid line has a quote, so a rejected line with one was rejected for its quoting.
        if case .failure = result, length > 0, memchr(start, Int32(UInt8(ascii: "\"")), length) != nil {
            var end = start + length
            if end[-1] == UInt8(ascii: "\r") { end -= 1 }
            var commas = 0
            for byte in UnsafeBufferPointer(start: start, count: end - start) where byte == UInt8(ascii: ",") { commas += 1 }
            return .failure(.quotedField(fieldCount: commas + 1))
        }
        return result
    }

    /// Parses the four fields, reporting the first that is wrong.
    private mutating func parseFields(_ start: UnsafePointer<UInt8>, _ length: Int) -> Result<sensor_record_t, CSVLineProblem> {
        var end = start + length
        if end > start, end[-1] == UInt8(ascii: "\r") { end -= 1 }
        var cursor = start

        // sensor_id
        var sensorID: UInt64 = 0
        var digits = 0
        var overflow = false
        while cursor < end, case let digit = cursor.pointee &- 48, digit < 10 {
            // Leading zeros are allowed (`00000000007`): only the value is bounded.
            sensorID = sensorID &* 10 &+ UInt64(digit)
            if sensorID > UInt64(UInt32.max) { overflow = true }
            digits += 1
            cursor += 1
        }
        guard cursor < end, cursor.pointee == UInt8(ascii: ",") else { return .failure(fieldProblem(start, end, field: 0)) }
        guard digits > 0, !overflow else {
            return .failure(.badSensorID(Self.quote(start, cursor)))
        }
        cursor += 1

        // timestamp
        let timestampStart = cursor
        guard let timestampEnd = Self.find(UInt8(ascii: ","), cursor, end) else { return .failure(fieldProblem(start, end, field: 1)) }
        guard let timestamp = Self.parseTimestamp(timestampStart, timestampEnd, format: timestampFormat) else {
            return .failure(Self.timestampProblem(timestampStart, timestampEnd, format: timestampFormat))
        }
        cursor = timestampEnd + 1

        // value
        let valueStart = cursor
        guard let valueEnd = Self.find(UInt8(ascii: ","), cursor, end) else { return .failure(fieldProblem(start, end, field: 2)) }
        guard var value = Self.parseDouble(valueStart, valueEnd) else {
            return .failure(.badValue(Self.quote(valueStart, valueEnd)))
        }
        guard value.isFinite || !Self.isFiniteLiteral(valueStart, valueEnd) else {
            return .failure(.valueOutOfRange(Self.quote(valueStart, valueEnd)))
        }
        cursor = valueEnd + 1

        // unit: the rest of the line
        if Self.find(UInt8(ascii: ","), cursor, end) != nil { return .failure(fieldProblem(start, end, field: 4)) }
        guard let (unit, factor) = matchUnit(cursor, end) else { return .failure(.unknownUnit(Self.quote(cursor, end))) }
        if factor != 1 { value *= factor }
        return .success(sensor_record_t(sensor_id: UInt32(truncatingIfNeeded: sensorID), timestamp_ns: timestamp, value: value, unit: unit))
    }

    /// The problem with a line whose field `field` is not followed by the expected comma (or has one too many).
    private func fieldProblem(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, field: Int) -> CSVLineProblem {
        var commas = 0
        var p = start
        while p < end {
            if p.pointee == UInt8(ascii: ",") { commas += 1 }
            p += 1
        }
        if commas != 3 { return .wrongFieldCount(found: commas + 1) }
        // Four fields, but the first one has a non-digit in it.
        let firstComma = Self.find(UInt8(ascii: ","), start, end) ?? end
        return .badSensorID(Self.quote(start, firstComma))
    }

    /// The unit code and value factor a unit field names: a unit name, an alias or `code-N`; `nil` if none.
    mutating func matchUnit(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (UInt8, Double)? {
        let length = end - start
        let cached = unitNames[lastUnit]
        if cached.bytes.count == length, cached.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, start, length) == 0 }) {
            return (cached.unit.rawValue, cached.factor)
        }
        for (index, entry) in unitNames.enumerated() where entry.bytes.count == length {
            if entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, start, length) == 0 }) {
                lastUnit = index
                return (entry.unit.rawValue, entry.factor)
            }
        }
        return Self.codeN(start, end).map { ($0, 1) }
    }

    /// `code-N` (N in 0...255, for codes without a name); `nil` for anything else.
    static func codeN(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UInt8? {
        let length = end - start
        let prefix: [UInt8] = Array("code-".utf8)
        guard length > 5, length <= 8, prefix.withUnsafeBufferPointer({ memcmp($0.baseAddress!, start, 5) == 0 }) else { return nil }
        var code = 0
        var p = start + 5
        while p < end {
            let digit = Int(p.pointee) - 48
            guard digit >= 0, digit < 10 else { return nil }
            code = code * 10 + digit
            p += 1
        }
        return code <= 255 ? UInt8(code) : nil
    }

    static func find(_ byte: UInt8, _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        var p = start
        while p < end {
            if p.pointee == byte { return p }
            p += 1
        }
        return nil
    }

    /// A field quoted for an error message: invalid UTF-8 shown as U+FFFD, long fields cut.
    static func quote(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
        let length = min(end - start, 40)
        let text = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: quoted += "\\u{\(String(scalar.value, radix: 16))}"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + (end - start > 40 ? "…\"" : "\"")
    }

    /// A field quoted for an error message.
    static func quote(_ text: String) -> String {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { quote($0.baseAddress!, $0.baseAddress! + $0.count - 1) }
    }

    // MARK: Timestamps

    /// The problem with a timestamp field that did not parse as `format`.
    static func timestampProblem(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, format: CSVTimestampFormat) -> CSVLineProblem {
        format == .nanoseconds ? .badTimestamp(quote(start, end)) : .timestampNotInFormat(quote(start, end), format: format)
    }

    /// A timestamp as `format` writes it, in nanoseconds since the epoch; `nil` if it is not one or is out of range.
    @inline(__always)
    static func parseTimestamp(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, format: CSVTimestampFormat) -> Int64? {
        switch format {
        case .nanoseconds: parseTimestamp(start, end)
        case .rfc3339: parseISO8601(start, end)
        case .microseconds: parseEpoch(start, end, factor: 1_000, fractionDigits: 3)
        case .milliseconds: parseEpoch(start, end, factor: 1_000_000, fractionDigits: 6)
        case .seconds: parseEpoch(start, end, factor: 1_000_000_000, fractionDigits: 9)
        }
    }

    /// `[-+]digits[.digits]` in units of `factor` nanoseconds, with at most `fractionDigits` fraction digits
    /// (what a nanosecond can still hold), as exact integer nanoseconds.
    static func parseEpoch(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, factor: Int64, fractionDigits: Int) -> Int64? {
        var p = start
        var negative = false
        if p < end, p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
            negative = p.pointee == UInt8(ascii: "-")
            p += 1
        }
        var whole: Int64 = 0
        var digits = 0
        while p < end, case let digit = p.pointee &- 48, digit < 10 {
            let (times10, overflow1) = whole.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            whole = sum
            digits += 1
            p += 1
        }
        var fraction: Int64 = 0
        var seenFraction = 0
        if p < end, p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < end, case let digit = p.pointee &- 48, digit < 10 {
                guard seenFraction < fractionDigits else { return nil }
                fraction = fraction * 10 + Int64(digit)
                seenFraction += 1
                p += 1
            }
            // `1700000000.` is accepted as a whole number, as strtod would; `.5` too.
        }
        guard p == end, digits + seenFraction > 0 else { return nil }
        for _ in seenFraction..<fractionDigits { fraction *= 10 }
        let (scaled, overflow1) = whole.multipliedReportingOverflow(by: factor)
        let (total, overflow2) = scaled.addingReportingOverflow(fraction)
        guard !overflow1, !overflow2 else { return nil }
        return negative ? -total : total
    }

    static func parseTimestamp(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int64? {
        var p = start
        let negative = p < end && p.pointee == UInt8(ascii: "-")
        if negative { p += 1 }
        guard p < end else { return nil }
        var magnitude: UInt64 = 0
        var digits = 0
        while p < end, case let digit = p.pointee &- 48, digit < 10 {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            digits += 1
            p += 1
        }
        if p == end, digits > 0 {
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            }
            return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
        }
        return negative ? nil : parseISO8601(start, end)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`; `t`, or a space, may stand for `T`.
    static func parseISO8601(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int64? {
        var p = start
        func number(_ count: Int) -> Int? {
            guard end - p >= count else { return nil }
            var value = 0
            for _ in 0..<count {
                let digit = Int(p.pointee) - 48
                guard digit >= 0, digit < 10 else { return nil }
                value = value * 10 + digit
                p += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard p < end, p.pointee == byte else { return false }
            p += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
            let day = number(2)
        else { return nil }
        guard p < end, [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(p.pointee) else { return nil }
        p += 1
        guard let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2), expect(UInt8(ascii: ":")),
            let second = number(2)
        else { return nil }
        var fraction: Int64 = 0
        if p < end, p.pointee == UInt8(ascii: ".") {
            p += 1
            var digits = 0
            while p < end, case let digit = p.pointee &- 48, digit < 10 {
                guard digits < 9 else { return nil }
                fraction = fraction * 10 + Int64(digit)
                digits += 1
                p += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { fraction *= 10 }
        }
        var offsetSeconds = 0
        guard p < end else { return nil }
        if p.pointee == UInt8(ascii: "Z") || p.pointee == UInt8(ascii: "z") {
            p += 1
        } else if p.pointee == UInt8(ascii: "+") || p.pointee == UInt8(ascii: "-") {
            let sign = p.pointee == UInt8(ascii: "-") ? -1 : 1
            p += 1
            guard let offsetHours = number(2), expect(UInt8(ascii: ":")), let offsetMinutes = number(2),
                offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard p == end else { return nil }
        guard (1...12).contains(month), hour <= 23, minute <= 59, second <= 59 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day >= 1, day <= monthDays[month - 1] else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        var seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        if seconds < 0, fraction > 0 {
            // Borrow a second so that the scaled value of the earliest instants stays within Int64.
            seconds += 1
            fraction -= 1_000_000_000
        }
        let (scaled, overflow1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(fraction)
        return overflow1 || overflow2 ? nil : total
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    // MARK: Numbers

    /// Exact powers of ten that a `Double` holds: 1e0 through 1e22.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Parses a number. Plain decimals with at most 15 significant digits take an exact fast path
    /// (an integer mantissa divided by an exact power of ten is correctly rounded); the rest go to `strtod`.
    static func parseDouble(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        guard start < end else { return nil }
        var p = start
        var negative = false
        if p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
            negative = p.pointee == UInt8(ascii: "-")
            p += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawDigit = false
        while p < end, case let digit = p.pointee &- 48, digit < 10 {
            mantissa = mantissa &* 10 &+ UInt64(digit)
            if mantissa != 0 { digits += 1 }
            sawDigit = true
            p += 1
        }
        if p < end, p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < end, case let digit = p.pointee &- 48, digit < 10 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                if mantissa != 0 { digits += 1 }
                fractionDigits += 1
                sawDigit = true
                p += 1
            }
        }
        if p == end, sawDigit, digits <= 15, fractionDigits <= 22 {
            let magnitude = Double(mantissa) / powersOfTen[fractionDigits]
            return negative ? -magnitude : magnitude
        }
        return parseDoubleSlow(start, end)
    }

    /// Whether a field that parsed is a finite literal (not `inf`, `infinity` or a NaN), whatever its value.
    static func isFiniteLiteral(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        var p = start
        if p < end, p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") { p += 1 }
        return p < end && p.pointee | 0x20 != UInt8(ascii: "i") && p.pointee | 0x20 != UInt8(ascii: "n")
    }

    /// `strtod` on a NUL-terminated copy, requiring the whole field to be consumed.
    private static func parseDoubleSlow(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        if let nan = parseNaN(start, end) { return nan }
        let length = end - start
        // strtod skips leading white space and reads hexadecimal floats; accept neither.
        let first = start.pointee
        let allowedFirst = (first >= 48 && first <= 57) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: ".") || first == UInt8(ascii: "n") || first == UInt8(ascii: "N")
            || first == UInt8(ascii: "i") || first == UInt8(ascii: "I")
        guard allowedFirst else { return nil }
        for index in 0..<length where start[index] == UInt8(ascii: "x") || start[index] == UInt8(ascii: "X") { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Double? in
            let base = buffer.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: start, byteCount: length)
            base[length] = 0
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let value = strtod(base, &endPointer)
            guard let endPointer, endPointer - base == length else { return nil }
            // A finite literal too large for a Double (1e999) reads as infinity here; the caller reports it as out of range.
            return value
        }
    }

    /// `nan`, `-nan`, `+nan`, `nan(0xM)`, `-nan(0xM)` (any letter case), with
    /// `M` the 52 fraction bits in hexadecimal, not 0; `nil` for anything else.
    ///
    /// `strtod` would set the quiet bit of every NaN and reads `nan(…)` payloads
    /// differently across C libraries, so NaNs are read here, bit for bit.
    static func parseNaN(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        var p = start
        var sign: UInt64 = 0
        if p < end, p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
            if p.pointee == UInt8(ascii: "-") { sign = 1 << 63 }
            p += 1
        }
        guard end - p >= 3, p[0] | 0x20 == UInt8(ascii: "n"), p[1] | 0x20 == UInt8(ascii: "a"), p[2] | 0x20 == UInt8(ascii: "n")
        else { return nil }
        p += 3
        let exponent: UInt64 = 0x7FF0_0000_0000_0000
        if p == end { return Double(bitPattern: sign | Double.nan.bitPattern) }
        guard end - p >= 5, p[0] == UInt8(ascii: "("), p[1] == UInt8(ascii: "0"), p[2] | 0x20 == UInt8(ascii: "x"),
            end[-1] == UInt8(ascii: ")")
        else { return nil }
        var fraction: UInt64 = 0
        var digits = 0
        p += 3
        while p < end - 1 {
            let byte = p.pointee
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            fraction = fraction << 4 | digit
            digits += 1
            guard digits <= 13 else { return nil }
            p += 1
        }
        guard digits > 0, fraction != 0, fraction < 1 << 52 else { return nil }
        return Double(bitPattern: sign | exponent | fraction)
    }
}
