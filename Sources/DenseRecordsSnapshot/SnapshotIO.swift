import DenseRecordsCore
import DenseRecordsArena
import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

// The internal, C-named layer over the system calls snapshots use. Each
// wrapper retries EINTR, turns a failure into `SnapshotError.system` with the
// path, and passes a fault-injection checkpoint first (debug builds only).

/// An open file descriptor and the path it was opened from, for error messages.
struct SnapshotFile: ~Copyable {
    let descriptor: Int32
    let path: String

    /// Opens `path` with `flags` (`O_CLOEXEC` is added) and `mode`.
    init(path: String, flags: Int32, mode: mode_t = 0o644) throws(SnapshotError) {
        var result: Int32
        repeat { result = open(path, flags | O_CLOEXEC, mode) } while result < 0 && errno == EINTR
        guard result >= 0 else { throw .system(operation: "open", path: path, errno: errno) }
        self.descriptor = result
        self.path = path
    }

    deinit { _ = close(descriptor) }

    /// The file's size in bytes (`fstat`).
    func size() throws(SnapshotError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(operation: "fstat", path: path, errno: errno) }
        return Int(info.st_size)
    }

    /// Writes every byte the `iovec`s describe, resuming after short writes (`writev`).
    ///
    /// - Parameter vectors: Consumed: entries are advanced past what was written.
    func writeAll(_ vectors: inout [iovec]) throws(SnapshotError) {
        var first = 0
        while first < vectors.count {
            let count = Int32(Swift.min(vectors.count - first, 1024 /* IOV_MAX on Linux */))
            if SnapshotFaultInjection.checkpoint() {
                // Simulate a crash in the middle of the write: half of it lands, then the process dies.
                let length = vectors[first].iov_len / 2
                if length > 0 { _ = write(descriptor, vectors[first].iov_base, length) }
                SnapshotFaultInjection.crash()
            }
            let written = vectors.withUnsafeBufferPointer { buffer in
                writev(descriptor, buffer.baseAddress.unsafelyUnwrapped + first, count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "writev", path: path, errno: errno)
            }
            if written == 0, vectors[first...].contains(where: { $0.iov_len > 0 }) {
                // No progress and no error: retrying would spin forever.
                throw .system(operation: "writev", path: path, errno: EIO)
            }
            var remaining = written
            while remaining > 0 || (first < vectors.count && vectors[first].iov_len == 0) {
                if remaining >= vectors[first].iov_len {
                    remaining -= vectors[first].iov_len
                    first += 1
                } else {
                    vectors[first].iov_base += remaining
                    vectors[first].iov_len -= remaining
                    remaining = 0
                }
            }
        }
        vectors.removeAll(keepingCapacity: true)
    }

    /// Writes `bytes` at `offset` without moving the file position (`pwrite`).
    func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(SnapshotError) {
        var done = 0
        while done < bytes.count {
            if SnapshotFaultInjection.checkpoint() {
                _ = pwrite(descriptor, bytes.baseAddress! + done, (bytes.count - done) / 2, off_t(offset + done))
                SnapshotFaultInjection.crash()
            }
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if written < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "pwrite", path: path, errno: errno)
            }
            // No progress and no error: retrying would spin forever.
            guard written > 0 else { throw .system(operation: "pwrite", path: path, errno: EIO) }
            done += written
        }
    }

    /// Reads up to `buffer.count` bytes from `offset`; returns how many were read (`pread`).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SnapshotError) -> Int {
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "pread", path: path, errno: errno)
            }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// Moves the file position to `offset` (`lseek`).
    func seek(to offset: Int) throws(SnapshotError) {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw .system(operation: "lseek", path: path, errno: errno)
        }
    }

    /// Cuts or extends the file to `size` bytes (`ftruncate`).
    func truncate(to size: Int) throws(SnapshotError) {
        if SnapshotFaultInjection.checkpoint() { SnapshotFaultInjection.crash() }
        guard ftruncate(descriptor, off_t(size)) == 0 else {
            throw .system(operation: "ftruncate", path: path, errno: errno)
        }
    }

    /// Flushes the file's data and metadata to stable storage (`fsync`).
    func sync() throws(SnapshotError) {
        if SnapshotFaultInjection.checkpoint() { SnapshotFaultInjection.crash() }
        var result: Int32
        repeat { result = fsync(descriptor) } while result < 0 && errno == EINTR
        guard result == 0 else { throw .system(operation: "fsync", path: path, errno: errno) }
    }

    /// Takes an exclusive advisory lock (`flock`), so that two appenders wait for each other.
    func lockExclusively() throws(SnapshotError) {
        var result: Int32
        repeat { result = flock(descriptor, LOCK_EX) } while result < 0 && errno == EINTR
        guard result == 0 else { throw .system(operation: "flock", path: path, errno: errno) }
    }
}

/// Renames `source` over `target` atomically (`rename`).
func renameFile(_ source: String, to target: String) throws(SnapshotError) {
    if SnapshotFaultInjection.checkpoint() { SnapshotFaultInjection.crash() }
    guard rename(source, target) == 0 else { throw .system(operation: "rename", path: target, errno: errno) }
}

/// Flushes a directory's entries to stable storage, so that a rename in it survives a power cut.
func syncDirectory(_ path: String) throws(SnapshotError) {
    let directory = try SnapshotFile(path: path, flags: O_RDONLY | O_DIRECTORY)
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

/// Kills the process at a chosen write, fsync, truncate or rename, so tests can prove crash safety.
///
/// Every system call that changes a snapshot file passes one checkpoint. Arm
/// it with ``killAtCheckpoint(_:)`` in a child process; when the *n*th
/// checkpoint comes, a write lands half its bytes and then the process
/// raises `SIGKILL`, exactly as if the power or the process had died there.
/// Only debug builds (SwiftPM defines `DEBUG` for them) honour it.
@_spi(Testing)
public enum SnapshotFaultInjection {
    private static let countdown = Atomic<Int>(0)
    private static let passed = Atomic<Int>(0)

    /// True when this build honours ``killAtCheckpoint(_:)``.
    public static var isAvailable: Bool {
        #if DEBUG
        true
        #else
        false
        #endif
    }

    /// Makes the `n`th checkpoint from now (1 = the next) kill the process; 0 disarms.
    ///
    /// - Parameter n: The checkpoint to die at.
    public static func killAtCheckpoint(_ n: Int) {
        countdown.store(n, ordering: .relaxed)
    }

    /// The number of checkpoints passed since the process started, armed or not.
    public static var checkpointsPassed: Int { passed.load(ordering: .relaxed) }

    /// Counts one checkpoint; true when the process must die here.
    @inline(__always)
    static func checkpoint() -> Bool {
        #if DEBUG
        passed.add(1, ordering: .relaxed)
        guard countdown.load(ordering: .relaxed) > 0 else { return false }
        return countdown.subtract(1, ordering: .relaxed).newValue == 0
        #else
        return false
        #endif
    }

    /// Dies at once, as a power cut or `kill -9` would.
    static func crash() -> Never {
        raise(SIGKILL)
        fatalError("SIGKILL did not end the process")
    }
}
