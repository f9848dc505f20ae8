import InternalDenseRecordsUtilities

/// The file a ``ParquetWriter`` writes: an `AtomicOutputFile` (a temporary file beside the
/// target, renamed over it by ``commit()``), with gathered writes and a byte position.
struct ParquetOutput: ~Copyable {
    private var file: AtomicOutputFile?
    /// The target path, for error messages.
    let destination: String
    /// Bytes written so far: the position of the next byte in the file.
    private(set) var position = 0

    /// Creates the temporary file beside `path`.
    ///
    /// - Throws: ``ParquetWriteError/cannotOpen(path:errno:)``.
    init(path: String) throws(ParquetWriteError) {
        do {
            file = try AtomicOutputFile(path: path)
        } catch {
            throw .cannotOpen(path: path, errno: error.rawValue)
        }
        destination = path
    }

    /// The descriptor of the temporary file, or `nil` once committed.
    private var descriptor: FileDescriptor? {
        switch file {
        case .some(let open): return open.descriptor
        case .none: return nil
        }
    }

    /// Writes `regions` one after another, in as few `writev` calls as the kernel allows.
    ///
    /// - Throws: ``ParquetWriteError/writeFailed(destination:errno:bytesWritten:)``.
    mutating func write(_ regions: [UnsafeRawBufferPointer]) throws(ParquetWriteError) {
        guard let descriptor else {
            throw .writeFailed(destination: destination, errno: Errno.badFileDescriptor.rawValue, bytesWritten: position)
        }
        do {
            try descriptor.writeAll(regions, bytesWritten: &position)
        } catch {
            throw .writeFailed(destination: destination, errno: error.rawValue, bytesWritten: position)
        }
    }

    /// Writes `bytes`.
    ///
    /// - Throws: ``ParquetWriteError/writeFailed(destination:errno:bytesWritten:)``.
    mutating func write(_ bytes: [UInt8]) throws(ParquetWriteError) {
        let result: Result<Void, ParquetWriteError> = bytes.withUnsafeBytes { raw in
            do throws(ParquetWriteError) {
                try write([raw])
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Writes the footer (`FileMetaData`, its length, `PAR1`), after the leading `PAR1` for
    /// a file without row groups, then commits the file.
    ///
    /// - Throws: ``ParquetWriteError/writeFailed(destination:errno:bytesWritten:)`` or
    ///   ``ParquetWriteError/closeFailed(destination:errno:)``.
    mutating func finish(schema: [ParquetFormat.Column], rowCount: Int, rowGroups: [ParquetFormat.RowGroup]) throws(ParquetWriteError) {
        if position == 0 { try write(ParquetFormat.magic) }
        let footer = ParquetFormat.fileMetaData(
            columns: schema, rowCount: Int64(rowCount), rowGroups: rowGroups, createdBy: ParquetSchema.createdBy)
        var tail = footer
        tail.append(contentsOf: ParquetStatistics.bytes(UInt32(footer.count)))
        tail.append(contentsOf: ParquetFormat.magic)
        try write(tail)
        try commit()
    }

    /// Removes the temporary file; the target is untouched.
    mutating func discard() {
        guard var abandoned = file.take() else { return }
        abandoned.discard()
    }

    /// Flushes the file, renames it over the target and flushes the folder.
    ///
    /// - Throws: ``ParquetWriteError/closeFailed(destination:errno:)``; the temporary file
    ///   is then removed and the target untouched.
    mutating func commit() throws(ParquetWriteError) {
        guard var committing = file.take() else { return }
        do {
            try committing.commit()
        } catch {
            throw .closeFailed(destination: destination, errno: error.rawValue)
        }
    }
}
