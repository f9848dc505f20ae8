import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsTestSupport
import Foundation
import Testing

/// A `/proc/self/status` field, in bytes.
private func statusBytes(_ field: String) -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
    return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) << 10
}

/// Eight sensors of 400,000 readings at 1 s with two-decimal random-walk
/// values: sensor by sensor (`grouped`), or taking turns reading by reading.
private func readings(grouped: Bool) -> [sensor_record_t] {
    let sensors = 8
    let perSensor = 400_000
    var records: [sensor_record_t] = []
    records.reserveCapacity(sensors * perSensor)
    var steps = [Int64](repeating: 10_000, count: sensors)
    func append(_ sensor: Int, _ i: Int) {
        steps[sensor] += Int64((i &* 7_919 &+ sensor) % 201) - 100
        records.append(sensor_record_t(
            sensor_id: UInt32(sensor), timestamp_ns: 1_700_000_000_000_000_000 + Int64(i) * 1_000_000_000,
            value: Double(steps[sensor]) / 100, unit: 1))
    }
    if grouped {
        for sensor in 0..<sensors { for i in 0..<perSensor { append(sensor, i) } }
    } else {
        for i in 0..<perSensor { for sensor in 0..<sensors { append(sensor, i) } }
    }
    return records
}

/// Compresses `records` in this (child) process and exits 0 when the resident
/// high-water mark grew by at most `allowance(output bytes)`, 1 when it grew by
/// more; it prints the figures either way.
private func exitAfterCheckingPeak(of records: [sensor_record_t], allowance: (_ output: Int) -> Int) -> Never {
    // Peak resident size is reset to the current one (proc(5), clear_refs "5").
    guard (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil else { exit(3) }
    let before = statusBytes("VmRSS")
    let store = records.withUnsafeBufferPointer { try? CompressedRecords(compressing: $0) }
    guard let store else { exit(4) }
    let grew = statusBytes("VmHWM") - before
    let output = store.storageStatistics.totalBytes
    let bound = allowance(output)
    print("peak grew by \(grew) bytes; output \(output), bound \(bound)")
    exit(grew <= bound ? 0 : 1)
}

@Suite("Memory while compressing")
struct CompressionMemoryTests {
    /// The bound: at most one block beyond input plus output. Grouped input
    /// (sensor, then time, as a sorted seal gives) needs no grouping index, so the
    /// build's peak above the input is the output and one block of decoded columns
    /// (39 bytes a record). The allowance, 63 bytes a record of one block and 2 MiB,
    /// covers that and the allocator's and the runtime's own growth in a fresh
    /// child process.
    @Test(
        "Compressing grouped input holds at most the output and one block beyond the input",
        .enabled(if: !sanitizerActive, "skipped under sanitizers: their shadow memory and quarantine move resident bytes"))
    func peakIsOutputPlusOneBlock() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            exitAfterCheckingPeak(of: readings(grouped: true)) { output in
                output + ColumnarOptions.defaultRecordsPerBlock * (21 + 42) + 2 << 20
            }
        }
        if let result { print(String(decoding: result.standardOutputContent, as: UTF8.self)) }
    }

    /// Interleaved input (the sensors take turns, as readings arrive) is grouped
    /// through a 4-byte position per record: the build's peak above the input is
    /// the output, those positions and one block, nothing more. The blocks are
    /// put in store order after the positions are freed, so that copy (the
    /// output twice) stays below the peak.
    @Test(
        "Compressing interleaved input holds at most the output, 4 bytes a record and one block beyond the input",
        .enabled(if: !sanitizerActive, "skipped under sanitizers: their shadow memory and quarantine move resident bytes"))
    func interleavedPeakIsOutputPlusPositions() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            let records = readings(grouped: false)
            exitAfterCheckingPeak(of: records) { output in
                output + 4 * records.count + ColumnarOptions.defaultRecordsPerBlock * (21 + 42) + 2 << 20
            }
        }
        if let result { print(String(decoding: result.standardOutputContent, as: UTF8.self)) }
    }
}
