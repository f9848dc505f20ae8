import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsParquet
import DenseRecordsTestSupport
import Foundation
import Testing

/// The engine checks: `scripts/parquet_engines_check.py`, run by the test Python (see `testPython`).
enum ParquetCheckScript {
    static let path = repositoryRoot.appendingPathComponent("scripts/parquet_engines_check.py").path

    /// Runs the script with `arguments` and returns its exit status and combined output.
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try runProcess("/usr/bin/env", [testPython, path] + arguments, environment: extra)
    }
}

/// Runs `executable` with `arguments`, its standard output and error going to one temporary file.
func runProcess(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !extra.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 } }
    let outputPath = temporaryPath("process-output.txt")
    guard FileManager.default.createFile(atPath: outputPath, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try output.close()
    return (process.terminationStatus, readTextFile(outputPath))
}

/// Writes `records` packed (21 bytes each, as `sensor_record_t`) to `path`, for the round-trip check.
func writePackedRecords(_ records: [SensorRecord], to path: String) throws {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(records.count * 21)
    for record in records {
        withUnsafeBytes(of: record.sensorID.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: record.timestampNanoseconds.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: record.value.bitPattern.littleEndian) { bytes += $0 }
        bytes.append(record.unit.rawValue)
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// An arena holding `records`.
func parquetArena(_ records: [SensorRecord]) throws -> RecordArena {
    let arena = RecordArena()
    try arena.append(contentsOf: records)
    return arena
}

/// SplitMix64: a small seeded generator, so a failing case can be replayed from its seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Records the writer must carry bit for bit: NaNs with payloads (quiet and signalling),
/// signed zeros, infinities, subnormals, the extreme timestamps and sensor ids, and unit
/// codes this version does not know.
func adversarialRecords() -> [SensorRecord] {
    let values: [Double] = [
        .nan, -.nan, Double(bitPattern: 0x7FF8_0000_DEAD_BEEF), Double(bitPattern: 0x7FF0_0000_0000_0001),
        Double(bitPattern: 0xFFF4_0000_0000_1234), 0.0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude,
        -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, .pi,
    ]
    let timestamps: [Int64] = [.min, .max, 0, -1, 1, .min + 1, .max - 1, 1_700_000_000_000_000_000, -86_400_000_000_000]
    let ids: [UInt32] = [0, .max, 1, .max - 1, 1 << 31, (1 << 31) - 1]
    let codes: [UInt8] = [0, 1, 11, 12, 99, 200, 254, 255]
    var records: [SensorRecord] = []
    for index in 0..<200 {
        records.append(SensorRecord(
            sensorID: ids[index % ids.count], timestampNanoseconds: timestamps[(index * 7) % timestamps.count],
            value: values[(index * 3) % values.count], unit: SensorUnit(rawValue: codes[(index * 5) % codes.count])))
    }
    return records
}

/// `count` random records: every bit pattern of every field is possible, with runs of
/// sorted timestamps and repeated sensors, as real data has, between fully random ones.
func randomRecords(_ count: Int, seed: UInt64) -> [SensorRecord] {
    var generator = SplitMix(seed: seed)
    var records: [SensorRecord] = []
    records.reserveCapacity(count)
    var timestamp = Int64.random(in: -1_000_000_000_000_000_000...2_000_000_000_000_000_000, using: &generator)
    for _ in 0..<count {
        let wild = generator.next() % 8 == 0
        timestamp = wild ? Int64(bitPattern: generator.next()) : timestamp &+ Int64.random(in: 0...60_000_000_000, using: &generator)
        let sensor = wild ? UInt32(truncatingIfNeeded: generator.next()) : UInt32.random(in: 1...40, using: &generator)
        let value = wild ? Double(bitPattern: generator.next()) : Double(Int.random(in: -100_000...100_000, using: &generator)) / 100
        let unit = SensorUnit(rawValue: wild ? UInt8(truncatingIfNeeded: generator.next()) : UInt8.random(in: 0...11, using: &generator))
        records.append(SensorRecord(sensorID: sensor, timestampNanoseconds: timestamp, value: value, unit: unit))
    }
    return records
}

extension ParquetValueEncoding {
    /// The encoding's name in the Parquet specification, as pyarrow reports it.
    var parquetName: String { self == .plain ? "PLAIN" : "BYTE_STREAM_SPLIT" }
}

extension ParquetCompression {
    /// The codec's name in the Parquet specification, as pyarrow reports it.
    var parquetName: String { self == .zstd ? "ZSTD" : "UNCOMPRESSED" }
}
