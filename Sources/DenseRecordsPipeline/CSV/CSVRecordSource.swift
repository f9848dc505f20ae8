import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CDenseRecords

/// What a ``CSVRecordSource`` does with a malformed line.
public enum MalformedLinePolicy: String, Hashable, Sendable, CaseIterable {
    /// Skip the line, count it under its reason, and keep the first few messages.
    case skip
    /// Deliver the records before the line, then stop the run with ``CSVSourceError/malformedLine(path:line:problem:)``.
    case fail
}

/// Why a ``CSVRecordSource`` could not read its file.
public enum CSVSourceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `open(2)` failed.
    case cannotOpen(path: String, errno: Int32)
    /// `read(2)` failed.
    case readFailed(path: String, errno: Int32)
    /// The file has no header line.
    case missingHeader(path: String)
    /// The first line is not a header the source can read (it is longer than the read buffer).
    case wrongHeader(path: String, found: String)
    /// The header has no column of the name an option gives (`sensorColumn`, …): a
    /// headerless file, a different name, or the wrong delimiter.
    case missingColumn(path: String, column: String, option: String, header: String)
    /// A malformed line under the ``MalformedLinePolicy/fail`` policy.
    case malformedLine(path: String, line: Int, problem: CSVLineProblem)
    /// The timestamp format was not given and every timestamp of the first batch, read as
    /// nanoseconds, falls before 1971: epoch seconds, milliseconds or microseconds, most likely.
    ///
    /// `line` is the first record's line, `first` its timestamp field, `suggestion` the format its size suggests.
    case implausibleTimestamps(path: String, line: Int, column: String, first: Int64, suggestion: CSVTimestampFormat)

    /// `path:line: problem`, or the system error in words.
    public var description: String {
        switch self {
        case let .cannotOpen(path, code): "\(String(abbreviatingPath: path)): cannot open: \(Errno(rawValue: code))"
        case let .readFailed(path, code): "\(String(abbreviatingPath: path)): read failed: \(Errno(rawValue: code))"
        case let .missingHeader(path): "\(String(abbreviatingPath: path)):1: the file is empty; expected the header \"\(CSVRecordSource.header)\""
        case let .wrongHeader(path, found): "\(String(abbreviatingPath: path)):1: expected the header \"\(CSVRecordSource.header)\", found \(found)"
        case let .missingColumn(path, column, option, header):
            "\(String(abbreviatingPath: path)):1: the header has no column \(CSVLineParser.quote(column)) (\(option)); found \(header). "
                + "The first line must be a header naming the columns: set \(option) to the name, or check the delimiter"
                + (option == "unitColumn" ? ", or give one unit for the whole file with unit" : "")
        case let .malformedLine(path, line, problem): "\(String(abbreviatingPath: path)):\(line): \(problem)"
        case let .implausibleTimestamps(path, line, column, first, suggestion):
            "\(String(abbreviatingPath: path)):\(line): column \(CSVLineParser.quote(column)): every timestamp of the first batch falls "
                + "before 1971 when read as nanoseconds (the first is \(first)); they look like epoch \(suggestion.unitName): "
                + "set timestampFormat to \"\(suggestion.rawValue)\" (or whichever of \"s\", \"ms\", \"us\" the file uses), "
                + "or to \"ns\" if they really are nanoseconds"
        }
    }
}

/// A malformed line that was skipped: where, and why.
public struct MalformedLine: Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line number; the header is line 1.
    public var line: Int
    /// What is wrong with it.
    public var problem: CSVLineProblem

    /// `line 42: value "abc" is not a number`.
    public var description: String { "line \(line): \(problem)" }
}

/// A source that streams CSV files of sensor readings of any size.
///
/// The file is read with `read(2)` into one fixed buffer (1 MiB by
/// default) and parsed as bytes, straight into the batch: no `String` per
/// line, no per-record allocation, and memory that does not grow with the
/// file.
///
/// The first line must be a header (a UTF-8 byte-order mark before it is
/// allowed). ``CSVReadOptions`` name the columns that hold the sensor id, the
/// timestamp, the value and the unit; they may come in any order, and other
/// columns are ignored. A file without a header fails at line 1 with
/// ``CSVSourceError/missingColumn(path:column:option:header:)``. The
/// defaults read `sensor_id,timestamp,value,unit` as ``CSVRecordSink``
/// writes it, and that exact layout takes a faster path.
///
/// Fields follow RFC 4180: a field in double quotes may hold the delimiter
/// (`,`, `;` or tab, ``CSVReadOptions/delimiter``), and `""` inside it is a
/// quote. A quoted field must close on its own line: a record is one line,
/// as pyarrow reads by default (`newlines_in_values=False`); a line whose
/// quote does not close is malformed (``CSVLineProblem/unterminatedQuote``).
/// Fields are not trimmed. Timestamps are read as
/// ``CSVReadOptions/timestampFormat`` says; units are ``SensorUnit/name``s,
/// `code-N`, or the aliases in ``CSVUnitAlias/all`` (some scale the value).
///
/// Lines end in `\n` or `\r\n`; the last line's terminator may be missing.
/// Empty lines are ignored and counted in ``blankLines``. A malformed line is
/// handled by the ``MalformedLinePolicy``; either way it is counted in
/// ``rejections`` under its ``CSVLineProblem/reason``, and its line number
/// and column are reported. A line with an empty value under
/// ``CSVMissingValuePolicy/skip``, or an unknown unit under
/// ``CSVUnknownUnitPolicy/skip``, is skipped and counted under `missing
/// value` or `unknown unit`, whatever the malformed-line policy. So records
/// delivered plus ``rejections`` equals data lines read.
///
/// Skipped lines are listed in the run's summary: the first
/// ``SourceSummary/listedSkippedLimit`` with their line numbers and reasons,
/// then the count of the rest.
///
/// Nothing is opened until ``open()``.
public final class CSVRecordSource: RecordSource, SkippedInputReporting {
    /// The header every file starts with.
    public static let header = "sensor_id,timestamp,value,unit"

    /// The file's path, as given.
    public let path: String
    /// The file's dialect.
    public let options: CSVReadOptions
    /// What to do with malformed lines.
    public let policy: MalformedLinePolicy
    /// The longest line accepted, in bytes, terminator excluded.
    public let maxLineBytes: Int
    /// The read buffer's size in bytes.
    public let bufferBytes: Int
    /// How many skipped lines' messages ``malformedLines`` keeps.
    public let maxRecordedProblems: Int

    /// The first ``maxRecordedProblems`` skipped lines (malformed, or skipped for a missing value or unknown unit), in file order.
    public private(set) var malformedLines: [MalformedLine] = []
    /// Lines read so far, the header included.
    public private(set) var linesRead = 0
    /// Empty lines ignored so far.
    public private(set) var blankLines = 0
    /// Bytes read from the file so far.
    public private(set) var bytesRead = 0
    /// Skipped lines by reason.
    public private(set) var rejections = RejectionCounts()

    /// The first ``maxRecordedProblems`` malformed lines, for the run's summary.
    public var skippedInputs: [SkippedInput] {
        malformedLines.map { SkippedInput(line: $0.line, problem: $0.problem.description) }
    }

    private var descriptor: FileDescriptor? = nil
    private var buffer: UnsafeMutablePointer<UInt8>? = nil
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    private var sawHeader = false
    private var skippingLongLine = 0
    private var pendingError: CSVSourceError? = nil {
        didSet { hasPendingError = pendingError != nil }
    }
    /// `pendingError != nil`, kept as a flag: the parse loop checks it after every line, and testing
    /// the optional error itself costs a call into its value witness there.
    private var hasPendingError = false
    private var parser = CSVLineParser()
    /// The general parser, set once the header is read.
    private var rowParser: CSVRowParser? = nil
    /// Whether the header is the canonical layout that ``parser`` reads directly.
    private var fastPath = false
    /// Whether the first batch's timestamps are still to be checked (timestamp format not given).
    private var timestampsToCheck: Bool
    /// The line number of the first record delivered.
    private var firstRecordLine = 0

    /// Configures a source; nothing is opened.
    ///
    /// - Parameters:
    ///   - path: The file to read, absolute or relative to the working directory.
    ///   - options: The file's dialect: column names, delimiter, timestamp format, units, missing values.
    ///   - policy: What to do with malformed lines.
    ///   - maxLineBytes: The longest line accepted, its `\r\n` or `\n` not counted; longer ones are
    ///     malformed. At most `bufferBytes - 2`, so that such a line and its terminator fit the buffer.
    ///   - bufferBytes: The read buffer's size; at least 64.
    ///   - maxRecordedProblems: How many skipped lines' messages to keep.
    public init(
        path: String, options: CSVReadOptions = CSVReadOptions(), policy: MalformedLinePolicy = .fail, maxLineBytes: Int = 4_096,
        bufferBytes: Int = 1 << 20, maxRecordedProblems: Int = 20
    ) {
        require(bufferBytes >= 64, "CSVRecordSource bufferBytes must be at least 64")
        require(
            maxLineBytes >= 1 && maxLineBytes <= bufferBytes - 2, "CSVRecordSource maxLineBytes must be in 1...(bufferBytes - 2)")
        self.path = path
        self.options = options
        self.timestampsToCheck = options.timestampFormat == nil
        self.parser = CSVLineParser(timestampFormat: options.effectiveTimestampFormat)
        self.policy = policy
        self.maxLineBytes = maxLineBytes
        self.bufferBytes = bufferBytes
        self.maxRecordedProblems = maxRecordedProblems
    }

    deinit {
        try? descriptor?.close()
        buffer?.deallocate()
    }

    /// Opens the file and allocates the read buffer.
    ///
    /// - Throws: ``CSVSourceError/cannotOpen(path:errno:)``.
    public func open() async throws {
        do {
            descriptor = try FileDescriptor.open(path, .readOnly)
        } catch {
            throw CSVSourceError.cannotOpen(path: path, errno: error.rawValue)
        }
        buffer = .allocate(capacity: bufferBytes)
    }

    /// Closes the file and frees the buffer.
    public func close() async {
        try? descriptor.take()?.close()
        buffer?.deallocate()
        buffer = nil
    }

    /// Parses lines into `batch` until it is full or the file ends.
    ///
    /// - Parameter batch: The batch to fill.
    /// - Returns: `false` once the file is exhausted.
    /// - Throws: ``CSVSourceError``; under the fail policy a malformed line's
    ///   error comes on the call after the one that delivered the records before it.
    /// - Complexity: O(bytes parsed).
    public func nextBatch(into batch: inout RecordBatch) async throws -> Bool {
        if let pendingError { throw pendingError }
        guard let buffer else { requirementFailed("CSVRecordSource.nextBatch called before open()") }
        return try batch.withUnsafeMutableStorage { (slots, count) throws(CSVSourceError) -> Bool in
            let more = try fill(slots, &count, buffer)
            if timestampsToCheck, count > 0 {
                timestampsToCheck = false
                try checkTimestamps(UnsafeBufferPointer(rebasing: slots[0..<count]), &count)
            }
            return more
        }
    }

    /// 1971-01-01T00:00:00Z in nanoseconds.
    static let plausibleNanosecondsFrom: Int64 = 365 * 86_400 * 1_000_000_000

    /// Refuses a first batch whose timestamps, read as nanoseconds, all fall before 1971.
    private func checkTimestamps(_ records: UnsafeBufferPointer<sensor_record_t>, _ count: inout Int) throws(CSVSourceError) {
        guard records.allSatisfy({ $0.timestamp_ns < Self.plausibleNanosecondsFrom }) else { return }
        let first = records[0].timestamp_ns
        // Epoch seconds of 1971...2262 are below 1e10, milliseconds below 1e13, microseconds below 1e16.
        let magnitude = first.magnitude
        let suggestion: CSVTimestampFormat =
            magnitude < 10_000_000_000 ? .seconds : magnitude < 10_000_000_000_000 ? .milliseconds : .microseconds
        // The records are not delivered: nothing read as 1970 leaves the source.
        count = 0
        let column = rowParser.map { $0.columns.names[$0.columns.timestamp] } ?? options.timestampColumn
        throw .implausibleTimestamps(path: path, line: firstRecordLine, column: column, first: first, suggestion: suggestion)
    }

    /// The parse loop: finds each line with `memchr` and parses it in place.
    private func fill(
        _ slots: UnsafeMutableBufferPointer<sensor_record_t>, _ count: inout Int, _ buffer: UnsafeMutablePointer<UInt8>
    ) throws(CSVSourceError) -> Bool {
        let output = slots.baseAddress!
        let capacity = slots.count
        while count < capacity {
            let lineStart = buffer + start
            let available = end - start
            guard let newline = memchr(lineStart, Int32(UInt8(ascii: "\n")), available) else {
                if atEndOfFile {
                    if available > 0 {
                        start = end
                        try line(lineStart, available, output, &count)
                        if hasPendingError { return true }
                        continue
                    }
                    if !sawHeader { throw .missingHeader(path: path) }
                    return count > 0
                }
                try refill(buffer)
                if hasPendingError { return true }
                continue
            }
            let lineEnd = newline.assumingMemoryBound(to: UInt8.self)
            let length = lineEnd - lineStart
            start += length + 1
            if skippingLongLine > 0 {
                // The tail of a line longer than the buffer: report it once, now that its length is known.
                let total = skippingLongLine + length
                skippingLongLine = 0
                try malformed(.lineTooLong(bytes: total, limit: maxLineBytes))
                if hasPendingError { return true }
                continue
            }
            try line(UnsafePointer(lineStart), length, output, &count)
            if hasPendingError { return true }
        }
        return true
    }

    /// Handles one complete line.
    private func line(
        _ start: UnsafePointer<UInt8>, _ length: Int, _ output: UnsafeMutablePointer<sensor_record_t>, _ count: inout Int
    ) throws(CSVSourceError) {
        linesRead += 1
        if !sawHeader {
            var headerStart = start
            var headerLength = length
            if headerLength >= 3, start[0] == 0xEF, start[1] == 0xBB, start[2] == 0xBF {
                headerStart += 3
                headerLength -= 3
            }
            try readHeader(headerStart, headerLength)
            sawHeader = true
            return
        }
        if length == 0 || (length == 1 && start.pointee == UInt8(ascii: "\r")) {
            blankLines += 1
            return
        }
        // The limit counts the line's content; a CRLF line's \r is part of its terminator.
        let contentLength = start[length - 1] == UInt8(ascii: "\r") ? length - 1 : length
        if contentLength > maxLineBytes {
            try malformed(.lineTooLong(bytes: contentLength, limit: maxLineBytes))
            return
        }
        if fastPath, case let .success(record) = parser.parse(start, length) {
            if count == 0, timestampsToCheck { firstRecordLine = linesRead }
            (output + count).initialize(to: record)
            count += 1
            return
        }
        // Everything the fast path does not take, and every rejection, is decided by the general parser.
        switch rowParser!.parse(start, length) {
        case let .success(record):
            if count == 0, timestampsToCheck { firstRecordLine = linesRead }
            (output + count).initialize(to: record)
            count += 1
        case let .failure(problem):
            try malformed(problem)
        }
    }

    /// Finds the columns the options name in the header line.
    private func readHeader(_ start: UnsafePointer<UInt8>, _ length: Int) throws(CSVSourceError) {
        var names: [String] = []
        let split = CSVRowParser.split(start, length, delimiter: options.delimiter.byte) { _, span in
            // `""` inside a quoted name is one quote.
            var bytes: [UInt8] = []
            var p = span.start
            while p < span.end {
                bytes.append(p.pointee)
                p += p.pointee == UInt8(ascii: "\"") && p + 1 < span.end && p[1] == UInt8(ascii: "\"") ? 2 : 1
            }
            names.append(String(decoding: bytes, as: UTF8.self))
        }
        var end = start + length
        if end > start, end[-1] == UInt8(ascii: "\r") { end -= 1 }
        let shown = CSVLineParser.quote(start, end)
        if case .failure = split {
            throw .missingColumn(path: path, column: options.sensorColumn, option: "sensorColumn", header: shown)
        }
        func position(_ name: String, _ option: String) throws(CSVSourceError) -> Int {
            guard let index = names.firstIndex(of: name) else {
                throw .missingColumn(path: path, column: name, option: option, header: shown)
            }
            return index
        }
        let sensor = try position(options.sensorColumn, "sensorColumn")
        let timestamp = try position(options.timestampColumn, "timestampColumn")
        let value = try position(options.valueColumn, "valueColumn")
        var unit: Int? = nil
        var fileUnit: CSVUnitAlias? = nil
        if let unitColumn = options.unitColumn, let index = names.firstIndex(of: unitColumn) {
            unit = index
        } else if let given = options.unit {
            fileUnit = CSVUnitAlias(given.name, given, factor: options.unitFactor)
        } else {
            throw .missingColumn(path: path, column: options.unitColumn ?? "unit", option: "unitColumn", header: shown)
        }
        var joined = names.joined(separator: options.delimiter == .tab ? "\\t" : options.delimiter.rawValue)
        if joined.count > 200 { joined = String(joined.prefix(200)) + "…" }
        let columns = CSVColumnMap(names: names, header: joined, sensor: sensor, timestamp: timestamp, value: value, unit: unit)
        rowParser = CSVRowParser(columns: columns, options: options, fileUnit: fileUnit)
        fastPath = columns.isCanonicalOrder && options.delimiter == .comma
    }

    private func malformed(_ problem: CSVLineProblem) throws(CSVSourceError) {
        rejections.add(1, reason: problem.reason)
        if policy == .fail, problem.isMalformed {
            pendingError = .malformedLine(path: path, line: linesRead, problem: problem)
        } else if malformedLines.count < maxRecordedProblems {
            malformedLines.append(MalformedLine(line: linesRead, problem: problem))
        }
    }

    /// Moves the unparsed tail to the front and reads more; handles lines longer than the buffer.
    private func refill(_ buffer: UnsafeMutablePointer<UInt8>) throws(CSVSourceError) {
        if start > 0 {
            let tail = end - start
            if tail > 0 { memmove(buffer, buffer + start, tail) }
            start = 0
            end = tail
        }
        if end == bufferBytes {
            // No newline in a full buffer: the line is longer than any we accept. Drop what we have
            // and remember its length; the rest is dropped up to the next newline.
            if sawHeader {
                if skippingLongLine == 0 { linesRead += 1 }
                skippingLongLine += end
                end = 0
            } else {
                throw .wrongHeader(path: path, found: CSVLineParser.quote(buffer, buffer + 40))
            }
        }
        guard let descriptor else { throw .readFailed(path: path, errno: Errno.badFileDescriptor.rawValue) }
        let got: Int
        do {
            got = try descriptor.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: bufferBytes - end))
        } catch {
            throw .readFailed(path: path, errno: error.rawValue)
        }
        if got > 0 {
            end += got
            bytesRead += got
            return
        }
        atEndOfFile = true
        if skippingLongLine > 0 {
            // A final over-long line without a terminator.
            let total = skippingLongLine + (end - start)
            skippingLongLine = 0
            start = end
            try malformed(.lineTooLong(bytes: total, limit: maxLineBytes))
        }
    }
}
