import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

/// Reads `text` from a file in `folder` with `options`; returns the summary, the records and the source.
func readCSV(
    _ text: String, in folder: ScratchFolder, name: String = "input.csv", options: CSVReadOptions = CSVReadOptions(),
    policy: MalformedLinePolicy = .fail, bufferBytes: Int = 1 << 20, batchSize: Int = 1_000
) async throws -> (summary: PipelineSummary, records: [SensorRecord], source: CSVRecordSource) {
    let path = folder.file(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    let source = CSVRecordSource(path: path, options: options, policy: policy, maxLineBytes: min(4_096, bufferBytes - 2), bufferBytes: bufferBytes)
    let sink = CollectingRecordSink()
    let pipeline = Pipeline(source: .init("csv", source), sinks: [.init("collect", sink)], batchSize: batchSize)
    do {
        return (try await pipeline.run(), sink.records, source)
    } catch {
        return (error.summary, sink.records, source)
    }
}

/// Options with every field set in one expression.
func dialect(_ configure: (inout CSVReadOptions) -> Void) -> CSVReadOptions {
    var options = CSVReadOptions()
    configure(&options)
    return options
}

@Suite("CSV dialects")
struct CSVDialectTests {
    static let t0: Int64 = 1_700_000_000_000_000_000

    @Test("Columns are found by header name, in any order; extra columns are ignored")
    func reorderedAndExtraColumns() async throws {
        let folder = try ScratchFolder()
        let (summary, records, _) = try await readCSV(
            "note,unit,value,station,time,quality\n"
                + "a,celsius,21.5,7,1700000000000000000,good\n"
                + "b,percent,40,8,1700000001000000000,bad\n",
            in: folder, options: dialect { $0.sensorColumn = "station"; $0.timestampColumn = "time" })
        #expect(summary.outcome == .completed)
        #expect(records == [
            SensorRecord(sensorID: 7, timestampNanoseconds: Self.t0, value: 21.5, unit: .celsius),
            SensorRecord(sensorID: 8, timestampNanoseconds: Self.t0 + 1_000_000_000, value: 40, unit: .percent),
        ])
        #expect(summary.isBalanced)
    }

    @Test("Semicolon and tab delimiters", arguments: [CSVDelimiter.semicolon, .tab])
    func delimiters(_ delimiter: CSVDelimiter) async throws {
        let folder = try ScratchFolder()
        let d = delimiter.rawValue
        let text = ["sensor_id", "timestamp", "value", "unit"].joined(separator: d) + "\n"
            + ["3", "1700000000000000000", "-1.25", "volt"].joined(separator: d) + "\r\n"
            + ["4", "1700000000000000001", "2e3", "lux"].joined(separator: d) + "\n"
        let (summary, records, _) = try await readCSV(text, in: folder, options: dialect { $0.delimiter = delimiter })
        #expect(summary.outcome == .completed)
        #expect(records == [
            SensorRecord(sensorID: 3, timestampNanoseconds: Self.t0, value: -1.25, unit: .volt),
            SensorRecord(sensorID: 4, timestampNanoseconds: Self.t0 + 1, value: 2_000, unit: .lux),
        ])
        // The same file read with the comma delimiter has one column, and says so.
        let (wrong, _, _) = try await readCSV(text, in: folder, name: "again.csv")
        guard case let .sourceFailed(message) = wrong.outcome else { Issue.record("expected a failure"); return }
        #expect(message.contains("the header has no column \"sensor_id\" (sensorColumn)"))
        #expect(message.contains("check the delimiter"))
    }

    @Test("RFC 4180 quoting: delimiters and doubled quotes inside quotes, quoted numbers and names")
    func quoting() async throws {
        let folder = try ScratchFolder()
        let (summary, records, _) = try await readCSV(
            "\"sensor_id\",\"comment, with comma\",timestamp,value,unit\n"
                + "\"1\",\"he said \"\"hi\"\", then left\",1700000000000000000,\"0.5\",\"°C\"\n"
                + "2,\"\",1700000000000000000,1,\"celsius\"\n"
                + "3,plain,\"1700000000000000000\",2,m/s\n",
            in: folder)
        #expect(summary.outcome == .completed)
        #expect(records.map(\.sensorID) == [1, 2, 3])
        #expect(records.map(\.value) == [0.5, 1, 2])
        #expect(records.map(\.unit) == [.celsius, .celsius, .metersPerSecond])
    }

    @Test("An unclosed quote, or text after a closing quote, is malformed and names its column")
    func badQuoting() async throws {
        let folder = try ScratchFolder()
        let (summary, records, source) = try await readCSV(
            "sensor_id,note,timestamp,value,unit\n"
                + "1,\"spans\nlines\",1700000000000000000,1,celsius\n"
                + "2,\"x\"y,1700000000000000000,1,celsius\n"
                + "3,ok,1700000000000000000,1,celsius\n",
            in: folder, policy: .skip)
        #expect(summary.outcome == .completed)
        #expect(records.map(\.sensorID) == [3])
        #expect(source.malformedLines.map(\.description) == [
            "line 2: column 2 (\"note\"): a quoted field is not closed on its line (fields spanning lines are not read)",
            "line 3: expected 5 fields (sensor_id,note,timestamp,value,unit), found 4",
            "line 4: column 2 (\"note\"): the closing quote is followed by \"y\", not the delimiter",
        ])
        #expect(summary.rejected.byReason == ["malformed line: quoted field": 2, "malformed line: wrong field count": 1])
        #expect(summary.isBalanced)
    }

    @Test("Epoch seconds, milliseconds and microseconds, integer and fractional, and RFC 3339 with offsets")
    func timestampFormats() async throws {
        let folder = try ScratchFolder()
        let cases: [(CSVTimestampFormat, [String], [Int64])] = [
            (.seconds, ["1700000000", "1700000000.5", "1700000000.123456789", "-1.5", "0"],
             [Self.t0, Self.t0 + 500_000_000, Self.t0 + 123_456_789, -1_500_000_000, 0]),
            (.milliseconds, ["1700000000000", "1700000000000.25", "1700000000000.000001"],
             [Self.t0, Self.t0 + 250_000, Self.t0 + 1]),
            (.microseconds, ["1700000000000000", "1700000000000000.999"], [Self.t0, Self.t0 + 999]),
            (.rfc3339, ["2023-11-14T22:13:20Z", "2023-11-14T23:13:20.5+01:00", "2023-11-14 17:13:20.000000001-05:00"],
             [Self.t0, Self.t0 + 500_000_000, Self.t0 + 1]),
            (.nanoseconds, ["1700000000000000000", "2023-11-14T22:13:20Z"], [Self.t0, Self.t0]),
        ]
        for (format, fields, expected) in cases {
            let text = "sensor_id,timestamp,value,unit\n" + fields.map { "1,\($0),1,count\n" }.joined()
            let (summary, records, _) = try await readCSV(text, in: folder, options: dialect { $0.timestampFormat = format })
            #expect(summary.outcome == .completed, "\(format)")
            #expect(records.map(\.timestampNanoseconds) == expected, "\(format)")
        }
    }

    @Test("A timestamp not in the format is malformed, naming the format, the line and the column")
    func timestampNotInFormat() async throws {
        let folder = try ScratchFolder()
        let cases: [(CSVTimestampFormat, String, String)] = [
            (.seconds, "1700000000.1234567891", "is not a decimal number of seconds since the epoch (at most 9 fraction digits)"),
            (.milliseconds, "2023-11-14T22:13:20Z", "is not a decimal number of milliseconds"),
            (.rfc3339, "1700000000", "is not RFC 3339"),
            (.seconds, "99999999999999999999", "is not a decimal number of seconds"),
        ]
        for (format, field, message) in cases {
            let text = "id,value,timestamp,unit\n1,1,\(field),count\n"
            let (summary, _, _) = try await readCSV(text, in: folder, options: dialect { $0.timestampFormat = format; $0.sensorColumn = "id" })
            guard case let .sourceFailed(failure) = summary.outcome else { Issue.record("\(format): expected a failure"); continue }
            #expect(failure.contains(":2: column 3 (\"timestamp\"): timestamp \"\(field)\" \(message)"), "\(failure)")
        }
    }

    @Test("Without a timestamp format, a first batch of nanoseconds all before 1971 is refused with the likely format")
    func implausibleNanoseconds() async throws {
        let folder = try ScratchFolder()
        let cases: [(String, String)] = [("1700000000", "s"), ("1700000000000", "ms"), ("1700000000000000", "us")]
        for (field, suggestion) in cases {
            let text = "sensor_id,timestamp,value,unit\n\n1,\(field),1,celsius\n1,\(field),2,celsius\n"
            let (summary, records, _) = try await readCSV(text, in: folder)
            #expect(records.isEmpty)
            guard case let .sourceFailed(message) = summary.outcome else { Issue.record("expected a failure"); continue }
            #expect(message.contains(":3: column \"timestamp\": every timestamp of the first batch falls before 1971"), "\(message)")
            #expect(message.contains("set timestampFormat to \"\(suggestion)\""), "\(message)")
            #expect(summary.isBalanced)
            // Given explicitly, ns reads the same file as it is.
            let (explicit, kept, _) = try await readCSV(text, in: folder, options: dialect { $0.timestampFormat = .nanoseconds })
            #expect(explicit.outcome == .completed)
            #expect(kept.count == 2)
        }
        // One plausible timestamp in the first batch is enough.
        let mixed = "sensor_id,timestamp,value,unit\n1,5,1,celsius\n1,1700000000000000000,1,celsius\n"
        #expect(try await readCSV(mixed, in: folder).summary.outcome == .completed)
    }

    @Test("Empty values: skip counts them as missing (not malformed, even under fail); nan keeps them as NaN")
    func missingValues() async throws {
        let folder = try ScratchFolder()
        let text = "sensor_id,timestamp,value,unit\n1,1700000000000000000,,celsius\n2,1700000000000000000,1.5,celsius\n"
            + "3,1700000000000000000,\"\",celsius\n"
        let (skipped, kept, source) = try await readCSV(text, in: folder)
        #expect(skipped.outcome == .completed)
        #expect(kept.map(\.sensorID) == [2])
        #expect(skipped.rejected.byReason == ["missing value": 2])
        #expect(source.malformedLines.map(\.description) == [
            "line 2: column 3 (\"value\"): the value is empty (missing)", "line 4: column 3 (\"value\"): the value is empty (missing)",
        ])
        #expect(skipped.isBalanced)
        let (nan, all, _) = try await readCSV(text, in: folder, options: dialect { $0.onMissingValue = .nan })
        #expect(nan.outcome == .completed)
        #expect(all.map(\.sensorID) == [1, 2, 3])
        #expect(all.map { $0.value.isNaN } == [true, false, true])
        #expect(nan.rejected.total == 0)
    }

    @Test("Every alias in the table maps to its unit and scales the value by its factor")
    func unitAliases() async throws {
        let folder = try ScratchFolder()
        let aliases = CSVUnitAlias.all
        let text = "sensor_id,timestamp,value,unit\n"
            + aliases.enumerated().map { "\($0.offset),1700000000000000000,2.5,\"\($0.element.name)\"\n" }.joined()
        let (summary, records, _) = try await readCSV(text, in: folder)
        #expect(summary.outcome == .completed)
        #expect(records.map(\.unit) == aliases.map(\.unit))
        #expect(records.map(\.value) == aliases.map { 2.5 * $0.factor })
        // The documented examples.
        let byName = Dictionary(uniqueKeysWithValues: aliases.map { ($0.name, $0) })
        #expect(["°C", "degC", "C"].allSatisfy { byName[$0]?.unit == .celsius })
        #expect(byName["%"]?.unit == .percent)
        #expect(byName["hPa"]?.factor == 100 && byName["mbar"]?.factor == 100 && byName["Pa"]?.factor == 1)
        #expect(byName["W"]?.unit == .watt && byName["lx"]?.unit == .lux && byName["m/s"]?.unit == .metersPerSecond)
        // No alias shadows a unit name.
        #expect(Set(aliases.map(\.name)).isDisjoint(with: SensorUnit.allKnown.map(\.name)))
    }

    @Test("Unknown units: fail makes the line malformed, skip counts it, keep stores the unknown code")
    func unknownUnits() async throws {
        let folder = try ScratchFolder()
        let text = "sensor_id,timestamp,value,unit\n1,1700000000000000000,1,furlong\n2,1700000000000000000,2,celsius\n"
        let (failed, _, _) = try await readCSV(text, in: folder)
        #expect(failed.outcome == .sourceFailed(message: folder.file("input.csv") + ":2: column 4 (\"unit\"): unit \"furlong\" is not a known unit name (celsius, percent, …), alias (°C, hPa, …) or code-N"))
        let (skipped, kept, _) = try await readCSV(text, in: folder, options: dialect { $0.onUnknownUnit = .skip })
        #expect(skipped.outcome == .completed)
        #expect(kept.map(\.sensorID) == [2])
        #expect(skipped.rejected.byReason == ["unknown unit": 1])
        let (keptAll, all, _) = try await readCSV(text, in: folder, options: dialect { $0.onUnknownUnit = .keep })
        #expect(keptAll.outcome == .completed)
        #expect(all.map(\.unit) == [.unknown, .celsius])
    }

    @Test("Without a unit column, the unit option gives every record's unit (and factor); without either, the error says so")
    func wholeFileUnit() async throws {
        let folder = try ScratchFolder()
        let text = "sensor_id,timestamp,value\n1,1700000000000000000,1013.25\n"
        let (summary, records, _) = try await readCSV(text, in: folder, options: dialect { $0.unit = .pascal; $0.unitFactor = 100 })
        #expect(summary.outcome == .completed)
        #expect(records == [SensorRecord(sensorID: 1, timestampNanoseconds: Self.t0, value: 101_325, unit: .pascal)])
        let (missing, _, _) = try await readCSV(text, in: folder)
        guard case let .sourceFailed(message) = missing.outcome else { Issue.record("expected a failure"); return }
        #expect(message.hasSuffix(":1: the header has no column \"unit\" (unitColumn); found \"sensor_id,timestamp,value\". "
            + "The first line must be a header naming the columns: set unitColumn to the name, or check the delimiter, "
            + "or give one unit for the whole file with unit"))
    }

    @Test("A headerless file fails at line 1, naming the column it lacks")
    func headerless() async throws {
        let folder = try ScratchFolder()
        let (summary, records, _) = try await readCSV("1,1700000000000000000,1,celsius\n", in: folder, policy: .skip)
        #expect(records.isEmpty)
        guard case let .sourceFailed(message) = summary.outcome else { Issue.record("expected a failure"); return }
        #expect(message.contains(":1: the header has no column \"sensor_id\" (sensorColumn); found \"1,1700000000000000000,1,celsius\""))
    }

    @Test("A bad field names line, column and problem; in = out + rejected, each reason counted")
    func errorsNameLineAndColumn() async throws {
        let folder = try ScratchFolder()
        let text = "unit;value;sensor;timestamp\ncelsius;1;1;1700000000000000000\ncelsius;abc;2;1700000000000000000\n"
            + "celsius;;3;1700000000000000000\nfurlong;1;4;1700000000000000000\ncelsius;1;x;1700000000000000000\n"
        let options = dialect { $0.delimiter = .semicolon; $0.sensorColumn = "sensor"; $0.onUnknownUnit = .skip }
        let (failed, _, _) = try await readCSV(text, in: folder, options: options)
        #expect(failed.outcome == .sourceFailed(message: folder.file("input.csv") + ":3: column 2 (\"value\"): value \"abc\" is not a number"))
        let (summary, records, _) = try await readCSV(text, in: folder, options: options, policy: .skip)
        #expect(records.map(\.sensorID) == [1])
        #expect(summary.rejected.byReason == [
            "malformed line: bad value": 1, "missing value": 1, "unknown unit": 1, "malformed line: bad sensor_id": 1,
        ])
        #expect(summary.recordsIn == 5)
        #expect(summary.isBalanced)
    }

    @Test("The spec takes the dialect parameters and checks them")
    func specParameters() throws {
        let builder = PipelineBuilder()
        let good = #"""
            {"source": {"component": "csv-reader", "parameters": {"path": "x.csv", "delimiter": "tab", "sensorColumn": "id",
              "timestampFormat": "rfc3339", "unit": "hPa", "onMissingValue": "nan", "onUnknownUnit": "keep"}},
             "sinks": [{"component": "arena"}]}
            """#
        #expect(builder.validate(Data(good.utf8)).isEmpty)
        let bad = #"""
            {"source": {"component": "csv-reader", "parameters": {"path": "x.csv", "delimiter": "|", "unit": "furlong",
              "timestampFormat": "seconds"}},
             "sinks": [{"component": "arena"}]}
            """#
        let issues = builder.validate(Data(bad.utf8)).map(\.location)
        #expect(issues == ["source.parameters.delimiter", "source.parameters.timestampFormat"])
        let badUnit = #"""
            {"source": {"component": "csv-reader", "parameters": {"path": "x.csv", "unit": "furlong"}}, "sinks": [{"component": "arena"}]}
            """#
        #expect(builder.validate(Data(badUnit.utf8)).map(\.description) == [
            #"source.parameters.unit: source "csv-reader" (CSVRecordSource): parameter "unit" ("furlong") is not a unit name (celsius, …), an alias (°C, hPa, …) or code-N"#,
        ])
    }
}

/// Model-based: random records written in a random dialect, read back, compared with the records themselves.
@Suite("CSV dialects, model-based")
struct CSVDialectModelTests {
    /// One random dialect and the text of `records` in it; returns the text, the options and what reading must give.
    static func write(
        _ records: [SensorRecord], _ random: inout SeededRandomNumberGenerator
    ) -> (text: String, options: CSVReadOptions, expected: [SensorRecord], missing: Int) {
        var options = CSVReadOptions()
        options.delimiter = CSVDelimiter.allCases.randomElement(using: &random)!
        options.timestampFormat = CSVTimestampFormat.allCases.randomElement(using: &random)!
        options.onMissingValue = Bool.random(using: &random) ? .skip : .nan
        let renamed = Bool.random(using: &random)
        if renamed {
            options.sensorColumn = "Sensor ID"
            options.timestampColumn = "time;stamp, UTC"  // needs quoting with either delimiter
            options.valueColumn = "v \"raw\""
        }
        let hasUnitColumn = Bool.random(using: &random)
        if !hasUnitColumn {
            options.unitColumn = nil
            options.unit = .celsius
        }
        let extras = Int.random(in: 0...2, using: &random)
        var columns = ["s", "t", "v"] + (hasUnitColumn ? ["u"] : []) + (0..<extras).map { "x\($0)" }
        columns.shuffle(using: &random)
        let d = options.delimiter.rawValue
        let quoteAll = Int.random(in: 0..<4, using: &random)  // 0: never, 1: always, else at random
        func field(_ text: String, forced: Bool = false) -> String {
            let quoted = forced || quoteAll == 1 || (quoteAll > 1 && Bool.random(using: &random))
            return quoted ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func name(_ column: String) -> String {
            switch column {
            case "s": options.sensorColumn
            case "t": options.timestampColumn
            case "v": options.valueColumn
            case "u": options.unitColumn ?? "unit"
            default: "extra \(column)"
            }
        }
        var text = columns.map { field(name($0), forced: name($0).contains(d) || name($0).contains("\"") || name($0).contains(",")) }
            .joined(separator: d) + "\n"
        var expected: [SensorRecord] = []
        var missing = 0
        let spellings = SensorUnit.allKnown.map { CSVUnitAlias($0.name, $0) } + CSVUnitAlias.all
        for record in records {
            let isMissing = Int.random(in: 0..<10, using: &random) == 0
            let spelling = hasUnitColumn ? spellings.randomElement(using: &random)! : CSVUnitAlias("celsius", .celsius)
            let cells = columns.map { column -> String in
                switch column {
                case "s": return field(String(record.sensorID))
                case "t": return field(Self.timestamp(record.timestampNanoseconds, options.timestampFormat!, &random))
                case "v": return isMissing ? field("") : field("\(record.value)")
                case "u": return field(spelling.name, forced: spelling.name.contains(d))
                default: return field("note \(d) \"quoted\", \(record.sensorID)", forced: true)
                }
            }
            text += cells.joined(separator: d) + (Bool.random(using: &random) ? "\r\n" : "\n")
            if isMissing, options.onMissingValue == .skip {
                missing += 1
                continue
            }
            expected.append(SensorRecord(
                sensorID: record.sensorID, timestampNanoseconds: record.timestampNanoseconds,
                value: isMissing ? .nan : record.value * spelling.factor, unit: spelling.unit))
        }
        return (text, options, expected, missing)
    }

    /// `nanoseconds` written as `format`: exact decimals for epoch numbers, RFC 3339 with a random offset.
    static func timestamp(_ nanoseconds: Int64, _ format: CSVTimestampFormat, _ random: inout SeededRandomNumberGenerator) -> String {
        let (factor, digits): (Int64, Int) = switch format {
        case .nanoseconds, .rfc3339: (1, 0)
        case .microseconds: (1_000, 3)
        case .milliseconds: (1_000_000, 6)
        case .seconds: (1_000_000_000, 9)
        }
        if format == .rfc3339 {
            let offsetMinutes = Int64(Int.random(in: -14 * 4...14 * 4, using: &random) * 15)
            let local = nanoseconds + offsetMinutes * 60_000_000_000
            let seconds = floorDivide(local, 1_000_000_000)
            let fraction = local - seconds * 1_000_000_000
            let days = floorDivide(seconds, 86_400)
            let secondOfDay = seconds - days * 86_400
            let (year, month, day) = civil(days)
            let sign = offsetMinutes < 0 ? "-" : "+"
            let offset = offsetMinutes == 0 && Bool.random(using: &random)
                ? "Z" : sign + pad(abs(offsetMinutes) / 60, 2) + ":" + pad(abs(offsetMinutes) % 60, 2)
            let separator = Bool.random(using: &random) ? "T" : " "
            let fractionText = fraction == 0 ? "" : "." + pad(fraction, 9)
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))\(separator)\(pad(secondOfDay / 3600, 2)):"
                + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))\(fractionText)\(offset)"
        }
        let whole = nanoseconds / factor
        let rest = nanoseconds % factor
        if rest == 0 { return String(whole) }
        var fractionText = pad(abs(rest), digits)
        while fractionText.hasSuffix("0") { fractionText.removeLast() }
        return (nanoseconds < 0 && whole == 0 ? "-" : "") + String(whole) + "." + fractionText
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    @Test("Random records in random dialects read back as the records", arguments: 0..<40)
    func randomDialects(seed: UInt64) async throws {
        var random = SeededRandomNumberGenerator(seed: seed)
        let records = (0..<Int.random(in: 1...300, using: &random)).map { _ in
            SensorRecord(
                sensorID: UInt32.random(in: 0...UInt32.max, using: &random),
                timestampNanoseconds: Int64.random(in: -2_000_000_000_000_000_000...4_000_000_000_000_000_000, using: &random),
                value: [Double.random(in: -1e6...1e6, using: &random), Double(Int.random(in: -1000...1000, using: &random)) / 8]
                    .randomElement(using: &random)!,
                unit: .celsius)
        }
        let (text, options, expected, missing) = Self.write(records, &random)
        let folder = try ScratchFolder()
        // A small buffer and batch, so that refills and batch ends fall inside lines.
        let (summary, read, _) = try await readCSV(text, in: folder, options: options, bufferBytes: 4_096, batchSize: 7)
        #expect(summary.outcome == .completed, "\(options)\n\(text.prefix(400))")
        #expect(read.count == expected.count)
        for (got, want) in zip(read, expected) where !(got == want || (got.value.isNaN && want.value.isNaN
            && got.sensorID == want.sensorID && got.timestampNanoseconds == want.timestampNanoseconds && got.unit == want.unit)) {
            Issue.record("read \(got), expected \(want) (\(options))")
            break
        }
        #expect(summary.rejected.byReason == (missing > 0 ? ["missing value": missing] : [:]))
        #expect(summary.isBalanced)
    }
}
