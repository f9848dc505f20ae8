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
    /// The first line is not `sensor_id,timestamp,value,unit`.
    case wrongHeader(path: String, found: String)
    /// A malformed line under the ``MalformedLinePolicy/fail`` policy.
    case malformedLine(path: String, line: Int, problem: CSVLineProblem)

    /// `path:line: problem`, or the system error in words.
    public var description: String {
        switch self {
        case let .cannotOpen(path, code): "\(String(abbreviatingPath: path)): cannot open: \(Errno(rawValue: code))"
        case let .readFailed(path, code): "\(String(abbreviatingPath: path)): read failed: \(Errno(rawValue: code))"
        case let .missingHeader(path): "\(String(abbreviatingPath: path)):1: the file is empty; expected the header \"\(CSVRecordSource.header)\""
        case let .wrongHeader(path, found): "\(String(abbreviatingPath: path)):1: expected the header \"\(CSVRecordSource.header)\", found \(found)"
        case let .malformedLine(path, line, problem): "\(String(abbreviatingPath: path)):\(line): \(problem)"
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

/// A source that streams `sensor_id,timestamp,value,unit` CSV files of any size.
///
/// The file is read with `read(2)` into one fixed buffer (1 MiB by
/// default) and parsed as bytes, straight into the batch: no `String` per
/// line, no per-record allocation, and memory that does not grow with the
/// file. Field formats: timestamps
/// are integer nanoseconds since the epoch or ISO 8601; units are
/// ``SensorUnit/name``s or `code-N`.
///
/// The first line must be the header `sensor_id,timestamp,value,unit` (a
/// UTF-8 byte-order mark before it is allowed). Lines end in `\n` or `\r\n`;
/// the last line's terminator may be missing. Empty lines are ignored and
/// counted in ``blankLines``. A malformed line is handled by the
/// ``MalformedLinePolicy``; either way it is counted in ``rejections`` under
/// its ``CSVLineProblem/reason``, and its line number is reported.
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
    /// What to do with malformed lines.
    public let policy: MalformedLinePolicy
    /// The longest line accepted, in bytes, terminator excluded.
    public let maxLineBytes: Int
    /// The read buffer's size in bytes.
    public let bufferBytes: Int
    /// How many skipped lines' messages ``malformedLines`` keeps.
    public let maxRecordedProblems: Int

    /// The first ``maxRecordedProblems`` malformed lines, in file order.
    public private(set) var malformedLines: [MalformedLine] = []
    /// Lines read so far, the header included.
    public private(set) var linesRead = 0
    /// Empty lines ignored so far.
    public private(set) var blankLines = 0
    /// Bytes read from the file so far.
    public private(set) var bytesRead = 0
    /// Malformed lines by reason.
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
    private var pendingError: CSVSourceError? = nil
    private var parser = CSVLineParser()

    /// Configures a source; nothing is opened.
    ///
    /// - Parameters:
    ///   - path: The file to read, absolute or relative to the working directory.
    ///   - policy: What to do with malformed lines.
    ///   - maxLineBytes: The longest line accepted, its `\r\n` or `\n` not counted; longer ones are
    ///     malformed. At most `bufferBytes - 2`, so that such a line and its terminator fit the buffer.
    ///   - bufferBytes: The read buffer's size; at least 64.
    ///   - maxRecordedProblems: How many skipped lines' messages to keep.
    public init(
        path: String, policy: MalformedLinePolicy = .fail, maxLineBytes: Int = 4_096, bufferBytes: Int = 1 << 20,
        maxRecordedProblems: Int = 20
    ) {
        require(bufferBytes >= 64, "CSVRecordSource bufferBytes must be at least 64")
        require(
            maxLineBytes >= 1 && maxLineBytes <= bufferBytes - 2, "CSVRecordSource maxLineBytes must be in 1...(bufferBytes - 2)")
        self.path = path
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
            try fill(slots, &count, buffer)
        }
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
                        if pendingError != nil { return true }
                        continue
                    }
                    if !sawHeader { throw .missingHeader(path: path) }
                    return count > 0
                }
                try refill(buffer)
                if pendingError != nil { return true }
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
                if pendingError != nil { return true }
                continue
            }
            try line(UnsafePointer(lineStart), length, output, &count)
            if pendingError != nil { return true }
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
            if headerLength > 0, headerStart[headerLength - 1] == UInt8(ascii: "\r") { headerLength -= 1 }
            let expected = Self.header.utf8
            guard headerLength == expected.count, zip(expected, UnsafeBufferPointer(start: headerStart, count: headerLength)).allSatisfy(==) else {
                throw .wrongHeader(path: path, found: CSVLineParser.quote(headerStart, headerStart + headerLength))
            }
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
        switch parser.parse(start, length) {
        case let .success(record):
            (output + count).initialize(to: record)
            count += 1
        case let .failure(problem):
            try malformed(problem)
        }
    }

    private func malformed(_ problem: CSVLineProblem) throws(CSVSourceError) {
        rejections.add(1, reason: problem.reason)
        switch policy {
        case .skip:
            if malformedLines.count < maxRecordedProblems { malformedLines.append(MalformedLine(line: linesRead, problem: problem)) }
        case .fail:
            pendingError = .malformedLine(path: path, line: linesRead, problem: problem)
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
