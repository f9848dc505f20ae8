#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor: the one way the DenseRecords layers read and write files.
///
/// A thin, copyable wrapper in the style of swift-system's `FileDescriptor`:
/// it does not close itself, so whoever opened it closes it, once, with
/// ``close()``. Every call retries `EINTR` (in
/// ``valueOrErrno(retryOnInterrupt:_:)``, the one retry loop), and every
/// failure throws ``Errno``. The writing calls, ``sync()`` and
/// ``truncate(to:)`` live in `FileDescriptor+Writing.swift` and pass a
/// ``SystemFaults`` checkpoint in debug builds.
package struct FileDescriptor: RawRepresentable, Hashable, Sendable {
    /// The descriptor number.
    package let rawValue: Int32

    /// Wraps a descriptor opened elsewhere; the wrapper does not take ownership.
    ///
    /// - Parameter rawValue: An open descriptor, such as `STDOUT_FILENO`.
    package init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// How a file is opened: for reading, writing, or both.
    package enum AccessMode: Sendable {
        /// `O_RDONLY`.
        case readOnly
        /// `O_WRONLY`.
        case writeOnly
        /// `O_RDWR`.
        case readWrite

        /// The `open` flag.
        var flag: Int32 {
            switch self {
            case .readOnly: O_RDONLY
            case .writeOnly: O_WRONLY
            case .readWrite: O_RDWR
            }
        }
    }

    /// What else `open` does besides opening: create, truncate, insist on a folder.
    package struct OpenOptions: OptionSet, Sendable {
        /// The `open` flags.
        package let rawValue: Int32

        /// Wraps `open` flags.
        ///
        /// - Parameter rawValue: `O_…` flags, other than the access mode.
        package init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        /// `O_CREAT`: create the file if it does not exist.
        package static let create = OpenOptions(rawValue: O_CREAT)
        /// `O_TRUNC`: cut an existing file to zero bytes.
        package static let truncate = OpenOptions(rawValue: O_TRUNC)
        /// `O_EXCL` (with ``create``): fail with `EEXIST` if the file exists.
        package static let exclusiveCreate = OpenOptions(rawValue: O_EXCL)
        /// `O_DIRECTORY`: fail with `ENOTDIR` unless the path is a folder.
        package static let directory = OpenOptions(rawValue: O_DIRECTORY)
    }

    /// Opens `path`, close-on-exec, retrying `EINTR`.
    ///
    /// The corresponding C function is `open`.
    ///
    /// - Parameters:
    ///   - path: The file, absolute or relative to the working directory.
    ///   - mode: Read, write, or both.
    ///   - options: Create, truncate, exclusive, folder only.
    ///   - permissions: The mode a created file gets, less the process's umask.
    /// - Returns: The new descriptor; the caller closes it.
    /// - Throws: ``Errno``, such as `ENOENT` or `EACCES`.
    package static func open(
        _ path: String, _ mode: AccessMode, options: OpenOptions = [], permissions: UInt16 = 0o644
    ) throws(Errno) -> FileDescriptor {
        let flags = mode.flag | options.rawValue | O_CLOEXEC
        let descriptor = try valueOrErrno { system_open(path, flags, mode_t(permissions)) }
        return FileDescriptor(rawValue: descriptor)
    }

    /// Closes the descriptor. It is closed even when this throws; do not close it again.
    ///
    /// `close` is not retried on `EINTR`: Linux releases the descriptor
    /// anyway, and a retry could close one another thread has just opened.
    ///
    /// The corresponding C function is `close`.
    ///
    /// - Throws: ``Errno``; `close` can report a write the kernel deferred
    ///   (NFS, a full disk), so a writer must treat it as a write error.
    package func close() throws(Errno) {
        _ = try valueOrErrno(retryOnInterrupt: false) { system_close(rawValue) }
    }

    /// Reads once, at the current position, into `buffer`.
    ///
    /// The corresponding C function is `read`.
    ///
    /// - Parameter buffer: Where the bytes go; at most `buffer.count` are read.
    /// - Returns: The number of bytes read: fewer than asked is normal, 0 means the end of the file.
    /// - Throws: ``Errno``.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        #if DEBUG
        if let fault = SystemFaults.readFault() { throw fault }
        #endif
        return try valueOrErrno { system_read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Fills `buffer` from `offset` on, stopping early only at the end of the file.
    ///
    /// The file position does not move.
    ///
    /// The corresponding C function is `pread`.
    ///
    /// - Parameters:
    ///   - offset: The byte in the file to start at.
    ///   - buffer: Where the bytes go.
    /// - Returns: The number of bytes read: `buffer.count` unless the file ends first.
    /// - Throws: ``Errno``.
    package func read(fromAbsoluteOffset offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        #if DEBUG
        if let fault = SystemFaults.readFault() { throw fault }
        #endif
        var done = 0
        while done < buffer.count {
            let got = try valueOrErrno { system_pread(rawValue, base + done, buffer.count - done, offset + done) }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// The file's size in bytes.
    ///
    /// The corresponding C function is `fstat`.
    ///
    /// - Returns: `st_size`.
    /// - Throws: ``Errno``.
    package func size() throws(Errno) -> Int {
        try valueOrErrno { system_fstat_size(rawValue) }
    }

    /// Moves the file position to `offset` bytes from the start.
    ///
    /// The corresponding C function is `lseek` with `SEEK_SET`.
    ///
    /// - Parameter offset: The new position.
    /// - Throws: ``Errno``.
    package func seek(to offset: Int) throws(Errno) {
        _ = try valueOrErrno { system_lseek(rawValue, offset) }
    }

    /// Takes an exclusive advisory lock on the file, waiting for any other holder.
    ///
    /// The lock lasts until the descriptor is closed.
    ///
    /// The corresponding C function is `flock` with `LOCK_EX`.
    ///
    /// - Throws: ``Errno``.
    package func lockExclusively() throws(Errno) {
        _ = try valueOrErrno { system_flock(rawValue, LOCK_EX) }
    }

    /// Maps the file's first `length` bytes read-only and shared.
    ///
    /// The mapping outlives the descriptor; end it with `munmap`.
    ///
    /// The corresponding C function is `mmap` with `PROT_READ` and `MAP_SHARED`.
    ///
    /// - Parameter length: The bytes to map; more than 0.
    /// - Returns: The start of the mapping.
    /// - Throws: ``Errno``.
    package func mapReadOnly(length: Int) throws(Errno) -> UnsafeRawPointer {
        guard let mapping = system_mmap_read_only(rawValue, length) else { throw Errno.current }
        return mapping
    }
}
