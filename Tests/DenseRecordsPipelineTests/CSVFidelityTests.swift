import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("CSV values round-trip and CSV messages say what is wrong")
struct CSVFidelityTests {
    /// Timestamps given as nanoseconds explicitly: these files' tiny timestamps are not refused as looking like seconds.
    let nanoseconds = { var options = CSVReadOptions(); options.timestampFormat = .nanoseconds; return options }()

    /// Reads `text` (after the header) with the fail policy: the records, or the run's outcome.
    func read(_ text: String, policy: MalformedLinePolicy = .fail) async throws -> (PipelineSummary, [SensorRecord]) {
        let path = try temporaryFile("sensor_id,timestamp,value,unit\n" + text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = CollectingRecordSink()
        let pipeline = Pipeline(source: .init("csv", CSVRecordSource(path: path, options: nanoseconds, policy: policy, maxLineBytes: 8_000)), sinks: [.init("collect", sink)])
        do {
            return (try await pipeline.run(), sink.records)
        } catch {
            return (error.summary, sink.records)
        }
    }

    /// The failure message for one data line (line 2 of the file).
    func problem(_ line: String) async throws -> String? {
        let (summary, _) = try await read(line + "\n")
        guard case let .sourceFailed(message) = summary.outcome else { return nil }
        return message.split(separator: ":", maxSplits: 2).last.map { String($0.dropFirst()) }
    }

    static let specialValues: [UInt64] = [
        0x7FF8_0000_0000_0000,  // the default quiet NaN
        0xFFF8_0000_0000_0000,  // negative quiet NaN
        0x7FF8_0000_0000_0001,  // quiet NaN with a payload
        0x7FF0_0000_0000_0001,  // signalling NaN
        0xFFF0_0000_0000_0001,  // negative signalling NaN
        0x7FFF_FFFF_FFFF_FFFF,  // every fraction bit
        0xFFF4_0000_0000_0000,
        0x8000_0000_0000_0000,  // -0.0
        0x0000_0000_0000_0000,
        0x7FF0_0000_0000_0000,  // +inf
        0xFFF0_0000_0000_0000,  // -inf
        0x0000_0000_0000_0001,  // the least subnormal
        0x7FEF_FFFF_FFFF_FFFF,  // the greatest finite
    ]

    @Test("csv-writer then csv-reader keeps every value bit for bit: NaN signs and payloads, -0.0, infinities")
    func specialValuesRoundTrip() async throws {
        let records = Self.specialValues.enumerated().map { index, bits in
            SensorRecord(sensorID: UInt32(index), timestampNanoseconds: Int64(index), value: Double(bitPattern: bits), unit: .celsius)
        }
        let folder = try ScratchFolder()
        let path = folder.file("values.csv")
        #expect(await runInto(CSVRecordSink(path: path), records: records) == .completed)
        let sink = CollectingRecordSink()
        let summary = try await Pipeline(source: .init("csv", CSVRecordSource(path: path, options: nanoseconds)), sinks: [.init("collect", sink)]).run()
        #expect(summary.outcome == .completed)
        #expect(sink.records.map(\.value.bitPattern) == Self.specialValues, "\((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")")
    }

    @Test("A sensor_id with leading zeros is a valid integer")
    func leadingZeros() async throws {
        let (summary, records) = try await read("00000000007,1,2.5,celsius\n0000000000004294967295,1,2.5,celsius\n")
        #expect(summary.outcome == .completed)
        #expect(records.map(\.sensorID) == [7, 4_294_967_295])
        #expect(try await problem("00000000004294967296,1,2.5,celsius") == #"column 1 ("sensor_id"): sensor_id "00000000004294967296" is not an integer in 0...4294967295"#)
    }

    @Test("A valid number longer than 512 bytes is read, not called 'not a number'")
    func longNumber() async throws {
        let long = "0." + String(repeating: "0", count: 600) + "15e601"
        let (summary, records) = try await read("1,1,\(long),celsius\n")
        #expect(summary.outcome == .completed)
        #expect(records.first?.value == 1.5)
    }

    @Test("A number beyond the range of a Double is called that, not 'not a number'")
    func outOfRange() async throws {
        #expect(try await problem("1,1,1e999,celsius") == #"column 3 ("value"): value "1e999" is beyond the largest Double, ±1.7976931348623157e+308"#)
    }

    @Test("A field count error names the field count")
    func fieldCount() async throws {
        #expect(try await problem("1,1,2.5") == "expected 4 fields (sensor_id,timestamp,value,unit), found 3")
        #expect(try await problem("1,1,2.5,celsius,x") == "expected 4 fields (sensor_id,timestamp,value,unit), found 5")
    }

    @Test("A quoted field is read as RFC 4180 says: a comma inside is part of the field")
    func quoting() async throws {
        #expect(try await problem(#"1,1,"2,5",celsius"#) == #"column 3 ("value"): value "2,5" is not a number"#)
        let (summary, records) = try await read(#""1",1,"2.5","celsius""# + "\n")
        #expect(summary.outcome == .completed)
        #expect(records == [SensorRecord(sensorID: 1, timestampNanoseconds: 1, value: 2.5, unit: .celsius)])
    }

    @Test("The summary lists the first 10 skipped lines with their numbers and reasons, and counts the rest")
    func skippedLinesAreListed() async throws {
        var text = ""
        for index in 0..<15 { text += "\(index),1,bad\(index),celsius\n1,1,1,celsius\n" }
        let (summary, records) = try await read(text, policy: .skip)
        #expect(summary.outcome == .completed)
        #expect(records.count == 15)
        #expect(summary.source.skipped.count == 10)
        #expect(summary.source.skipped.first == SkippedInput(line: 2, problem: #"column 3 ("value"): value "bad0" is not a number"#))
        #expect(summary.source.skipped.map(\.line) == Array(stride(from: 2, to: 22, by: 2)))
        #expect(summary.source.skippedNotListed == 5)
        #expect(summary.report.contains(#"skipped line 4: column 3 ("value"): value "bad1" is not a number"#), "\(summary.report)")
        #expect(summary.report.contains("… and 5 more skipped"), "\(summary.report)")
        let decoded = try JSONDecoder().decode(PipelineSummary.self, from: JSONEncoder().encode(summary))
        #expect(decoded.source.skipped == summary.source.skipped)
    }
}
