#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The calls that change a file. Each passes one ``SystemFaults`` checkpoint
// per system call in debug builds, so that a test can kill the process at
// any of them, whichever layer is writing: a snapshot, an Arrow file, a CSV file.

extension FileDescriptor {
    /// The most `iovec`s one `writev` takes (`IOV_MAX`, 1024 on Linux and Darwin).
    static let maximumVectorCount = 1024

    /// Writes every byte of `bytes` at the current position.
    ///
    /// Short writes are resumed; a write that makes no progress without an
    /// error fails with `EIO` rather than spinning.
    /// The corresponding C function is `writev`, with one entry.
    ///
    /// - Parameter bytes: The bytes to write; valid during the call.
    /// - Throws: ``Errno``. Some bytes may have been written.
    /// - Complexity: O(1) system calls for a regular file.
    package func writeAll(_ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var written = 0
        try writeAll(CollectionOfOne(bytes), at: nil, bytesWritten: &written)
    }

    /// Writes every byte of `bytes` at `offset`, without moving the file position.
    ///
    /// The corresponding C function is `pwritev`, with one entry.
    ///
    /// - Parameters:
    ///   - offset: The byte in the file where the first byte goes.
    ///   - bytes: The bytes to write; valid during the call.
    /// - Throws: ``Errno``. Some bytes may have been written.
    /// - Complexity: O(1) system calls for a regular file.
    package func writeAll(toAbsoluteOffset offset: Int, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var written = 0
        try writeAll(CollectionOfOne(bytes), at: offset, bytesWritten: &written)
    }

    /// Writes every byte of `buffers`, in order, at the current position, in as few `writev` calls as the kernel allows.
    ///
    /// The corresponding C function is `writev`.
    ///
    /// - Parameter buffers: The regions to write, one after another; valid during the call.
    /// - Throws: ``Errno``. Some bytes may have been written.
    /// - Complexity: One `writev` per 1024 regions for a regular file.
    package func writeAll(_ buffers: [UnsafeRawBufferPointer]) throws(Errno) {
        var written = 0
        try writeAll(buffers, at: nil, bytesWritten: &written)
    }

    /// Writes every byte of `buffers`, in order, counting each byte the kernel accepts.
    ///
    /// The corresponding C function is `writev`.
    ///
    /// - Parameters:
    ///   - buffers: The regions to write, one after another; valid during the call.
    ///   - bytesWritten: Increased by each byte written, also when the call then
    ///     fails, so that an error can say how far the output got.
    /// - Throws: ``Errno``.
    /// - Complexity: One `writev` per 1024 regions for a regular file.
    package func writeAll(_ buffers: [UnsafeRawBufferPointer], bytesWritten: inout Int) throws(Errno) {
        try writeAll(buffers, at: nil, bytesWritten: &bytesWritten)
    }

    /// Flushes the file's data and metadata to stable storage.
    ///
    /// On a folder opened read-only, this makes a rename in it survive a power cut.
    /// The corresponding C function is `fsync`.
    ///
    /// - Throws: ``Errno``.
    package func sync() throws(Errno) {
        #if DEBUG
        SystemFaults.checkpoint()
        #endif
        _ = try valueOrErrno { system_fsync(rawValue) }
    }

    /// Cuts or extends the file to `size` bytes.
    ///
    /// The corresponding C function is `ftruncate`.
    ///
    /// - Parameter size: The new size.
    /// - Throws: ``Errno``.
    package func truncate(to size: Int) throws(Errno) {
        #if DEBUG
        SystemFaults.checkpoint()
        #endif
        _ = try valueOrErrno { system_ftruncate(rawValue, size) }
    }

    /// Copies `buffers` into `iovec`s on the stack and writes them.
    ///
    /// - Parameters:
    ///   - buffers: The regions to write, in order.
    ///   - offset: The file offset of the first byte, or `nil` for the current position.
    ///   - bytesWritten: Increased by each byte written.
    /// - Throws: ``Errno``.
    private func writeAll(
        _ buffers: some Collection<UnsafeRawBufferPointer>, at offset: Int?, bytesWritten: inout Int
    ) throws(Errno) {
        try withUnsafeTemporaryAllocation(of: iovec.self, capacity: buffers.count) { (vectors) throws(Errno) in
            for (index, buffer) in buffers.enumerated() {
                vectors.initializeElement(
                    at: index, to: iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), iov_len: buffer.count))
            }
            defer { _ = vectors.deinitialize() }
            try writeAll(vectors, at: offset, bytesWritten: &bytesWritten)
        }
    }

    /// The one partial-write loop: `writev` (or `pwritev` at `offset`) until every `iovec` is written.
    ///
    /// Entries are advanced in place past what each call wrote, so a short
    /// write resumes mid-entry. Empty entries are skipped, so no call is made
    /// (and no checkpoint passed) for nothing. In debug builds each call
    /// passes a ``SystemFaults`` checkpoint; when it is the one armed, half of
    /// the next entry lands and then the process dies.
    ///
    /// - Parameters:
    ///   - vectors: The regions; consumed.
    ///   - offset: The file offset of the first byte, or `nil` for the current position.
    ///   - bytesWritten: Increased by each byte written.
    /// - Throws: ``Errno``; `EIO` for a call that wrote nothing and reported no error.
    private func writeAll(
        _ vectors: UnsafeMutableBufferPointer<iovec>, at offset: Int?, bytesWritten: inout Int
    ) throws(Errno) {
        guard let base = vectors.baseAddress else { return }
        var first = 0
        var done = 0
        while true {
            while first < vectors.count, vectors[first].iov_len == 0 { first += 1 }
            guard first < vectors.count else { return }
            let pending = base + first
            let count = Int32(Swift.min(vectors.count - first, Self.maximumVectorCount))
            let position = offset.map { $0 + done }
            #if DEBUG
            SystemFaults.checkpoint {
                // A torn write: half of the next entry lands, as if the process died mid-call.
                let half = pending.pointee.iov_len / 2
                if let position {
                    _ = system_pwrite(rawValue, pending.pointee.iov_base, half, position)
                } else {
                    _ = system_write(rawValue, pending.pointee.iov_base, half)
                }
            }
            #endif
            let written = try valueOrErrno {
                if let position { system_pwritev(rawValue, pending, count, position) } else { system_writev(rawValue, pending, count) }
            }
            // No progress and no error: retrying would spin forever.
            guard written > 0 else { throw Errno.ioError }
            done += written
            bytesWritten += written
            var remaining = written
            while remaining > 0 {
                if remaining >= vectors[first].iov_len {
                    remaining -= vectors[first].iov_len
                    first += 1
                } else {
                    vectors[first].iov_base = vectors[first].iov_base.map { $0 + remaining }
                    vectors[first].iov_len -= remaining
                    remaining = 0
                }
            }
        }
    }
}
