// Exports N records (default 10,000,000) to an Arrow IPC file and reports
// throughput and the peak RSS the export added, next to a peer measured in
// the same run: dumping the arena's packed chunks to a file with write(2),
// which is the least any exporter writing the same bytes could cost.
//
// Usage: arrow-export-benchmark [records] [directory] [batch-size] [repetitions]
//
// Limits: times are wall-clock, single process, median of the repetitions;
// the files land in the page cache (no fsync), so this measures the
// transposition and the copy into the kernel, not the disk. Peak RSS is
// VmHWM from /proc/self/status after resetting it through
// /proc/self/clear_refs (Linux only); it counts the writer's column batch and
// any pages the allocator keeps, not the page cache.
import DenseRecords
import Foundation

let arguments = CommandLine.arguments
let count = arguments.count > 1 ? Int(arguments[1]) ?? 10_000_000 : 10_000_000
let directory = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory()
let batchSize = arguments.count > 3 ? Int(arguments[3]) ?? ArrowWriterOptions.defaultBatchSize : ArrowWriterOptions.defaultBatchSize
let repetitions = arguments.count > 4 ? Int(arguments[4]) ?? 5 : 5

func statusKiB(_ key: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

func resetPeak() {
    // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let arena = RecordArena()
try arena.reserveCapacity(count)
var generator = SystemRandomNumberGenerator()
for index in 0..<count {
    try arena.append(SensorRecord(
        sensorID: UInt32(index % 1_000), timestampNanoseconds: 1_700_000_000_000_000_000 + Int64(index) * 1_000,
        value: Double(UInt32.random(in: 0...1_000_000, using: &generator)) / 100, unit: SensorUnit(rawValue: UInt8(index % 12))))
}
let inputBytes = count * MemoryLayout<sensor_record_t>.stride
let arrowPath = (directory as NSString).appendingPathComponent("arrow-export-benchmark.arrow")
let rawPath = (directory as NSString).appendingPathComponent("arrow-export-benchmark.raw")
let options = ArrowWriterOptions(batchSize: batchSize)

// The measurement's own noise: the same reset and reads around no work at all.
let baselineBefore = statusKiB("VmRSS")
resetPeak()
let baselineDelta = statusKiB("VmHWM") - baselineBefore

var arrowTimes: [Double] = []
var rawTimes: [Double] = []
var peakDeltas: [Int] = []
var summary: ArrowExportSummary?
for _ in 0..<repetitions {
    let rssBefore = statusKiB("VmRSS")
    resetPeak()
    arrowTimes.append(try seconds { summary = try ArrowWriter.export(arena, toPath: arrowPath, options: options) })
    peakDeltas.append(statusKiB("VmHWM") - rssBefore)

    rawTimes.append(try seconds {
        let descriptor = open(rawPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        defer { close(descriptor) }
        try arena.forEachChunk { (chunk) throws(POSIXError) in
            var offset = 0
            let bytes = UnsafeRawBufferPointer(chunk)
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { throw POSIXError(.EIO) }
                offset += written
            }
        }
    })
}
if ProcessInfo.processInfo.environment["ARROW_BENCHMARK_KEEP"] == nil { try? FileManager.default.removeItem(atPath: arrowPath) }
try? FileManager.default.removeItem(atPath: rawPath)

let arrowSeconds = median(arrowTimes)
let rawSeconds = median(rawTimes)
let batchBytes = 21 * batchSize
func gb(_ bytes: Int, _ seconds: Double) -> String { String(format: "%.2f", Double(bytes) / seconds / 1e9) }
print("records:            \(count) (\(inputBytes) bytes packed), batch size \(batchSize) rows (\(batchBytes) bytes of columns)")
print("arrow export:       \(summary.map(String.init(describing:)) ?? "-")")
print("arrow export time:  median \(String(format: "%.3f", arrowSeconds)) s of \(repetitions) -> \(gb(inputBytes, arrowSeconds)) GB/s of records, \(gb(summary?.byteCount ?? 0, arrowSeconds)) GB/s written")
print("raw chunk dump:     median \(String(format: "%.3f", rawSeconds)) s -> \(gb(inputBytes, rawSeconds)) GB/s (peer: write(2) of the packed chunks)")
print("ratio:              arrow export takes \(String(format: "%.2f", arrowSeconds / rawSeconds))x the raw dump's time")
print("peak RSS delta:     max \(peakDeltas.max() ?? -1) KiB (each run: \(peakDeltas.map(String.init).joined(separator: ", "))) over \(repetitions) runs (VmHWM after export - VmRSS before; one batch is \(batchBytes / 1024) KiB; the same measurement around no work: \(baselineDelta) KiB)")
