import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsArrow
import DenseRecordsTestSupport
import Foundation
import Testing

/// The real-reader checks: `scripts/arrow_readers_check.py` run by the test
/// Python (see `testPython`), which always has pyarrow, Polars and DuckDB.
enum ArrowReaders {
    static let script = repositoryRoot.appendingPathComponent("scripts/arrow_readers_check.py").path
    static let python = testPython

    /// Runs the check script and returns its status and combined output.
    ///
    /// - Parameters:
    ///   - arguments: The script's arguments.
    ///   - feed: Called with the write end of a pipe connected to the script's
    ///     standard input; the pipe is closed after it returns.
    static func run(_ arguments: [String], feed: ((Int32) throws -> Void)? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments
        let outputPath = temporaryArrowPath("python-output", extension: "txt")
        guard FileManager.default.createFile(atPath: outputPath, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        let input = Pipe()
        process.standardInput = feed == nil ? FileHandle.nullDevice : input
        try process.run()
        var feedError: (any Error)?
        if let feed {
            do { try feed(input.fileHandleForWriting.fileDescriptor) } catch { feedError = error }
            try input.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try output.close()
        if let feedError { throw feedError }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }

    /// Writes `object` as JSON to a temporary file and returns its path.
    static func writeExpectations(_ object: [String: Any]) throws -> String {
        let path = temporaryArrowPath("expected", extension: "json")
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// What the Python readers must find, computed on the Swift side.
func arrowExpectations(_ records: some ChunkedRecords, batchLengths: [Int], encoding: ArrowUnitEncoding) -> [String: Any] {
    var idSum: UInt64 = 0
    var timestampSum: Int128 = 0
    var valueBits: UInt64 = 0
    var valueSum = 0.0
    var units: [String: Int] = [:]
    var perSensor: [UInt32: (count: Int, sum: Double)] = [:]
    for record in records {
        idSum += UInt64(record.sensorID)
        timestampSum += Int128(record.timestampNanoseconds)
        valueBits &+= record.value.bitPattern
        valueSum += record.value
        units[encoding == .dictionary ? record.unit.name : String(record.unit.rawValue), default: 0] += 1
        perSensor[record.sensorID, default: (0, 0)].count += 1
        perSensor[record.sensorID, default: (0, 0)].sum += record.value
    }
    return [
        "rows": records.count,
        "batches": batchLengths.count,
        "batch_lengths": batchLengths,
        "unit_encoding": encoding.rawValue,
        "sensor_id_sum": String(idSum),
        "timestamp_sum": String(timestampSum),
        "value_bits_sum": String(valueBits),
        "value_sum": valueSum,
        "unit_counts": units,
        "per_sensor": Dictionary(uniqueKeysWithValues: perSensor.map { (String($0.key), [$0.value.count, $0.value.sum / Double($0.value.count)] as [Any]) }),
    ]
}

@Suite(
    "Arrow output read by pyarrow, Polars and DuckDB",
    .enabled(if: !sanitizerActive, "skipped under sanitizers: they check the Swift side's memory, and the debug and release runs prove the readers"),
    .serialized)
struct ArrowReadersTests {
    static let rowCount = 1_000_000

    /// 1M records: 1,000 sensors, timestamps on both sides of 1970, every unit code 0-15 (12-15 unknown).
    static func millionRecords() throws -> RecordArena {
        var generator = SplitMix64(seed: 0xA770)
        let arena = RecordArena()
        try arena.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            try arena.append(SensorRecord(
                sensorID: UInt32.random(in: 0..<1_000, using: &generator),
                timestampNanoseconds: Int64.random(in: -3_000_000_000_000_000_000...3_000_000_000_000_000_000, using: &generator),
                value: Double.random(in: -1e6...1e6, using: &generator),
                unit: SensorUnit(rawValue: UInt8.random(in: 0..<16, using: &generator))))
        }
        return arena
    }

    static func batchLengths(_ count: Int, _ batch: Int = ArrowWriterOptions.defaultBatchSize) -> [Int] {
        stride(from: 0, to: count, by: batch).map { min(batch, count - $0) }
    }

    @Test("1M records: pyarrow.ipc.open_file, polars.read_ipc and DuckDB SQL agree with Swift")
    func millionRecordFile() throws {
        let arena = try Self.millionRecords()
        let path = temporaryArrowPath("million")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try ArrowWriter.export(arena, toPath: path)
        #expect(summary.recordBatchCount == 16)
        let expected = try ArrowReaders.writeExpectations(
            arrowExpectations(arena, batchLengths: Self.batchLengths(Self.rowCount), encoding: .dictionary))
        defer { try? FileManager.default.removeItem(atPath: expected) }

        let result = try ArrowReaders.run(["file", path, expected])
        #expect(result.status == 0, "arrow_readers_check.py file exited \(result.status):\n\(result.output)")
        print(result.output, terminator: "")
    }

    @Test("1M records through a pipe: pyarrow.ipc.open_stream agrees with Swift")
    func millionRecordStream() throws {
        // A reader that dies must fail the test with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let arena = try Self.millionRecords()
        let expected = try ArrowReaders.writeExpectations(
            arrowExpectations(arena, batchLengths: Self.batchLengths(Self.rowCount), encoding: .dictionary))
        defer { try? FileManager.default.removeItem(atPath: expected) }

        var summary: ArrowExportSummary?
        let result = try ArrowReaders.run(["stream", expected]) { descriptor in
            var writer = try ArrowWriter(fileDescriptor: descriptor, format: .stream)
            try writer.write(arena)
            summary = try writer.finish()
        }
        #expect(summary?.rowCount == Self.rowCount)
        #expect(result.status == 0, "arrow_readers_check.py stream exited \(result.status):\n\(result.output)")
        print(result.output, terminator: "")
    }

    /// Records whose values a lossy writer would change.
    static let edgeRecords: [SensorRecord] = {
        let values: [Double] = [
            .nan, Double(bitPattern: 0x7FF8_0000_0000_0001), Double(bitPattern: 0x7FF0_0000_0000_0001),
            Double(bitPattern: 0xFFF8_0000_0000_0000), .infinity, -.infinity, -0.0, 0.0,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 21.5,
        ]
        let timestamps: [Int64] = [.min, .max, -1, 0, 1, -1_000_000_000, -86_400_000_000_000 * 365 * 100, 1_700_000_000_123_456_789]
        let ids: [UInt32] = [0, 1, .max, 4_000_000_000]
        let units: [UInt8] = [0, 1, 11, 12, 13, 127, 128, 200, 254, 255]
        return (0..<max(values.count, timestamps.count, units.count) * 3).map { index in
            SensorRecord(
                sensorID: ids[index % ids.count], timestampNanoseconds: timestamps[index % timestamps.count],
                value: values[index % values.count], unit: SensorUnit(rawValue: units[index % units.count]))
        }
    }()

    @Test("NaN payloads, infinities, extreme timestamps and unknown unit codes survive pyarrow", arguments: ArrowUnitEncoding.allCases)
    func edgeValues(encoding: ArrowUnitEncoding) throws {
        let arena = RecordArena()
        try arena.append(contentsOf: Self.edgeRecords)
        let path = temporaryArrowPath("edge")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // A batch size of 7 puts batch boundaries inside the data.
        _ = try ArrowWriter.export(arena, toPath: path, options: .init(batchSize: 7, unitEncoding: encoding))
        let rows: [[String: Any]] = Self.edgeRecords.map { record in
            [
                "sensor_id": Int(record.sensorID),
                "timestamp": Int(record.timestampNanoseconds),
                "value_bits": String(record.value.bitPattern, radix: 16).leftPadded(to: 16),
                "unit": encoding == .dictionary ? record.unit.name as Any : Int(record.unit.rawValue) as Any,
            ]
        }
        let expected = try ArrowReaders.writeExpectations(["unit_encoding": encoding.rawValue, "records": rows])
        defer { try? FileManager.default.removeItem(atPath: expected) }
        let result = try ArrowReaders.run(["values", path, expected])
        #expect(result.status == 0, "arrow_readers_check.py values exited \(result.status):\n\(result.output)")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
