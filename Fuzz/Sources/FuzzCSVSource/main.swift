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
    let data = Data(bytes: start, count: count)
    guard FileManager.default.createFile(atPath: path, contents: data) else { return 0 }
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        defer { done.signal() }
        let read = await CSVFuzzing.readSource(path: path, first: data.first, last: data.last)
        if let failure = read.failure {
            precondition(!"\(failure)".isEmpty, "an error without a description")
        } else {
            precondition(
                read.linesAccountedFor == read.linesRead,
                "lines unaccounted for: \(read.records) records + \(read.skipped) skipped + \(read.blankLines) blank + header != \(read.linesRead) lines")
        }
    }
    done.wait()
    return 0
}
