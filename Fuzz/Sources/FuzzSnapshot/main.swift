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

/// libFuzzer's own mutator, for the mutations this one leaves to it.
@_silgen_name("LLVMFuzzerMutate")
func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int) -> Int

// One mutation in three damages bytes of the newest header slot, and half of
// those reseal its CRC32C (see `SnapshotFuzzing.mutateNewestHeaderSlot`):
// the damaged-current-slot cases, the fallback to the older slot and the search
// for blocks that prove a newer commit, which generic byte mutations of a
// 64 KiB input rarely reach with a valid checksum. The rest, and inputs with no
// header to damage, go to libFuzzer's mutator.
@_cdecl("LLVMFuzzerCustomMutator")
public func snapshotFuzzCustomMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    if seed % 3 == 0, SnapshotFuzzing.mutateNewestHeaderSlot(UnsafeMutableRawBufferPointer(start: data, count: size), seed: seed / 3) {
        return size
    }
    return libFuzzerMutate(data, size, maxSize)
}
