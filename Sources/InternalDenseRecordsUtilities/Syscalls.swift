#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The internal, C-named layer under ``FileDescriptor`` and ``FileSystem``.
//
// Inside a type with `open`, `read`, `write` or `close` methods the C names are
// shadowed, and module-qualifying them (`Glibc.read`) would not build on
// Darwin; these free functions give each call a name nothing shadows. They
// do no error handling: ``valueOrErrno(retryOnInterrupt:_:)`` does that, once.

/// Calls `call` until it succeeds or fails with something other than `EINTR`.
///
/// This is the only `EINTR` retry loop in DenseRecords: every call in the
/// system-call layer that the kernel may interrupt goes through it.
///
/// - Parameters:
///   - retryOnInterrupt: Whether an `EINTR` failure is retried. `close` passes
///     `false`: Linux releases the descriptor even when it reports `EINTR`, so
///     a retry could close a descriptor another thread has just been given.
///   - call: One system call that returns -1 and sets `errno` on failure.
/// - Returns: What `call` returned, never negative.
/// - Throws: ``Errno``, from `errno` just after the failed call.
@inline(__always)
func valueOrErrno<Value: FixedWidthInteger>(
    retryOnInterrupt: Bool = true, _ call: () -> Value
) throws(Errno) -> Value {
    while true {
        let result = call()
        if result >= 0 { return result }
        let error = Errno.current
        guard retryOnInterrupt, error == .interrupted else { throw error }
    }
}

/// The corresponding C function is `open`; `O_CLOEXEC` is the caller's to add.
func system_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}

/// The corresponding C function is `close`.
func system_close(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}

/// The corresponding C function is `read`.
func system_read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// The corresponding C function is `pread`.
func system_pread(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: Int) -> Int {
    pread(descriptor, buffer, count, off_t(offset))
}

/// The corresponding C function is `write`.
func system_write(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// The corresponding C function is `pwrite`.
func system_pwrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ offset: Int) -> Int {
    pwrite(descriptor, buffer, count, off_t(offset))
}

/// The corresponding C function is `writev`.
func system_writev(_ descriptor: Int32, _ vectors: UnsafePointer<iovec>, _ count: Int32) -> Int {
    writev(descriptor, vectors, count)
}

/// The corresponding C function is `pwritev`.
func system_pwritev(_ descriptor: Int32, _ vectors: UnsafePointer<iovec>, _ count: Int32, _ offset: Int) -> Int {
    pwritev(descriptor, vectors, count, off_t(offset))
}

/// The corresponding C function is `fsync`.
func system_fsync(_ descriptor: Int32) -> Int32 {
    fsync(descriptor)
}

/// The corresponding C function is `ftruncate`.
func system_ftruncate(_ descriptor: Int32, _ size: Int) -> Int32 {
    ftruncate(descriptor, off_t(size))
}

/// The corresponding C function is `lseek` with `SEEK_SET`.
func system_lseek(_ descriptor: Int32, _ offset: Int) -> Int {
    Int(lseek(descriptor, off_t(offset), SEEK_SET))
}

/// The corresponding C function is `flock`.
func system_flock(_ descriptor: Int32, _ operation: Int32) -> Int32 {
    flock(descriptor, operation)
}

/// The corresponding C function is `fstat`; returns -1 or the file's size in bytes.
func system_fstat_size(_ descriptor: Int32) -> Int {
    var information = stat()
    return fstat(descriptor, &information) == 0 ? Int(information.st_size) : -1
}

/// The corresponding C function is `stat`; returns -1, 1 for a directory, or 0 for anything else.
func system_stat_is_directory(_ path: String) -> Int32 {
    var information = stat()
    guard stat(path, &information) == 0 else { return -1 }
    return (information.st_mode & S_IFMT) == S_IFDIR ? 1 : 0
}

/// The corresponding C function is `rename`.
func system_rename(_ source: String, _ target: String) -> Int32 {
    rename(source, target)
}

/// The corresponding C function is `unlink`.
func system_unlink(_ path: String) -> Int32 {
    unlink(path)
}

/// The corresponding C function is `mmap` with `PROT_READ` and `MAP_SHARED`; `nil` on failure, `errno` set.
func system_mmap_read_only(_ descriptor: Int32, _ length: Int) -> UnsafeRawPointer? {
    guard let mapping = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else { return nil }
    return UnsafeRawPointer(mapping)
}
