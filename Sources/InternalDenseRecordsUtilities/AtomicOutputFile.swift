#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file output that is whole or absent: written under a temporary name, renamed over its target only on ``commit()``.
///
/// The temporary file is `.NAME.tmp-PID-RANDOM` in the target's folder (so
/// the rename stays within one file system), created exclusively. Until
/// ``commit()`` the target is untouched: an earlier file there stays as it
/// was. ``commit()`` flushes the file (`fsync`), closes it, renames it over
/// the target and flushes the folder, so that the rename survives a power
/// cut. ``discard()``, or dropping the value uncommitted, closes and
/// removes the temporary file. Both are idempotent.
///
/// A process killed before the rename leaves the target as it was and the
/// temporary file behind; nothing removes that but a person or a cleanup job.
///
/// A target that exists and is not a regular file — a FIFO, a character
/// device such as `/dev/stdout` or `/dev/null`, a socket — cannot be replaced
/// by a rename: it is opened and written in place, ``isAtomic`` is `false`,
/// and ``commit()`` only closes it. Whoever reads such an output must look
/// for the format's own end marker.
///
/// The new file gets mode 0644 less the umask, not the mode of the file it
/// replaces. A target that is a symbolic link is replaced by the file; the
/// file it pointed to is left as it was.
package struct AtomicOutputFile: ~Copyable {
    /// The path the output becomes visible at.
    package let path: String
    /// Where the bytes go until ``commit()``: the temporary file, or ``path`` itself when not atomic.
    package let writingPath: String
    /// Whether the output goes through a temporary file and a rename.
    package let isAtomic: Bool
    /// The descriptor to write to, open until ``commit()`` or ``discard()``.
    package private(set) var descriptor: FileDescriptor?
    /// Whether ``commit()`` finished.
    package private(set) var isCommitted = false

    /// Creates the temporary file beside `path` (or opens a non-regular `path` in place).
    ///
    /// - Parameters:
    ///   - path: The target; its folder must exist and be writable.
    ///   - permissions: The new file's mode, less the umask.
    /// - Throws: ``Errno`` from `open`, such as `ENOENT` for a missing folder or `EACCES`.
    /// - Complexity: One `stat` and one `open` (a few more on a name collision).
    package init(path: String, permissions: UInt16 = 0o644) throws(Errno) {
        let (descriptor, writingPath, isAtomic) = try Self.create(path, permissions)
        self.path = path
        self.descriptor = descriptor
        self.writingPath = writingPath
        self.isAtomic = isAtomic
    }

    /// Opens the file to write: a fresh temporary file beside `path`, or `path` itself when it is not a regular file.
    private static func create(_ path: String, _ permissions: UInt16) throws(Errno) -> (FileDescriptor, String, Bool) {
        if let identity = FileIdentity(path: path), !identity.isRegularFile, !identity.isDirectory {
            return (try FileDescriptor.open(path, .writeOnly, permissions: permissions), path, false)
        }
        let (folder, name) = split(path)
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            let candidate = folder + "." + name + ".tmp-\(getpid())-" + String(generator.next() as UInt64, radix: 36)
            do {
                let descriptor = try FileDescriptor.open(candidate, .writeOnly, options: [.create, .exclusiveCreate], permissions: permissions)
                return (descriptor, candidate, true)
            } catch where error.rawValue == EEXIST && attempt < 16 {
                attempt += 1
            }
        }
    }

    /// Removes an uncommitted temporary file.
    deinit {
        if !isCommitted { Self.abandon(descriptor, writingPath, isAtomic) }
    }

    /// Makes the output durable and visible at ``path``; does nothing if already committed.
    ///
    /// Flushes the file (`fsync`), closes it, renames it over ``path`` and
    /// flushes the folder. When any step before the rename fails, the
    /// temporary file is removed and ``path`` is untouched. A folder that
    /// cannot be flushed (`EINVAL`: the file system does not support it) is
    /// not an error.
    ///
    /// - Throws: ``Errno``: from `fsync`, `close` or `rename` (the target is then
    ///   untouched), or from flushing the folder (the new file is then in place
    ///   but may not survive a power cut). `EBADF` after ``discard()``.
    /// - Complexity: Two `fsync`s and a `rename`.
    package mutating func commit() throws(Errno) {
        guard !isCommitted else { return }
        guard let open = descriptor.take() else { throw Errno.badFileDescriptor }
        guard isAtomic else {
            isCommitted = true
            try open.close()
            return
        }
        do {
            try open.sync()
        } catch {
            Self.abandon(open, writingPath, isAtomic)
            throw error
        }
        do {
            // close(2) can report a deferred write error (NFS): the file is then not whole.
            try open.close()
            try FileSystem.rename(writingPath, to: path)
        } catch {
            try? FileSystem.removeFile(atPath: writingPath)
            throw error
        }
        isCommitted = true
        try Self.syncFolder(of: path)
    }

    /// Closes and removes the temporary file; ``path`` is untouched. Idempotent; does nothing after ``commit()``.
    ///
    /// A non-atomic output is only closed: what was written stays.
    ///
    /// - Complexity: One `close` and one `unlink`.
    package mutating func discard() {
        guard !isCommitted, let open = descriptor.take() else { return }
        Self.abandon(open, writingPath, isAtomic)
    }

    /// Closes `descriptor` and unlinks `writingPath` when atomic, ignoring errors: the output is abandoned.
    private static func abandon(_ descriptor: FileDescriptor?, _ writingPath: String, _ isAtomic: Bool) {
        try? descriptor?.close()
        if isAtomic, descriptor != nil { try? FileSystem.removeFile(atPath: writingPath) }
    }

    /// Flushes the folder that holds `path`, so that a rename in it is durable.
    private static func syncFolder(of path: String) throws(Errno) {
        let folder = split(path).folder
        let directory = try FileDescriptor.open(folder.isEmpty ? "." : folder, .readOnly, options: [.directory])
        defer { try? directory.close() }
        do {
            try directory.sync()
        } catch where error.rawValue == EINVAL {
            // The file system cannot flush a folder; the rename is as durable as it gets.
        }
    }

    /// `path`'s folder (with its trailing `/`, or empty for the working directory) and its last component.
    private static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }
}

/// Which file a path names: its device and inode, and whether it is a regular file.
///
/// Two paths name the same file when their identities are equal, whatever
/// links, `..` or symbolic links lie between them.
package struct FileIdentity: Hashable, Sendable {
    /// `st_dev`.
    package let device: UInt64
    /// `st_ino`.
    package let inode: UInt64
    /// Whether it is a regular file (`S_IFREG`).
    package let isRegularFile: Bool
    /// Whether it is a folder (`S_IFDIR`).
    package let isDirectory: Bool

    /// The identity of the file `path` names, following symbolic links; `nil` when it does not exist or cannot be looked up.
    ///
    /// The corresponding C function is `stat`.
    ///
    /// - Parameter path: The path.
    /// - Complexity: One `stat`.
    package init?(path: String) {
        var information = stat()
        guard stat(path, &information) == 0 else { return nil }
        self.init(information)
    }

    /// The identity of an open descriptor's file.
    ///
    /// The corresponding C function is `fstat`.
    ///
    /// - Parameter descriptor: An open descriptor.
    /// - Complexity: One `fstat`.
    package init?(descriptor: FileDescriptor) {
        var information = stat()
        guard fstat(descriptor.rawValue, &information) == 0 else { return nil }
        self.init(information)
    }

    private init(_ information: stat) {
        device = UInt64(information.st_dev)
        inode = UInt64(information.st_ino)
        isRegularFile = (information.st_mode & S_IFMT) == S_IFREG
        isDirectory = (information.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether both name the same file: same device and inode.
    ///
    /// - Parameter other: Another identity.
    /// - Returns: `true` for the same file.
    package func isSameFile(as other: FileIdentity) -> Bool {
        device == other.device && inode == other.inode
    }
}
