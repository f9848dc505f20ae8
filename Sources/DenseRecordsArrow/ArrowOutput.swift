import InternalDenseRecordsUtilities

/// The file descriptor an ``ArrowWriter`` writes to, with gathered writes and byte counting.
///
/// Small pieces (message framing, metadata, the dictionary, the footer) are
/// staged in ``pending`` and go out in the same `writev(2)` call as the next
/// record batch's columns, so a batch costs one system call.
struct ArrowOutput: ~Copyable {
    /// The descriptor, or `nil` once closed.
    private var descriptor: FileDescriptor?
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
    /// - Parameter path: The file; created with mode 0644 less the umask.
    /// - Throws: ``ArrowExportError/cannotOpen(path:errno:)``.
    init(path: String) throws(ArrowExportError) {
        do {
            self.descriptor = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate])
        } catch {
            throw .cannotOpen(path: path, errno: error.rawValue)
        }
        self.ownsDescriptor = true
        self.destination = path
    }

    /// Writes to a descriptor the caller owns and closes.
    ///
    /// - Parameter descriptor: An open descriptor; never closed here.
    init(borrowing descriptor: Int32) {
        self.descriptor = FileDescriptor(rawValue: descriptor)
        self.ownsDescriptor = false
        self.destination = "file descriptor \(descriptor)"
    }

    /// Closes an owned descriptor that ``close()`` did not; errors are ignored, as the writer was abandoned.
    deinit {
        if ownsDescriptor, let descriptor { try? descriptor.close() }
    }

    /// The stream position of the next byte: written plus staged.
    var position: Int { bytesWritten + pending.count }

    /// Stages bytes for the next write.
    ///
    /// - Parameter bytes: The bytes, copied.
    mutating func stage(_ bytes: [UInt8]) { pending.append(contentsOf: bytes) }

    /// Writes the staged bytes and then `regions`, in one `writev` where the kernel takes it all.
    ///
    /// - Parameter regions: Memory to write after the staged bytes; valid during the call.
    /// - Throws: ``ArrowExportError/writeFailed(destination:errno:bytesWritten:)``,
    ///   whose `bytesWritten` counts every byte that reached the descriptor.
    mutating func write(_ regions: [(UnsafeRawPointer, Int)] = []) throws(ArrowExportError) {
        let staged = pending
        pending.removeAll(keepingCapacity: true)
        // Array.withUnsafeBytes rethrows untyped errors, so the typed one travels in a Result.
        let result: Result<Void, ArrowExportError> = staged.withUnsafeBytes { stagedBytes in
            var buffers: [UnsafeRawBufferPointer] = []
            buffers.reserveCapacity(regions.count + 1)
            if !stagedBytes.isEmpty { buffers.append(stagedBytes) }
            for (base, length) in regions where length > 0 {
                buffers.append(UnsafeRawBufferPointer(start: base, count: length))
            }
            guard !buffers.isEmpty else { return .success(()) }
            guard let descriptor else {
                return .failure(.writeFailed(destination: destination, errno: Errno.badFileDescriptor.rawValue, bytesWritten: bytesWritten))
            }
            do throws(Errno) {
                try descriptor.writeAll(buffers, bytesWritten: &bytesWritten)
                return .success(())
            } catch {
                return .failure(.writeFailed(destination: destination, errno: error.rawValue, bytesWritten: bytesWritten))
            }
        }
        try result.get()
    }

    /// Closes an owned descriptor; a borrowed one is left open.
    ///
    /// - Throws: ``ArrowExportError/closeFailed(destination:errno:)``.
    mutating func close() throws(ArrowExportError) {
        guard let closing = descriptor.take() else { return }
        guard ownsDescriptor else { return }
        do {
            try closing.close()
        } catch {
            throw .closeFailed(destination: destination, errno: error.rawValue)
        }
    }
}
