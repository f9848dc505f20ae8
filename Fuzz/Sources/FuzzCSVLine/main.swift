// One CSV line through the byte-level parsers, as the CSV source parses it.
//
// Invariants checked (inside the library's fuzzing entry points): parsing never
// crashes, re-parsing the same bytes gives the same result, and every rejection
// describes itself; for every timestamp format. The RFC 4180 field splitter of the
// general path, with each delimiter, visits in-bounds fields in order, agrees with
// itself, and splits a line without quotes at exactly its delimiters.
@_spi(Fuzzing) import DenseRecordsPipeline

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVLine(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    for format in CSVTimestampFormat.allCases {
        _ = CSVFuzzing.parseLineTwice(start, count, timestampFormat: format)
    }
    for delimiter in CSVDelimiter.allCases {
        _ = CSVFuzzing.splitFieldsTwice(start, count, delimiter: delimiter)
    }
    return 0
}
