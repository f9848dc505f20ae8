import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The snapshot side of the system-call layer: ``FileDescriptor`` does the
// calls (EINTR retries, short writes, crash checkpoints), and these wrappers
// turn each ``Errno`` into `SnapshotError.system` with the call's name and the path.

/// An open file descriptor and the path it was opened from, for error messages.
struct SnapshotFile: ~Copyable {
    /// The open descriptor; closed by `deinit`.
    let descriptor: FileDescriptor
    /// The path, as opened.
    let path: String

    /// Opens `path` (close-on-exec) for `mode`, with `options`.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - mode: Read, write, or both.
    ///   - options: Create, exclusive, folder only.
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `open`.
    init(path: String, _ mode: FileDescriptor.AccessMode, options: FileDescriptor.OpenOptions = []) throws(SnapshotError) {
        self.descriptor = try SnapshotError.checking("open", path) { () throws(Errno) in
            try FileDescriptor.open(path, mode, options: options)
        }
        self.path = path
    }

    /// Closes the descriptor; a failure to close a file already flushed or only read is ignored.
    deinit { try? descriptor.close() }

    /// The file's size in bytes.
    ///
    /// - Returns: The size.
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `fstat`.
    func size() throws(SnapshotError) -> Int {
        try SnapshotError.checking("fstat", path) { () throws(Errno) in try descriptor.size() }
    }

    /// Writes every byte of `buffers` at the current position, resuming after short writes.
    ///
    /// - Parameter buffers: The regions, in order; valid during the call.
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `writev`.
    func writeAll(_ buffers: [UnsafeRawBufferPointer]) throws(SnapshotError) {
        try SnapshotError.checking("writev", path) { () throws(Errno) in try descriptor.writeAll(buffers) }
    }

    /// Writes `bytes` at `offset` without moving the file position.
    ///
    /// - Parameters:
    ///   - bytes: The bytes; valid during the call.
    ///   - offset: Where in the file they go.
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `pwrite`.
    func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(SnapshotError) {
        try SnapshotError.checking("pwrite", path) { () throws(Errno) in
            try descriptor.writeAll(toAbsoluteOffset: offset, bytes)
        }
    }

    /// Reads up to `buffer.count` bytes from `offset`, stopping early only at the end of the file.
    ///
    /// - Parameters:
    ///   - buffer: Where the bytes go.
    ///   - offset: Where in the file to start.
    /// - Returns: How many bytes were read.
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `pread`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SnapshotError) -> Int {
        try SnapshotError.checking("pread", path) { () throws(Errno) in
            try descriptor.read(fromAbsoluteOffset: offset, into: buffer)
        }
    }

    /// Moves the file position to `offset`.
    ///
    /// - Parameter offset: The new position.
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `lseek`.
    func seek(to offset: Int) throws(SnapshotError) {
        try SnapshotError.checking("lseek", path) { () throws(Errno) in try descriptor.seek(to: offset) }
    }

    /// Cuts or extends the file to `size` bytes.
    ///
    /// - Parameter size: The new size.
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `ftruncate`.
    func truncate(to size: Int) throws(SnapshotError) {
        try SnapshotError.checking("ftruncate", path) { () throws(Errno) in try descriptor.truncate(to: size) }
    }

    /// Flushes the file's data and metadata to stable storage.
    ///
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `fsync`.
    func sync() throws(SnapshotError) {
        try SnapshotError.checking("fsync", path) { () throws(Errno) in try descriptor.sync() }
    }

    /// Takes an exclusive advisory lock, so that two appenders wait for each other.
    ///
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `flock`.
    func lockExclusively() throws(SnapshotError) {
        try SnapshotError.checking("flock", path) { () throws(Errno) in try descriptor.lockExclusively() }
    }

    /// Maps the file's first `length` bytes read-only.
    ///
    /// - Parameter length: The bytes to map; more than 0.
    /// - Returns: The mapping, which outlives the descriptor; end it with `munmap`.
    /// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `mmap`.
    func mapReadOnly(length: Int) throws(SnapshotError) -> UnsafeRawPointer {
        try SnapshotError.checking("mmap", path) { () throws(Errno) in try descriptor.mapReadOnly(length: length) }
    }
}

extension SnapshotFile {
    /// Reads and checks the header of the snapshot in this file.
    ///
    /// Reads the two header slots. Only when one slot is damaged and the file
    /// extends past the other's committed end does it map up to one block
    /// there, to look for evidence of a newer committed generation.
    ///
    /// - Returns: The committed state and the file's size.
    /// - Throws: ``SnapshotError`` for an unreadable or invalid header.
    /// - Complexity: O(1), or O(*b*) in one block's bytes when a slot is damaged.
    func readHeader() throws(SnapshotError) -> (header: SnapshotHeader, fileSize: Int) {
        let size = try size()
        guard size > 0 else { throw .emptyFile }
        let region = UnsafeMutableRawBufferPointer.allocate(byteCount: SnapshotFormat.dataOffset, alignment: 16)
        defer { region.deallocate() }
        let got = try read(into: region, at: 0)
        let header = try SnapshotFormat.parseHeader(UnsafeRawBufferPointer(rebasing: region[0..<got]), fileSize: size) {
            (older) throws(SnapshotError) in
            let block = older.recordsPerBlock * SnapshotFormat.recordSize + SnapshotFormat.trailerSize
            let length = Swift.min(size, older.fileSize + block)
            let mapping = try mapReadOnly(length: length)
            defer { munmap(UnsafeMutableRawPointer(mutating: mapping), length) }
            return SnapshotFormat.continuationBlock(after: older, in: UnsafeRawBufferPointer(start: mapping, count: length))
        }
        return (header, size)
    }
}

extension SnapshotError {
    /// Runs one call of the system-call layer, reporting its failure as ``system(operation:path:errno:)``.
    ///
    /// - Parameters:
    ///   - operation: The C name of the call, for the message.
    ///   - path: The file the call was about.
    ///   - call: The call.
    /// - Returns: What `call` returned.
    /// - Throws: ``system(operation:path:errno:)`` with the call's ``Errno``.
    static func checking<Value>(
        _ operation: String, _ path: String, _ call: () throws(Errno) -> Value
    ) throws(SnapshotError) -> Value {
        do {
            return try call()
        } catch {
            throw .system(operation: operation, path: path, errno: error.rawValue)
        }
    }
}

/// Renames `source` over `target` atomically.
///
/// - Parameters:
///   - source: The file to rename.
///   - target: Its new path.
/// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `rename`, naming `target`.
func renameFile(_ source: String, to target: String) throws(SnapshotError) {
    try SnapshotError.checking("rename", target) { () throws(Errno) in try FileSystem.rename(source, to: target) }
}

/// Flushes a folder's entries to stable storage, so that a rename in it survives a power cut.
///
/// - Parameter path: The folder.
/// - Throws: ``SnapshotError/system(operation:path:errno:)`` for `open` or `fsync`.
func syncDirectory(_ path: String) throws(SnapshotError) {
    let directory = try SnapshotFile(path: path, .readOnly, options: .directory)
    try directory.sync()
}

/// The folder part of `path`: everything before the last `/`, or `.`.
func directoryPart(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// The current time in nanoseconds since the Unix epoch (`clock_gettime(CLOCK_REALTIME)`).
func nanosecondsSinceEpoch() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}
