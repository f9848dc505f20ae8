import InternalDenseRecordsUtilities

/// An error from a ``ParquetWriter`` or ``ParquetDatasetWriter``: a bad option, bad input,
/// or the system refusing a file operation.
///
/// `destination` names the file being written.
public enum ParquetWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `open(2)` (or `mkdir(2)` for a dataset folder) failed for `path` with `errno`.
    case cannotOpen(path: String, errno: Int32)

    /// `writev(2)` failed with `errno` after `bytesWritten` bytes had been written.
    case writeFailed(destination: String, errno: Int32, bytesWritten: Int)

    /// `fsync(2)`, `close(2)` or `rename(2)` failed with `errno`; the target is untouched.
    case closeFailed(destination: String, errno: Int32)

    /// A setting is outside its range.
    case invalidOption(name: String, value: Int, allowed: ClosedRange<Int>)

    /// Memory for one row group of columns or one page (`requestedBytes`) was refused.
    case outOfMemory(requestedBytes: Int)

    /// libzstd refused to compress a page of column `column`, for `reason`.
    case compressionFailed(column: String, reason: String)

    /// Chunk `chunk` of the input failed its integrity check (a snapshot block's
    /// checksum), for the `reason` given; nothing of it was written.
    case damagedInput(chunk: Int, reason: String)

    /// A partitioned dataset's target `path` exists and is not a folder; it was left as it was.
    case targetIsNotAFolder(path: String)

    /// A partitioned dataset's target `path` is a folder that holds something other than an
    /// earlier dataset (`entry` is the first such entry); it was left as it was, since
    /// replacing it would delete that.
    case targetIsNotADataset(path: String, entry: String)

    /// A description that names the destination, the call and the system's reason.
    public var description: String {
        switch self {
        case let .cannotOpen(path, code):
            "cannot open \(String(abbreviatingPath: path)) for writing: \(Self.reason(code)) (errno \(code))"
        case let .writeFailed(destination, code, written):
            "writing Parquet data to \(destination) failed after \(written) bytes: \(Self.reason(code)) (errno \(code))"
        case let .closeFailed(destination, code):
            "finishing \(destination) failed: \(Self.reason(code)) (errno \(code))"
        case let .invalidOption(name, value, allowed):
            "Parquet option \(name) = \(value) is outside \(allowed.lowerBound)...\(allowed.upperBound)"
        case let .outOfMemory(requested):
            "out of memory: could not allocate \(requested) bytes for one Parquet row group or page"
        case let .compressionFailed(column, reason):
            "zstd could not compress a page of column \(column): \(reason)"
        case let .damagedInput(chunk, reason):
            "input chunk \(chunk) is damaged, so it was not exported: \(reason)"
        case let .targetIsNotAFolder(path):
            "cannot write a partitioned dataset to \(path): it exists and is not a folder"
        case let .targetIsNotADataset(path, entry):
            "cannot replace \(path) with a partitioned dataset: it holds \(entry), which is not part of an earlier "
                + "dataset (only empty folders and date=YYYY-MM-DD/part-NNNNN.parquet files are replaced)"
        }
    }

    /// The system's words for `code`.
    private static func reason(_ code: Int32) -> String { Errno(rawValue: code).description }
}
