import DenseRecordsCore
import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file descriptor an ``ArrowWriter`` writes to, with gathered writes and byte counting.
///
/// Small pieces (message framing, metadata, the dictionary, the footer) are
/// staged in ``pending`` and go out in the same `writev(2)` call as the next
/// record batch's columns, so a batch costs one system call.
struct ArrowOutput: ~Copyable {
    /// The descriptor, or -1 once closed.
    private var descriptor: Int32
    /// Whether ``close()`` and `deinit` close the descriptor.
    private let ownsDescriptor: Bool
    /// The path, or `file descriptor N`, for error messages.
    let destination: String
    /// Bytes handed to the descriptor so far, staged bytes excluded.
    private(set) var bytesWritten = 0
    /// Staged bytes, written before the next gathered write's regions.
    private(set) var pending: [UInt8] = []

    /// Opens (creating or truncating) `path` for writing.
    ///
    /// - Throws: ``ArrowExportError/cannotOpen(path:errno:)``.
    init(path: String) throws(ArrowExportError) {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        var descriptor: Int32
        repeat { descriptor = open(path, flags, 0o644) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        self.descriptor = descriptor
        self.ownsDescriptor = true
        self.destination = path
    }

    /// Writes to a descriptor the caller owns and closes.
    init(borrowing descriptor: Int32) {
        self.descriptor = descriptor
        self.ownsDescriptor = false
        self.destination = "file descriptor \(descriptor)"
    }

    deinit {
        if ownsDescriptor && descriptor >= 0 { _ = closeDescriptor(descriptor) }
    }

    /// The stream position of the next byte: written plus staged.
    var position: Int { bytesWritten + pending.count }

    /// Stages bytes for the next write.
    mutating func stage(_ bytes: [UInt8]) { pending.append(contentsOf: bytes) }

    /// Writes the staged bytes and then `regions`, in one `writev` where the kernel takes it all.
    ///
    /// - Parameter regions: Memory to write after the staged bytes; valid during the call.
    /// - Throws: ``ArrowExportError/writeFailed(destination:errno:bytesWritten:)``.
    mutating func write(_ regions: [(UnsafeRawPointer, Int)] = []) throws(ArrowExportError) {
        let staged = pending
        pending.removeAll(keepingCapacity: true)
        // Array.withUnsafeBytes rethrows untyped errors, so the typed one travels in a Result.
        let result: Result<Void, ArrowExportError> = staged.withUnsafeBytes { stagedBytes in
            var vectors: [iovec] = []
            vectors.reserveCapacity(regions.count + 1)
            if let base = stagedBytes.baseAddress, !stagedBytes.isEmpty {
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base), iov_len: stagedBytes.count))
            }
            for (base, length) in regions where length > 0 {
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base), iov_len: length))
            }
            return Result { () throws(ArrowExportError) in try writeAll(&vectors) }
        }
        try result.get()
    }

    private mutating func writeAll(_ vectors: inout [iovec]) throws(ArrowExportError) {
        var first = 0
        while first < vectors.count {
            let written = vectors.withUnsafeBufferPointer { buffer in
                writev(descriptor, buffer.baseAddress! + first, Int32(Swift.min(buffer.count - first, 1024)))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(destination: destination, errno: errno, bytesWritten: bytesWritten)
            }
            if written == 0 { throw .writeFailed(destination: destination, errno: EIO, bytesWritten: bytesWritten) }
            bytesWritten += written
            // Skip what was written; a partial write resumes mid-vector.
            var remaining = written
            while first < vectors.count, remaining >= vectors[first].iov_len {
                remaining -= vectors[first].iov_len
                first += 1
            }
            if remaining > 0 {
                vectors[first].iov_base = vectors[first].iov_base.map { $0 + remaining }
                vectors[first].iov_len -= remaining
            }
        }
    }

    /// Closes an owned descriptor; a borrowed one is left open.
    ///
    /// - Throws: ``ArrowExportError/closeFailed(destination:errno:)``.
    mutating func close() throws(ArrowExportError) {
        guard descriptor >= 0 else { return }
        let closing = descriptor
        descriptor = -1
        if ownsDescriptor && closeDescriptor(closing) != 0 {
            throw .closeFailed(destination: destination, errno: errno)
        }
    }
}

/// `close(2)`, under a name that the struct's own `close()` does not shadow.
private func closeDescriptor(_ descriptor: Int32) -> Int32 { close(descriptor) }
