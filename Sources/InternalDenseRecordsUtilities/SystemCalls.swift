#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Free-function wrappers for the POSIX calls the file components use. Inside a
// type with `open()`/`close()`/`write(_:)` methods the C names are shadowed, and
// module-qualifying them (`Glibc.read`) would not build on Darwin.

/// `open(2)` read-only or write-create-truncate, close-on-exec. Returns the descriptor or -1 with `errno` set.
package func systemOpen(_ path: String, forWriting: Bool) -> Int32 {
    forWriting ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) : open(path, O_RDONLY | O_CLOEXEC)
}

/// `read(2)`, retried on `EINTR`. Returns the byte count, 0 at the end, or -1 with `errno` set.
package func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    while true {
        let got = read(descriptor, buffer, count)
        if got >= 0 || errno != EINTR { return got }
    }
}

/// Writes all `count` bytes with `write(2)`, retrying on `EINTR` and short writes. Returns 0 or an `errno` value.
package func systemWriteAll(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int32 {
    var written = 0
    while written < count {
        let result = write(descriptor, buffer + written, count - written)
        if result < 0 {
            if errno == EINTR { continue }
            return errno
        }
        written += result
    }
    return 0
}

/// `close(2)`. Returns 0 or an `errno` value.
@discardableResult
package func systemClose(_ descriptor: Int32) -> Int32 {
    close(descriptor) == 0 ? 0 : errno
}

/// The current `errno`.
package var systemErrno: Int32 { errno }

/// `strerror` as a `String`.
package func systemErrorMessage(_ code: Int32) -> String { String(cString: strerror(code)) }
