// A whole CSV file through CSVRecordSource with the skip policy and a small
// read buffer, so line splitting, refills and over-long lines are exercised.
// The last byte picks the dialect: delimiter, timestamp format (or none, with
// its before-1971 check), empty-value and unknown-unit policies, and whether a
// file-wide unit stands in for a missing unit column. A header other than the
// canonical one sends every line through the general, RFC 4180 quoting path.
//
// Invariant checked: every line is accounted for exactly once —
// records + skipped (malformed, missing value, unknown unit) + blank + header == lines read,
// and nothing crashes.
import DenseRecords
@_spi(Fuzzing) import DenseRecordsPipeline
import Foundation

private let path = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-csv-\(getpid()).csv").path

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVSource(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    // The first byte picks the buffer size, so refills land anywhere.
    let bufferBytes = 64 + Int(count > 0 ? start.pointee : 0)
    let options = CSVFuzzing.readOptions(selectedBy: count > 0 ? start[count - 1] : UInt8(ascii: "\n"))
    let data = Data(bytes: start, count: count)
    guard FileManager.default.createFile(atPath: path, contents: data) else { return 0 }
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        defer { done.signal() }
        let source = CSVRecordSource(path: path, options: options, policy: .skip, maxLineBytes: 48, bufferBytes: bufferBytes)
        var batch = RecordBatch(capacity: 7)
        var records = 0
        var failure: (any Error)?
        do {
            try await source.open()
            while try await source.nextBatch(into: &batch) {
                records += batch.count
                batch.removeAll()
            }
        } catch {
            failure = error
        }
        await source.close()
        let header = source.linesRead > 0 && failure == nil ? 1 : 0
        if failure == nil {
            precondition(
                records + source.rejections.total + source.blankLines + header == source.linesRead,
                "lines unaccounted for: \(records) records + \(source.rejections.total) malformed + \(source.blankLines) blank + \(header) header != \(source.linesRead) lines")
        } else {
            precondition(!"\(failure!)".isEmpty, "an error without a description")
        }
    }
    done.wait()
    return 0
}
