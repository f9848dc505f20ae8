#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls that act on a path rather than on an open descriptor.
///
/// Like ``FileDescriptor``, each retries `EINTR` in
/// ``valueOrErrno(retryOnInterrupt:_:)`` and throws ``Errno``.
package enum FileSystem {
    /// Renames `source` over `target` atomically, replacing any file there.
    ///
    /// Both must be in the same file system; flush the folder afterwards
    /// (``FileDescriptor/sync()`` on it) for the rename to survive a power cut.
    /// Passes a ``SystemFaults`` checkpoint in debug builds.
    ///
    /// The corresponding C function is `rename`.
    ///
    /// - Parameters:
    ///   - source: The file to rename.
    ///   - target: Its new path.
    /// - Throws: ``Errno``; both paths are then unchanged.
    package static func rename(_ source: String, to target: String) throws(Errno) {
        #if DEBUG
        SystemFaults.checkpoint()
        #endif
        _ = try valueOrErrno { system_rename(source, target) }
    }

    /// Removes the directory entry at `path`.
    ///
    /// Used to clean up after a failure, so it passes no checkpoint.
    ///
    /// The corresponding C function is `unlink`.
    ///
    /// - Parameter path: The file to remove.
    /// - Throws: ``Errno``, such as `ENOENT`.
    package static func removeFile(atPath path: String) throws(Errno) {
        _ = try valueOrErrno { system_unlink(path) }
    }

    /// Whether `path` names a folder, following symbolic links.
    ///
    /// The corresponding C function is `stat`.
    ///
    /// - Parameter path: The path to look up.
    /// - Returns: `true` for a folder, `false` for anything else that exists.
    /// - Throws: ``Errno``, such as `ENOENT`, `ENOTDIR` or `EACCES`.
    package static func isDirectory(atPath path: String) throws(Errno) -> Bool {
        try valueOrErrno { system_stat_is_directory(path) } == 1
    }
}
