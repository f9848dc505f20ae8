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
    ///   - timestampFormat: How the line's timestamp is read.
    /// - Returns: The record, or `nil` when the line was rejected.
    public static func parseLineTwice(
        _ start: UnsafePointer<UInt8>, _ count: Int, timestampFormat: CSVTimestampFormat = .nanoseconds
    ) -> SensorRecord? {
        var parser = CSVLineParser(timestampFormat: timestampFormat)
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

    /// The dialect one byte selects, for a fuzz target that reads whole files:
    /// delimiter, timestamp format (or none, with its before-1971 check),
    /// empty-value and unknown-unit policies, and whether a file-wide unit
    /// (celsius) stands in for a missing unit column. `\n`, which ends most
    /// files, selects the default dialect.
    ///
    /// - Parameter byte: Any byte; all 216 dialects are reachable.
    /// - Returns: The options.
    public static func readOptions(selectedBy byte: UInt8) -> CSVReadOptions {
        var options = CSVReadOptions()
        var rest = Int(byte ^ UInt8(ascii: "\n"))
        func pick<T>(_ choices: [T]) -> T {
            defer { rest /= choices.count }
            return choices[rest % choices.count]
        }
        options.delimiter = pick(CSVDelimiter.allCases)
        options.timestampFormat = pick([nil] + CSVTimestampFormat.allCases.map { Optional($0) })
        options.onMissingValue = pick(CSVMissingValuePolicy.allCases)
        options.onUnknownUnit = pick(CSVUnknownUnitPolicy.allCases)
        if pick([false, true]) { options.unit = .celsius }
        return options
    }

    /// Splits one line into RFC 4180 fields twice with `delimiter`, as the CSV
    /// source's general path does, and traps if the two splits disagree, a field
    /// lies outside the line, or a line without quotes splits other than at every delimiter.
    ///
    /// - Parameters:
    ///   - start: The line's first byte.
    ///   - count: The line's length in bytes.
    ///   - delimiter: The field separator.
    /// - Returns: The number of fields, or `nil` when the quoting is malformed.
    public static func splitFieldsTwice(_ start: UnsafePointer<UInt8>, _ count: Int, delimiter: CSVDelimiter) -> Int? {
        let end = start + count
        var spans: [(Int, Int)] = []
        let first = CSVRowParser.split(start, count, delimiter: delimiter.byte) { index, span in
            precondition(span.start >= start && span.end <= end && span.start <= span.end, "a field outside its line")
            precondition(index == spans.count, "fields out of order")
            spans.append((span.start - start, span.end - start))
        }
        var again: [(Int, Int)] = []
        let second = CSVRowParser.split(start, count, delimiter: delimiter.byte) { _, span in
            again.append((span.start - start, span.end - start))
        }
        precondition(first == second && spans.elementsEqual(again, by: ==), "splitting the same line twice disagreed")
        switch first {
        case let .success(fields):
            precondition(fields == spans.count, "a field count that differs from the fields visited")
            let bytes = UnsafeBufferPointer(start: start, count: count)
            if !bytes.contains(UInt8(ascii: "\"")) {
                let body = bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes[...]
                precondition(fields == body.count(where: { $0 == delimiter.byte }) + 1, "an unquoted line split other than at its delimiters")
            }
            return fields
        case let .failure(problem):
            precondition(!problem.description.isEmpty, "a problem without a description")
            return nil
        }
    }

    /// What reading one fuzz input through ``CSVRecordSource`` gave.
    public struct SourceRead {
        /// The dialect the input's last byte selected.
        public var options: CSVReadOptions
        /// The records delivered.
        public var records: Int
        /// The error that stopped the read, if one did.
        public var failure: (any Error)?
        /// The lines read, header and blank lines included.
        public var linesRead: Int
        /// The lines skipped, for any reason.
        public var skipped: Int
        /// The blank lines.
        public var blankLines: Int

        /// The lines a record, a skip, a blank line or the header accounted for.
        public var linesAccountedFor: Int { records + skipped + blankLines + (linesRead > 0 ? 1 : 0) }
    }

    /// Reads the file at `path`, whose first and last bytes are `first` and
    /// `last`, as the csv-source fuzz target does, so that the target and the
    /// corpus replay read alike: the dialect the last byte selects
    /// (``readOptions(selectedBy:)``), the skip policy, a 48-byte line limit,
    /// a read buffer of 64 bytes plus the first byte, and batches of 7.
    ///
    /// - Returns: What the read gave; a failure is returned, not thrown.
    public static func readSource(path: String, first: UInt8?, last: UInt8?) async -> SourceRead {
        let options = readOptions(selectedBy: last ?? UInt8(ascii: "\n"))
        let source = CSVRecordSource(
            path: path, options: options, policy: .skip, maxLineBytes: 48, bufferBytes: 64 + Int(first ?? 0))
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
        return SourceRead(
            options: options, records: records, failure: failure, linesRead: source.linesRead,
            skipped: source.rejections.total, blankLines: source.blankLines)
    }
}
