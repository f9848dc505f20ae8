#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error number from the operating system: the `errno` a failed system call left.
///
/// Every call in the system-call layer (``FileDescriptor``, ``FileSystem``)
/// throws one of these, and the layers above keep its ``rawValue`` in their
/// own typed errors (`SnapshotError.system`, `ArrowExportError.writeFailed`, …)
/// so that a caller can still compare it with `ENOENT` or `EACCES`.
///
/// ``description`` is the one place in DenseRecords that turns an error
/// number into words: every error message that quotes the system's reason
/// goes through it.
package struct Errno: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The error number, as `errno.h` defines it.
    package let rawValue: Int32

    /// Wraps an error number.
    ///
    /// - Parameter rawValue: An `errno` value, such as `ENOENT`.
    package init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The calling thread's `errno` now.
    ///
    /// Read it straight after the call that failed: any later call into the C
    /// library may change it.
    package static var current: Errno {
        Errno(rawValue: errno)
    }

    /// `EINTR`: a signal arrived before the call finished; the layer retries such calls.
    package static let interrupted = Errno(rawValue: EINTR)

    /// `EIO`: an input/output error. The layer also reports a write that made
    /// no progress without an error this way, rather than retrying it forever.
    package static let ioError = Errno(rawValue: EIO)

    /// `EBADF`: the descriptor is not open, or not open for this operation.
    package static let badFileDescriptor = Errno(rawValue: EBADF)

    /// The system's words for the error, as `strerror` gives them: `No such file or directory`.
    ///
    /// The number itself is not included; messages that want it add `(errno N)`.
    /// The corresponding C function is `strerror`.
    package var description: String {
        guard let message = strerror(rawValue) else { return "unknown error" }
        return String(cString: message)
    }
}
