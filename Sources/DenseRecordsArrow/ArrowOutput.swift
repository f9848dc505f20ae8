import InternalDenseRecordsUtilities

/// The file descriptor an ``ArrowWriter`` writes to, with gathered writes and byte counting.
///
/// Small pieces (message framing, metadata, the dictionary, the footer) are
/// staged in ``pending`` and go out in the same `writev(2)` call as the next
/// record batch's columns, so a batch costs one system call.
///
/// An output opened on a path is an `AtomicOutputFile`: the bytes go to a
/// temporary file beside the target, which ``commit()`` renames over the
/// target and which is removed when the output is dropped uncommitted.
struct ArrowOutput: ~Copyable {
    /// The file written for a path, or `nil` for a borrowed descriptor.
    private var file: AtomicOutputFile?
    /// The borrowed descriptor, or `nil` for a path or once closed.
    private var borrowed: FileDescriptor?
    /// The path, or `file descriptor N`, for error messages.
    let destination: String
    /// Bytes handed to the descriptor so far, staged bytes excluded.
    private(set) var bytesWritten = 0
    /// Staged bytes, written before the next gathered write's regions.
    private(set) var pending: [UInt8] = []

    /// Creates a temporary file beside `path`, to become `path` on ``commit()``.
    ///
    /// - Parameter path: The target; an existing file there is untouched until ``commit()``.
    /// - Throws: ``ArrowExportError/cannotOpen(path:errno:)``.
    init(path: String) throws(ArrowExportError) {
        do {
            self.file = try AtomicOutputFile(path: path)
        } catch {
            throw .cannotOpen(path: path, errno: error.rawValue)
        }
        self.borrowed = nil
        self.destination = path
    }

    /// Writes to a descriptor the caller owns and closes.
    ///
    /// - Parameter descriptor: An open descriptor; never closed here.
    init(borrowing descriptor: Int32) {
        self.file = nil
        self.borrowed = FileDescriptor(rawValue: descriptor)
        self.destination = "file descriptor \(descriptor)"
    }

    /// The descriptor writes go to, or `nil` once committed.
    private var descriptor: FileDescriptor? {
        if let borrowed { return borrowed }
        switch file {
        case .some(let open): return open.descriptor
        case .none: return nil
        }
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

    /// Makes a path's output visible (`fsync`, rename over the target, `fsync` of the folder);
    /// a borrowed descriptor is left open.
    ///
    /// - Throws: ``ArrowExportError/closeFailed(destination:errno:)``; the
    ///   temporary file is then removed and the target untouched.
    mutating func commit() throws(ArrowExportError) {
        borrowed = nil
        guard var committing = file.take() else { return }
        do {
            try committing.commit()
        } catch {
            throw .closeFailed(destination: destination, errno: error.rawValue)
        }
    }
}
