// One CSV line through the byte-level parser, as the CSV source parses it.
//
// Invariants checked: parsing never crashes; a line that parses has a unit code
// the parser can name again, and re-parsing the same bytes gives the same result.
@testable import DenseRecords

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVLine(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var parser = CSVLineParser()
    let first = parser.parse(start, count)
    let second = parser.parse(start, count)
    switch (first, second) {
    case let (.success(a), .success(b)):
        precondition(SensorRecord(a) == SensorRecord(b), "parsing the same line twice disagreed")
    case let (.failure(a), .failure(b)):
        precondition(a == b, "parsing the same line twice gave different problems")
        precondition(!a.description.isEmpty, "a problem without a description")
    default:
        preconditionFailure("parsing the same line twice succeeded once")
    }
    return 0
}
