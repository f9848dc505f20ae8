import CZstd

/// Turns slices of one column into pages: encodes them into a reused buffer, compresses
/// them with zstd into another, and frames each with its `PageHeader`.
///
/// Both buffers are allocated once, sized for the worst case of one page, so that
/// writing allocates nothing per page.
struct ParquetPageEncoder: ~Copyable {
    /// The encoded page.
    var page: ByteBuffer
    /// The compressed page (unused without compression).
    private var compressed: ByteBuffer
    private let context: OpaquePointer?
    private let compression: ParquetCompression
    private let level: Int32

    /// The most bytes one page of `rows` rows can take before compression, whatever its column.
    static func maximumEncodedSize(rows: Int) -> Int {
        max(ParquetEncodings.maximumDeltaBinaryPackedSize(count: rows, byteWidth: 8),
            ParquetEncodings.maximumDictionaryIndicesSize(count: rows), rows * 8, 257 * (4 + 24)) + 64
    }

    /// Allocates the buffers for pages of up to `rows` rows.
    ///
    /// - Throws: ``ParquetWriteError/outOfMemory(requestedBytes:)``.
    init(rows: Int, compression: ParquetCompression, level: Int) throws(ParquetWriteError) {
        let encodedSize = Self.maximumEncodedSize(rows: rows)
        var context: OpaquePointer? = nil
        if compression == .zstd {
            guard let created = ZSTD_createCCtx() else { throw .outOfMemory(requestedBytes: encodedSize) }
            context = created
        }
        do {
            let page = try ByteBuffer(capacity: encodedSize)
            let compressed = try ByteBuffer(capacity: compression == .zstd ? ZSTD_compressBound(encodedSize) : 0)
            self.page = page
            self.compressed = compressed
        } catch {
            if let context { ZSTD_freeCCtx(context) }
            throw error
        }
        self.context = context
        self.compression = compression
        self.level = Int32(level)
    }

    deinit {
        if let context { ZSTD_freeCCtx(context) }
    }

    /// Compresses ``page`` when the codec asks for it.
    ///
    /// - Parameter column: The column's name, for errors.
    /// - Returns: The page's uncompressed size and the bytes to store, valid until the next call.
    /// - Throws: ``ParquetWriteError/compressionFailed(column:reason:)``.
    mutating func storedPage(column: String) throws(ParquetWriteError) -> (uncompressedSize: Int, stored: UnsafeRawBufferPointer) {
        guard compression == .zstd else { return (page.count, page.bytes) }
        let written = ZSTD_compressCCtx(context, compressed.base, compressed.capacity, page.base, page.count, level)
        if ZSTD_isError(written) != 0 {
            throw .compressionFailed(column: column, reason: String(cString: ZSTD_getErrorName(written)))
        }
        compressed.count = written
        return (page.count, compressed.bytes)
    }
}
