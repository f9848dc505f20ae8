// One CSV line through the byte-level parser, as the CSV source parses it.
//
// Invariants checked (inside the library's fuzzing entry point): parsing never
// crashes, re-parsing the same bytes gives the same result, and every rejection
// describes itself.
@_spi(Fuzzing) import DenseRecordsPipeline

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVLine(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = CSVFuzzing.parseLineTwice(start, count)
    return 0
}
