import DenseRecordsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CDenseRecords

/// Where the four fields of a record sit in a header, found by name.
struct CSVColumnMap: Hashable, Sendable {
    /// The header's fields, unquoted.
    var names: [String]
    /// The header as messages show it: the names joined by the delimiter, cut after 200 characters.
    var header: String
    /// 0-based positions of the sensor id, timestamp and value columns.
    var sensor: Int, timestamp: Int, value: Int
    /// 0-based position of the unit column, or `nil` when the whole file has one unit.
    var unit: Int?

    /// Whether the file is `sensor,timestamp,value,unit` in that order and nothing else, which the fast parser reads.
    var isCanonicalOrder: Bool { names.count == 4 && sensor == 0 && timestamp == 1 && value == 2 && unit == 3 }
}

/// Splits a line into RFC 4180 fields and parses the mapped ones: the general
/// path of ``CSVRecordSource`` for any column order, delimiter, quoting, empty
/// values and unknown-unit policy. No allocation per line.
///
/// Quoting: a field that starts with `"` runs to the next lone `"`; `""`
/// inside it is a literal quote. A quote inside an unquoted field is an
/// ordinary character. A quoted field must close on its own line.
struct CSVRowParser {
    let delimiter: UInt8
    let columns: CSVColumnMap
    let options: CSVReadOptions
    /// The unit and factor of every record when there is no unit column.
    let fileUnit: (code: UInt8, factor: Double)
    var fields: CSVLineParser

    init(columns: CSVColumnMap, options: CSVReadOptions, fileUnit: CSVUnitAlias?) {
        self.delimiter = options.delimiter.byte
        self.columns = columns
        self.options = options
        self.fileUnit = (fileUnit?.unit.rawValue ?? 0, fileUnit?.factor ?? 1)
        self.fields = CSVLineParser(timestampFormat: options.effectiveTimestampFormat)
    }

    /// One field's content: between the quotes for a quoted field.
    struct Span {
        var start: UnsafePointer<UInt8>
        var end: UnsafePointer<UInt8>
    }

    /// Splits `start..<start+length` into fields, calling `visit` with each field's index and content.
    ///
    /// - Returns: The number of fields, or the quoting problem.
    static func split(
        _ start: UnsafePointer<UInt8>, _ length: Int, delimiter: UInt8, _ visit: (Int, Span) -> Void
    ) -> Result<Int, CSVLineProblem> {
        var end = start + length
        if end > start, end[-1] == UInt8(ascii: "\r") { end -= 1 }
        var p = start
        var index = 0
        while true {
            if p < end, p.pointee == UInt8(ascii: "\"") {
                let contentStart = p + 1
                var q = contentStart
                while true {
                    guard q < end else { return .failure(.inColumn(index + 1, name: "", .unterminatedQuote)) }
                    if q.pointee == UInt8(ascii: "\"") {
                        if q + 1 < end, q[1] == UInt8(ascii: "\"") {
                            q += 2
                            continue
                        }
                        break
                    }
                    q += 1
                }
                visit(index, Span(start: contentStart, end: q))
                p = q + 1
                if p == end { return .success(index + 1) }
                guard p.pointee == delimiter else {
                    let stop = CSVLineParser.find(delimiter, p, end) ?? end
                    return .failure(.inColumn(index + 1, name: "", .textAfterClosingQuote(CSVLineParser.quote(p, stop))))
                }
                p += 1
            } else {
                let fieldEnd: UnsafePointer<UInt8>
                if let found = memchr(p, Int32(delimiter), end - p) {
                    fieldEnd = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                } else {
                    fieldEnd = end
                }
                visit(index, Span(start: p, end: fieldEnd))
                if fieldEnd == end { return .success(index + 1) }
                p = fieldEnd + 1
            }
            index += 1
        }
    }

    /// Parses one line (without its `\n`; a trailing `\r` is allowed).
    mutating func parse(_ start: UnsafePointer<UInt8>, _ length: Int) -> Result<sensor_record_t, CSVLineProblem> {
        var sensor: Span? = nil, timestamp: Span? = nil, value: Span? = nil, unit: Span? = nil
        let columns = self.columns
        let split = Self.split(start, length, delimiter: delimiter) { index, span in
            if index == columns.sensor { sensor = span }
            if index == columns.timestamp { timestamp = span }
            if index == columns.value { value = span }
            if index == columns.unit { unit = span }
        }
        let count: Int
        switch split {
        case let .success(found): count = found
        case let .failure(.inColumn(column, _, problem)): return .failure(located(column - 1, problem))
        case let .failure(problem): return .failure(problem)
        }
        guard count == columns.names.count, let sensor, let timestamp, let value else {
            return .failure(.fieldCountMismatch(found: count, expected: columns.names.count, header: columns.header))
        }

        guard let sensorID = Self.parseSensorID(sensor.start, sensor.end) else {
            return .failure(located(columns.sensor, .badSensorID(CSVLineParser.quote(sensor.start, sensor.end))))
        }
        let format = fields.timestampFormat
        guard let nanoseconds = CSVLineParser.parseTimestamp(timestamp.start, timestamp.end, format: format) else {
            return .failure(located(columns.timestamp, CSVLineParser.timestampProblem(timestamp.start, timestamp.end, format: format)))
        }
        var number: Double
        if value.start == value.end {
            guard options.onMissingValue == .nan else { return .failure(located(columns.value, .missingValue)) }
            number = .nan
        } else {
            guard let parsed = CSVLineParser.parseDouble(value.start, value.end) else {
                return .failure(located(columns.value, .badValue(CSVLineParser.quote(value.start, value.end))))
            }
            guard parsed.isFinite || !CSVLineParser.isFiniteLiteral(value.start, value.end) else {
                return .failure(located(columns.value, .valueOutOfRange(CSVLineParser.quote(value.start, value.end))))
            }
            number = parsed
        }
        var code = fileUnit.code
        var factor = fileUnit.factor
        if let unit, let unitColumn = columns.unit {
            if let (matched, matchedFactor) = fields.matchUnit(unit.start, unit.end) {
                code = matched
                factor = matchedFactor
            } else {
                switch options.onUnknownUnit {
                case .fail: return .failure(located(unitColumn, .unknownUnit(CSVLineParser.quote(unit.start, unit.end))))
                case .skip: return .failure(located(unitColumn, .unknownUnitSkipped(CSVLineParser.quote(unit.start, unit.end))))
                case .keep:
                    code = SensorUnit.unknown.rawValue
                    factor = 1
                }
            }
        }
        if factor != 1 { number *= factor }
        return .success(sensor_record_t(sensor_id: sensorID, timestamp_ns: nanoseconds, value: number, unit: code))
    }

    /// `problem` placed in the 0-based column `index`, named as the header names it.
    func located(_ index: Int, _ problem: CSVLineProblem) -> CSVLineProblem {
        .inColumn(index + 1, name: index < columns.names.count ? columns.names[index] : "", problem)
    }

    /// A decimal `UInt32`, leading zeros allowed.
    static func parseSensorID(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UInt32? {
        guard start < end else { return nil }
        var value: UInt64 = 0
        var p = start
        while p < end {
            let digit = p.pointee &- 48
            guard digit < 10 else { return nil }
            value = value * 10 + UInt64(digit)
            guard value <= UInt64(UInt32.max) else { return nil }
            p += 1
        }
        return UInt32(value)
    }
}
