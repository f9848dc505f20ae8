import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("CSV source")
struct PipelineCSVSourceTests {
    /// Runs a csv-reader → collecting-sink pipeline over `path`.
    func read(
        _ path: String, policy: MalformedLinePolicy, maxLineBytes: Int = 4_096, bufferBytes: Int = 1 << 20, batchSize: Int = 1_000
    ) async -> (summary: PipelineSummary, records: [SensorRecord], source: CSVRecordSource) {
        // Nanoseconds given explicitly: these files' tiny timestamps are not refused as looking like seconds.
        var options = CSVReadOptions()
        options.timestampFormat = .nanoseconds
        let source = CSVRecordSource(path: path, options: options, policy: policy, maxLineBytes: maxLineBytes, bufferBytes: bufferBytes)
        let sink = CollectingRecordSink()
        let pipeline = Pipeline(source: .init("csv", source), sinks: [.init("collect", sink)], batchSize: batchSize)
        do {
            let summary = try await pipeline.run()
            return (summary, sink.records, source)
        } catch {
            return (error.summary, sink.records, source)
        }
    }

    @Test func readsNanosecondsISO8601CRLFAndAMissingFinalNewline() async throws {
        let path = try temporaryFile(
            "\u{FEFF}sensor_id,timestamp,value,unit\r\n"
                + "7,1700000000000000000,21.5,celsius\r\n"
                + "8,-5,-0.25,percent\r\n"
                + "9,2023-11-14T22:13:20.5Z,1e3,code-200\r\n"
                + "4294967295,1970-01-01T01:00:00+01:00,101325,meters_per_second")
        let (summary, records, _) = await read(path, policy: .fail)
        #expect(summary.outcome == .completed)
        #expect(records == [
            SensorRecord(sensorID: 7, timestampNanoseconds: 1_700_000_000_000_000_000, value: 21.5, unit: .celsius),
            SensorRecord(sensorID: 8, timestampNanoseconds: -5, value: -0.25, unit: .percent),
            SensorRecord(sensorID: 9, timestampNanoseconds: 1_700_000_000_500_000_000, value: 1000, unit: SensorUnit(rawValue: 200)),
            SensorRecord(sensorID: 4_294_967_295, timestampNanoseconds: 0, value: 101_325, unit: .metersPerSecond),
        ])
        #expect(summary.isBalanced)
    }

    @Test func emptyFileIsAMissingHeaderUnderBothPolicies() async throws {
        for policy in MalformedLinePolicy.allCases {
            let path = try temporaryFile("")
            let (summary, records, _) = await read(path, policy: policy)
            #expect(summary.outcome == .sourceFailed(message: "\(path):1: the file is empty; expected the header \"sensor_id,timestamp,value,unit\""))
            #expect(records.isEmpty)
            #expect(summary.isBalanced)
        }
    }

    @Test func headerOnlyFileHasNoRecords() async throws {
        for text in ["sensor_id,timestamp,value,unit", "sensor_id,timestamp,value,unit\n", "sensor_id,timestamp,value,unit\r\n\n"] {
            let (summary, records, _) = await read(try temporaryFile(text), policy: .fail)
            #expect(summary.outcome == .completed)
            #expect(records.isEmpty)
            #expect(summary.recordsIn == 0)
        }
    }

    @Test func wrongHeaderFailsEvenWhenSkipping() async throws {
        let path = try temporaryFile("id,time,value,unit\n1,2,3,celsius\n")
        let (summary, _, _) = await read(path, policy: .skip)
        #expect(summary.outcome == .sourceFailed(message: "\(path):1: the header has no column \"sensor_id\" (sensorColumn); found \"id,time,value,unit\". The first line must be a header naming the columns: set sensorColumn to the name, or check the delimiter"))
    }

    /// A file with one problem per line; line numbers are 1-based with the header as line 1.
    static let malformedFile: [UInt8] = {
        var lines: [[UInt8]] = [
            Array("sensor_id,timestamp,value,unit".utf8),  // 1
            Array("1,1000,1.5,celsius".utf8),  // 2 good
            Array("2,1000,abc,celsius".utf8),  // 3 bad value
            Array("3,1000,1.5".utf8),  // 4 three fields
            Array("4,1000,2.5,volt".utf8),  // 5 good
            Array("5,1000,2.5,".utf8) + [0xC3, 0x28],  // 6 invalid UTF-8 unit
            Array("4294967296,1000,1,volt".utf8),  // 7 sensor_id out of range
            Array("6,9223372036854775808,1,volt".utf8),  // 8 timestamp out of range
            Array("7,1000,1e999,volt".utf8),  // 9 value out of Double range
            Array("8,1000,nan,volt".utf8),  // 10 NaN: accepted (the validate stage filters it)
            Array("9,1000,-inf,volt".utf8),  // 11 -inf: accepted
            [],  // 12 blank: ignored
            Array("10,1000,1,".utf8) + Array(repeating: UInt8(ascii: "x"), count: 5_000),  // 13 longer than 4096
            Array("11,2262-04-11T23:47:17Z,1,volt".utf8),  // 14 ISO one second past the Int64 range
            Array("12,1000,1,volt,extra".utf8),  // 15 five fields
            Array("13,1000,3.5,lux".utf8),  // 16 good, no final newline
        ]
        var bytes: [UInt8] = []
        for (index, line) in lines.enumerated() {
            bytes += line
            if index < lines.count - 1 { bytes.append(UInt8(ascii: "\n")) }
        }
        lines.removeAll()
        return bytes
    }()

    @Test func skipPolicyCountsEveryMalformedLineWithItsLineNumber() async throws {
        let path = try temporaryFile(Self.malformedFile)
        let (summary, records, source) = await read(path, policy: .skip)
        #expect(summary.outcome == .completed)
        #expect(records.map(\.sensorID) == [1, 4, 8, 9, 13])
        #expect(records[2].value.isNaN)
        #expect(records[3].value == -.infinity)
        #expect(source.malformedLines.map(\.line) == [3, 4, 6, 7, 8, 9, 13, 14, 15])
        #expect(source.malformedLines.map(\.description) == [
            #"line 3: column 3 ("value"): value "abc" is not a number"#,
            "line 4: expected 4 fields (sensor_id,timestamp,value,unit), found 3",
            "line 6: column 4 (\"unit\"): unit \"\u{FFFD}(\" is not a known unit name (celsius, percent, …), alias (°C, hPa, …) or code-N",
            #"line 7: column 1 ("sensor_id"): sensor_id "4294967296" is not an integer in 0...4294967295"#,
            #"line 8: column 2 ("timestamp"): timestamp "9223372036854775808" is not integer nanoseconds since the epoch or ISO 8601 between 1677-09-21 and 2262-04-11"#,
            #"line 9: column 3 ("value"): value "1e999" is beyond the largest Double, ±1.7976931348623157e+308"#,
            "line 13: the line is 5010 bytes, longer than the limit of 4096",
            #"line 14: column 2 ("timestamp"): timestamp "2262-04-11T23:47:17Z" is not integer nanoseconds since the epoch or ISO 8601 between 1677-09-21 and 2262-04-11"#,
            "line 15: expected 4 fields (sensor_id,timestamp,value,unit), found 5",
        ])
        #expect(summary.rejected.byReason == [
            "malformed line: bad value": 2, "malformed line: wrong field count": 2, "malformed line: unknown unit": 1,
            "malformed line: bad sensor_id": 1, "malformed line: bad timestamp": 2, "malformed line: too long": 1,
        ])
        #expect(source.linesRead == 16)
        #expect(source.blankLines == 1)
        #expect(summary.recordsIn == 14)  // 16 lines - header - blank
        #expect(summary.recordsOut == 5)
        #expect(summary.isBalanced)
    }

    @Test func failPolicyDeliversTheRecordsBeforeTheBadLineAndNamesIt() async throws {
        let path = try temporaryFile(Self.malformedFile)
        let (summary, records, _) = await read(path, policy: .fail)
        #expect(summary.outcome == .sourceFailed(message: #"\#(path):3: column 3 ("value"): value "abc" is not a number"#))
        #expect(records.map(\.sensorID) == [1])
        #expect(summary.recordsIn == 2)
        #expect(summary.rejected.byReason == ["malformed line: bad value": 1])
        #expect(summary.isBalanced)
    }

    @Test func lineLongerThanTheBufferIsSkippedAsOneLine() async throws {
        var text = "sensor_id,timestamp,value,unit\n1,1,1,volt\n2,1,1," + String(repeating: "y", count: 100_000) + "\n3,1,1,volt\n"
        text += "4,1,1," + String(repeating: "z", count: 20_000)  // over-long and unterminated at the end
        let (summary, records, source) = await read(try temporaryFile(text), policy: .skip, maxLineBytes: 4_094, bufferBytes: 4_096)
        #expect(records.map(\.sensorID) == [1, 3])
        #expect(source.malformedLines.map(\.description) == [
            "line 3: the line is 100006 bytes, longer than the limit of 4094",
            "line 5: the line is 20006 bytes, longer than the limit of 4094",
        ])
        #expect(summary.isBalanced)
    }

    @Test("A line of exactly maxLineBytes is accepted with either line ending, one byte more is not")
    func lineLimitIsExact() async throws {
        let line = "1,1,1,volt"  // 10 bytes
        for ending in ["\n", "\r\n"] {
            let text = "sensor_id,timestamp,value,unit" + ending + line + ending + "22,1,1,volt" + ending
            let (summary, records, source) = await read(try temporaryFile(text), policy: .skip, maxLineBytes: 10, bufferBytes: 64)
            #expect(records.map(\.sensorID) == [1], "ending \(ending.debugDescription)")
            #expect(source.malformedLines.map(\.description) == ["line 3: the line is 11 bytes, longer than the limit of 10"])
            #expect(summary.isBalanced)
        }
    }

    @Test func tinyBufferParsesTheSameAsALargeOne() async throws {
        // Synthetic records → CSV file → read back with a 64-byte buffer and a 1 MiB one.
        let path = temporaryPath("roundtrip.csv")
        let writer = Pipeline(
            source: .init("synthetic", SyntheticRecordSource(recordCount: 5_000, sensorCount: 7, seed: 3)),
            sinks: [.init("csv", CSVRecordSink(path: path)), .init("collect", CollectingRecordSink())], batchSize: 333)
        let written = try await writer.run()
        #expect(written.recordsOut == 5_000)
        let expected = try #require(writer.sinks[1].component as? CollectingRecordSink).records
        let small = await read(path, policy: .fail, maxLineBytes: 64, bufferBytes: 66, batchSize: 77)
        let large = await read(path, policy: .fail)
        #expect(small.summary.outcome == .completed)
        #expect(small.records == expected)
        #expect(large.records == expected)
    }

    @Test func missingFileIsASourceFailureNamingThePath() async {
        let path = temporaryPath("absent.csv")
        let (summary, _, _) = await read(path, policy: .skip)
        #expect(summary.outcome == .sourceFailed(message: "could not open \"csv\": \(path): cannot open: No such file or directory"))
    }
}

@Suite("CSV timestamp bounds")
struct PipelineCSVTimestampBoundsTests {
    @Test func lastRepresentableISO8601SecondParses() async throws {
        let path = try temporaryFile("sensor_id,timestamp,value,unit\n1,2262-04-11T23:47:16.854775807Z,1,volt\n2,1677-09-21T00:12:43.145224192Z,1,volt\n")
        let sink = CollectingRecordSink()
        _ = try await Pipeline(source: .init("csv", CSVRecordSource(path: path)), sinks: [.init("c", sink)]).run()
        #expect(sink.records.map(\.timestampNanoseconds) == [Int64.max, Int64.min])
    }
}
