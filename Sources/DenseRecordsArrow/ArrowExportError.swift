import DenseRecordsCore
import InternalDenseRecordsUtilities

/// An error from an ``ArrowWriter``: a bad option, or the system refusing a file operation.
///
/// `destination` names what was being written: the path, or
/// `file descriptor N` for a writer created on a descriptor.
public enum ArrowExportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `open(2)` failed for `path` with `errno`.
    case cannotOpen(path: String, errno: Int32)

    /// `writev(2)` failed with `errno` after `bytesWritten` bytes had been written.
    case writeFailed(destination: String, errno: Int32, bytesWritten: Int)

    /// `close(2)` failed with `errno`; data may not have reached the file.
    case closeFailed(destination: String, errno: Int32)

    /// The batch size is outside `1...ArrowWriterOptions.maximumBatchSize`.
    case invalidBatchSize(Int)

    /// Memory for one record batch of columns (`requestedBytes`) was refused.
    case outOfMemory(requestedBytes: Int)

    /// Chunk `chunk` of the input failed its integrity check (a snapshot
    /// block's checksum), for the `reason` given; nothing of it was written.
    case damagedInput(chunk: Int, reason: String)

    /// A description that names the destination, the call and the system's reason.
    public var description: String {
        switch self {
        case let .cannotOpen(path, code):
            "cannot open \(String(abbreviatingPath: path)) for writing: \(Self.reason(code)) (errno \(code))"
        case let .writeFailed(destination, code, written):
            "writing Arrow data to \(destination) failed after \(written) bytes: \(Self.reason(code)) (errno \(code))"
        case let .closeFailed(destination, code):
            "closing \(destination) failed: \(Self.reason(code)) (errno \(code))"
        case let .invalidBatchSize(size):
            "Arrow batch size \(size) is outside 1...\(ArrowWriterOptions.maximumBatchSize)"
        case let .outOfMemory(requested):
            "out of memory: could not allocate \(requested) bytes for one Arrow record batch"
        case let .damagedInput(chunk, reason):
            "input chunk \(chunk) is damaged, so it was not exported: \(reason)"
        }
    }

    /// The system's words for `code`.
    private static func reason(_ code: Int32) -> String { Errno(rawValue: code).description }
}
