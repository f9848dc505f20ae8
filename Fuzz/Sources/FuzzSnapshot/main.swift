// The snapshot reader: header and block-table validation on raw bytes.
//
// A crash, a sanitizer report, or a broken invariant (checked inside the
// library's fuzzing entry point) is a bug.
// `FUZZ_IGNORE_CHECKSUMS=1 Fuzz/run.sh ...` builds the library with
// SNAPSHOT_FUZZ_IGNORE_CHECKSUMS, so mutated headers get past the CRCs and
// reach the field checks behind them.
@_spi(Fuzzing) import DenseRecordsSnapshot

@_cdecl("LLVMFuzzerTestOneInput")
public func snapshotFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    _ = SnapshotFuzzing.checkHeader(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
