public import DenseRecordsCore

/// Entry points for the package's fuzz targets, which build against the
/// library like any client and so cannot see its internal parsers.
///
/// Not API: `@_spi(Fuzzing)` keeps them out of the public interface and the documentation.
@_spi(Fuzzing)
public enum CSVFuzzing {
    /// Parses one CSV line (without its terminator) twice, as the CSV source does,
    /// and traps if the two parses disagree or a rejection has no description.
    ///
    /// - Parameters:
    ///   - start: The line's first byte.
    ///   - count: The line's length in bytes.
    /// - Returns: The record, or `nil` when the line was rejected.
    public static func parseLineTwice(_ start: UnsafePointer<UInt8>, _ count: Int) -> SensorRecord? {
        var parser = CSVLineParser()
        let first = parser.parse(start, count)
        let second = parser.parse(start, count)
        switch (first, second) {
        case let (.success(a), .success(b)):
            precondition(SensorRecord(a) == SensorRecord(b), "parsing the same line twice disagreed")
            return SensorRecord(a)
        case let (.failure(a), .failure(b)):
            precondition(a == b, "parsing the same line twice gave different problems")
            precondition(!a.description.isEmpty, "a problem without a description")
            return nil
        default:
            preconditionFailure("parsing the same line twice succeeded once")
        }
    }
}
