import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
import CDenseRecords

/// Why a ``CSVRecordSink`` could not write its file.
public enum CSVSinkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `open(2)` failed.
    case cannotOpen(path: String, errno: Int32)
    /// `write(2)` or `close(2)` failed.
    case writeFailed(path: String, errno: Int32)

    /// The path and the system error in words.
    public var description: String {
        switch self {
        case let .cannotOpen(path, code): "\(path): cannot create: \(Errno(rawValue: code))"
        case let .writeFailed(path, code): "\(path): write failed: \(Errno(rawValue: code))"
        }
    }
}

/// A sink that writes records as `sensor_id,timestamp,value,unit` CSV, the format ``CSVRecordSource`` reads.
///
/// Timestamps are written as integer nanoseconds since the epoch, values in
/// the shortest form that reads back to the same `Double` (`21.5`, `1e-07`,
/// `nan`, `inf`), and units by ``SensorUnit/name`` (`code-N` for codes
/// without a name), so a file round-trips exactly. Output goes through a
/// 1 MiB buffer with `write(2)`. The file is created (or truncated) in
/// ``open()``.
public final class CSVRecordSink: RecordSink {
    /// The file's path.
    public let path: String
    /// Records written so far.
    public private(set) var recordsWritten = 0

    private var descriptor: FileDescriptor? = nil
    private var buffer: [UInt8] = []
    private let flushThreshold = 1 << 20
    private let unitNames: [[UInt8]] = (0...255).map { Array(SensorUnit(rawValue: UInt8($0)).name.utf8) }

    /// Configures the sink; nothing is created.
    ///
    /// - Parameter path: The file to create or truncate.
    public init(path: String) { self.path = path }

    deinit { try? descriptor?.close() }

    /// Creates (or truncates) the file and writes the header.
    ///
    /// - Throws: ``CSVSinkError/cannotOpen(path:errno:)``.
    public func open() async throws {
        do {
            descriptor = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate])
        } catch {
            throw CSVSinkError.cannotOpen(path: path, errno: error.rawValue)
        }
        buffer.reserveCapacity(flushThreshold + 4_096)
        buffer.append(contentsOf: CSVRecordSource.header.utf8)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Formats the batch's records into the buffer, flushing each time it passes 1 MiB.
    ///
    /// - Parameter batch: The records.
    /// - Throws: ``CSVSinkError/writeFailed(path:errno:)``.
    public func write(_ batch: borrowing RecordBatch) async throws {
        precondition(descriptor != nil, "CSVRecordSink.write called before open()")
        try batch.withUnsafeBufferPointer { (records) throws(CSVSinkError) in
            for record in records {
                Self.appendDecimal(UInt64(record.sensor_id), negative: false, to: &buffer)
                buffer.append(UInt8(ascii: ","))
                let timestamp = record.timestamp_ns
                Self.appendDecimal(timestamp.magnitude, negative: timestamp < 0, to: &buffer)
                buffer.append(UInt8(ascii: ","))
                buffer.append(contentsOf: record.value.description.utf8)
                buffer.append(UInt8(ascii: ","))
                buffer.append(contentsOf: unitNames[Int(record.unit)])
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count >= flushThreshold { try flush() }
            }
        }
        recordsWritten += batch.count
    }

    /// Flushes the buffer and closes the file.
    ///
    /// - Throws: ``CSVSinkError/writeFailed(path:errno:)``.
    public func close() async throws {
        guard descriptor != nil else { return }
        let flushed = Result { () throws(CSVSinkError) in try flush() }
        // close(2) can report a write the kernel deferred (NFS, a full disk): it is an error too.
        let closed = Result { () throws(Errno) in try descriptor.take()?.close() }
        try flushed.get()
        if case let .failure(error) = closed { throw CSVSinkError.writeFailed(path: path, errno: error.rawValue) }
    }

    /// Writes the buffer out in full and empties it.
    ///
    /// - Throws: ``CSVSinkError/writeFailed(path:errno:)``.
    private func flush() throws(CSVSinkError) {
        guard let descriptor else { throw .writeFailed(path: path, errno: Errno.badFileDescriptor.rawValue) }
        let written = buffer.withUnsafeBytes { bytes in Result { () throws(Errno) in try descriptor.writeAll(bytes) } }
        if case let .failure(error) = written { throw .writeFailed(path: path, errno: error.rawValue) }
        buffer.removeAll(keepingCapacity: true)
    }

    static func appendDecimal(_ magnitude: UInt64, negative: Bool, to buffer: inout [UInt8]) {
        if negative { buffer.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch for up to 20 digits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var value = magnitude
            var index = scratch.count
            repeat {
                index -= 1
                scratch[index] = UInt8(truncatingIfNeeded: value % 10) + 48
                value /= 10
            } while value > 0
            buffer.append(contentsOf: scratch[index...])
        }
    }
}
