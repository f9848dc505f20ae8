// The snapshot reader: SnapshotFormat.validate on raw bytes.
//
// A crash, a sanitizer report, or a broken invariant below is a bug.
// `FUZZ_IGNORE_CHECKSUMS=1 Fuzz/run.sh ...` builds the library with
// SNAPSHOT_FUZZ_IGNORE_CHECKSUMS, so mutated headers get past the CRCs and
// reach the field checks behind them.
@testable import DenseRecords

@_cdecl("LLVMFuzzerTestOneInput")
public func snapshotFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do {
        let header = try SnapshotFormat.validate(bytes)
        // What a reader will then rely on: every block lies inside the bytes.
        precondition(header.fileSize <= size, "accepted a header that describes more than the file")
        precondition(header.recordCount * SnapshotFormat.recordSize <= size, "accepted more records than bytes")
        var records = 0
        for block in 0..<header.blockCount {
            let location = header.block(block)
            precondition(location.fileOffset + location.recordCount * SnapshotFormat.recordSize + SnapshotFormat.trailerSize <= size)
            precondition(location.firstRecord == records)
            records += location.recordCount
        }
        precondition(records == header.recordCount)
    } catch {
        // Every rejection must describe itself.
        precondition(!error.description.isEmpty)
    }
    return 0
}
