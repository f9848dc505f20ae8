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
    /// `write(2)`, `fsync(2)`, `close(2)` or `rename(2)` failed; the path holds what it held before.
    case writeFailed(path: String, errno: Int32)

    /// The path and the system error in words.
    public var description: String {
        switch self {
        case let .cannotOpen(path, code): "\(String(abbreviatingPath: path)): cannot create: \(Errno(rawValue: code))"
        case let .writeFailed(path, code): "\(String(abbreviatingPath: path)): write failed: \(Errno(rawValue: code))"
        }
    }
}

/// A sink that writes records as `sensor_id,timestamp,value,unit` CSV, the format ``CSVRecordSource`` reads.
///
/// Timestamps are written as integer nanoseconds since the epoch, values in
/// the shortest form that reads back to the same `Double` (`21.5`, `1e-07`,
/// `-0.0`, `inf`), NaNs with their sign and payload when they are not the
/// default quiet NaN (`nan`, `-nan`, `nan(0x8000000000001)`), and units by
/// ``SensorUnit/name`` (`code-N` for codes without a name), so a file
/// round-trips bit for bit. Output goes through a 1 MiB buffer with `write(2)`.
///
/// The file is whole or absent: ``open()`` creates a temporary file beside
/// the target (`.NAME.tmp-PID-RANDOM`), ``commit()`` — called by the runner
/// only after a completed run — flushes it, `fsync`s it and renames it over
/// the target, and ``close()`` without a successful commit removes it. An
/// earlier file at the path stays as it was until the commit.
public final class CSVRecordSink: RecordSink {
    /// The file's path.
    public let path: String
    /// Records written so far.
    public private(set) var recordsWritten = 0

    private var file: AtomicOutputFile? = nil
    private var buffer: [UInt8] = []
    private let flushThreshold = 1 << 20
    private let unitNames: [[UInt8]] = (0...255).map { Array(SensorUnit(rawValue: UInt8($0)).name.utf8) }

    /// `true`: a run that does not commit leaves no file, so nothing it received was written.
    public var discardsUncommittedRecords: Bool { true }

    /// Configures the sink; nothing is created.
    ///
    /// - Parameter path: The file to create, or replace once the run completes.
    public init(path: String) { self.path = path }

    /// Creates the temporary file and writes the header into the buffer.
    ///
    /// - Throws: ``CSVSinkError/cannotOpen(path:errno:)``.
    public func open() async throws {
        do {
            file = try AtomicOutputFile(path: path)
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
    /// - Complexity: O(*n*) in the batch's records.
    public func write(_ batch: borrowing RecordBatch) async throws {
        require(file != nil, "CSVRecordSink.write called before open()")
        try batch.withUnsafeBufferPointer { (records) throws(CSVSinkError) in
            for record in records {
                Self.appendDecimal(UInt64(record.sensor_id), negative: false, to: &buffer)
                buffer.append(UInt8(ascii: ","))
                let timestamp = record.timestamp_ns
                Self.appendDecimal(timestamp.magnitude, negative: timestamp < 0, to: &buffer)
                buffer.append(UInt8(ascii: ","))
                Self.appendValue(record.value, to: &buffer)
                buffer.append(UInt8(ascii: ","))
                buffer.append(contentsOf: unitNames[Int(record.unit)])
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count >= flushThreshold { try flush() }
            }
        }
        recordsWritten += batch.count
    }

    /// Flushes the buffer, `fsync`s the file and renames it over ``path``.
    ///
    /// - Throws: ``CSVSinkError/writeFailed(path:errno:)``; the temporary file
    ///   is then removed and ``path`` untouched.
    /// - Complexity: One write of the buffer, two `fsync`s and a `rename`.
    public func commit() async throws {
        guard file != nil else { return }
        do throws(CSVSinkError) {
            try flush()
        } catch {
            file?.discard()
            throw error
        }
        do {
            try file?.commit()
        } catch {
            throw CSVSinkError.writeFailed(path: path, errno: error.rawValue)
        }
    }

    /// Removes the temporary file unless ``commit()`` succeeded; then releases the buffer.
    public func close() async throws {
        file?.discard()
        file = nil
        buffer = []
    }

    /// Writes the buffer out in full and empties it.
    ///
    /// - Throws: ``CSVSinkError/writeFailed(path:errno:)``.
    private func flush() throws(CSVSinkError) {
        guard let descriptor = file?.descriptor else { throw .writeFailed(path: path, errno: Errno.badFileDescriptor.rawValue) }
        let written = buffer.withUnsafeBytes { bytes in Result { () throws(Errno) in try descriptor.writeAll(bytes) } }
        if case let .failure(error) = written { throw .writeFailed(path: path, errno: error.rawValue) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Appends `value` in a form ``CSVLineParser`` reads back to the same bits.
    ///
    /// Numbers use Swift's shortest round-trip form. The default quiet NaN is
    /// `nan`; any other NaN is `nan(0xM)` or `-nan(0xM)`, with `M` its 52
    /// fraction bits in hexadecimal, so signalling NaNs and payloads survive.
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - buffer: Where the text goes.
    static func appendValue(_ value: Double, to buffer: inout [UInt8]) {
        guard value.isNaN else {
            buffer.append(contentsOf: value.description.utf8)
            return
        }
        let bits = value.bitPattern
        if bits == Double.nan.bitPattern {
            buffer.append(contentsOf: "nan".utf8)
            return
        }
        if bits >> 63 == 1 { buffer.append(UInt8(ascii: "-")) }
        let fraction = bits & ((1 << 52) - 1)
        if fraction == Double.nan.bitPattern & ((1 << 52) - 1) {
            buffer.append(contentsOf: "nan".utf8)
        } else {
            buffer.append(contentsOf: "nan(0x\(String(fraction, radix: 16)))".utf8)
        }
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
