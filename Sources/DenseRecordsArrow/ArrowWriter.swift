public import DenseRecordsCore
import InternalDenseRecordsUtilities
/// Writes sensor records as Apache Arrow IPC, the format pyarrow, Polars and DuckDB (through
/// pyarrow) read, for handing records to a process next door.
///
/// Spark has no Arrow IPC file source (it uses Arrow only between the JVM and Python);
/// for Spark, Trino or a data lake, write Parquet with `ParquetWriter` instead.
///
/// The writer transposes packed 21-byte records into four columns, one
/// record batch at a time, and writes each batch as soon as it is full:
///
/// | column | Arrow type |
/// |---|---|
/// | `sensor_id` | `uint32` |
/// | `timestamp` | `timestamp[ns, tz=UTC]` |
/// | `value` | `float64` |
/// | `unit` | `dictionary<values=utf8, indices=uint8>` (or `uint8`, see ``ArrowUnitEncoding``) |
///
/// ```swift
/// let summary = try ArrowWriter.export(arena, toPath: "readings.arrow")
///
/// var writer = try ArrowWriter(fileDescriptor: STDOUT_FILENO, format: .stream)
/// try writer.write(arena)
/// _ = try writer.finish()
/// ```
///
/// ## Memory and writes
///
/// The writer allocates one batch of columns (21 bytes per row of
/// ``ArrowWriterOptions/batchSize``) when it is created and reuses it for
/// every batch; records are read chunk by chunk and never copied whole. Each
/// batch goes out in one `writev(2)` call.
///
/// ## Ownership
///
/// `ArrowWriter` is a non-copyable owner of its descriptor and buffer:
/// ``finish()`` consumes it. Records written since the last full batch are
/// held until the batch fills, ``flush()`` or `finish()`.
///
/// ## Whole or absent
///
/// A writer created on a path writes to a temporary file beside it
/// (`.NAME.tmp-PID-RANDOM`), and only ``finish()`` makes it the file at the
/// path: it flushes the file (`fsync`), renames it over the path and flushes
/// the folder. A writer dropped without `finish()`, or whose `finish()`
/// throws, removes the temporary file, and whatever was at the path before
/// (an earlier export, or nothing) stays as it was. A process killed before
/// the rename leaves the earlier file too, plus the temporary file.
///
/// A writer on a descriptor (a pipe, standard output) cannot be undone: a
/// stream is complete only if it ends with the end-of-stream marker
/// `0xFFFFFFFF 0x00000000`, which only `finish()` writes; a reader must check
/// for it (see <doc:ArrowExport>). A path that names a FIFO or a device
/// (`/dev/stdout`) is written in place the same way.
///
/// Writing to a pipe or socket whose reader has gone raises `SIGPIPE`, which
/// ends the process unless the program ignores it (`signal(SIGPIPE, SIG_IGN)`);
/// the writer then throws ``ArrowExportError/writeFailed(destination:errno:bytesWritten:)``
/// with `EPIPE`.
public struct ArrowWriter: ~Copyable {
    private var output: ArrowOutput
    private var columns: ArrowColumnBatch
    private let schema: FlatTable
    private var dictionaryBlocks: [ArrowMetadata.Block] = []
    private var recordBatchBlocks: [ArrowMetadata.Block] = []
    private var recordBatchCount = 0

    /// The framing being written.
    public let format: ArrowIPCFormat

    /// The options the writer was created with.
    public let options: ArrowWriterOptions

    /// Rows accepted so far, including those held in the current, unwritten batch.
    public private(set) var rowCount = 0

    /// Writes Arrow to a temporary file beside `path` that ``finish()`` renames over `path`.
    ///
    /// Until `finish()` returns, `path` is untouched; see "Whole or absent" above.
    ///
    /// - Parameters:
    ///   - path: The file to write; created with mode 0644 less the umask, replacing any file there on `finish()`.
    ///   - format: ``ArrowIPCFormat/file`` (the default) or ``ArrowIPCFormat/stream``.
    ///   - options: Batch size and unit encoding.
    /// - Throws: ``ArrowExportError/invalidBatchSize(_:)``,
    ///   ``ArrowExportError/cannotOpen(path:errno:)``, or
    ///   ``ArrowExportError/outOfMemory(requestedBytes:)``.
    /// - Complexity: One allocation of a batch of columns; pages are touched as rows arrive.
    public init(path: String, format: ArrowIPCFormat = .file, options: ArrowWriterOptions = ArrowWriterOptions()) throws(ArrowExportError) {
        try Self.validate(options)
        let columns = try ArrowColumnBatch(capacity: options.batchSize)
        let output = try ArrowOutput(path: path)
        self.init(output: output, columns: columns, format: format, options: options)
    }

    /// Writes Arrow to a descriptor the caller owns: a pipe, a socket, or a file opened elsewhere.
    ///
    /// The writer never closes `fileDescriptor`. Positions in the file
    /// format's footer count from the descriptor's current position, so write
    /// ``ArrowIPCFormat/file`` only at the start of a regular file.
    ///
    /// What is written cannot be taken back: a stream is complete only if it
    /// ends with the end-of-stream marker `0xFFFFFFFF 0x00000000`, which only
    /// ``finish()`` writes. A writer dropped after an error leaves it out.
    ///
    /// - Parameters:
    ///   - fileDescriptor: An open, writable descriptor.
    ///   - format: ``ArrowIPCFormat/stream`` (the default) or ``ArrowIPCFormat/file``.
    ///   - options: Batch size and unit encoding.
    /// - Throws: ``ArrowExportError/invalidBatchSize(_:)`` or ``ArrowExportError/outOfMemory(requestedBytes:)``.
    ///   Write errors surface from the `write` calls.
    public init(fileDescriptor: Int32, format: ArrowIPCFormat = .stream, options: ArrowWriterOptions = ArrowWriterOptions()) throws(ArrowExportError) {
        try Self.validate(options)
        let columns = try ArrowColumnBatch(capacity: options.batchSize)
        self.init(output: ArrowOutput(borrowing: fileDescriptor), columns: columns, format: format, options: options)
    }

    private init(output: consuming ArrowOutput, columns: consuming ArrowColumnBatch, format: ArrowIPCFormat, options: ArrowWriterOptions) {
        self.output = output
        self.columns = columns
        self.format = format
        self.options = options
        self.schema = ArrowMetadata.schema(unitEncoding: options.unitEncoding)
        stageHeader()
    }

    private static func validate(_ options: ArrowWriterOptions) throws(ArrowExportError) {
        guard (1...ArrowWriterOptions.maximumBatchSize).contains(options.batchSize) else {
            throw .invalidBatchSize(options.batchSize)
        }
    }

    // MARK: Writing records

    /// Writes every record of `records`, chunk by chunk.
    ///
    /// Each chunk is checked with ``ChunkedRecords/verifyChunk(_:)`` before it
    /// is written, so a damaged block of a mapped snapshot is refused instead
    /// of being copied into a file whose readers cannot tell.
    ///
    /// - Parameter records: A ``RecordArena``, ``SealedRecords``, mapped
    ///   snapshot or other chunked collection.
    /// - Throws: ``ArrowExportError/damagedInput(chunk:reason:)`` when a chunk
    ///   fails its check, and ``ArrowExportError/writeFailed(destination:errno:bytesWritten:)``
    ///   when a full batch cannot be written; the writer should then be dropped.
    /// - Complexity: O(*n*): each record is read once and each byte written once.
    public mutating func write(_ records: some ChunkedRecords) throws(ArrowExportError) {
        try records.forEachVerifiedChunk(damaged: { ArrowExportError.damagedInput(chunk: $0, reason: "\($1)") }) {
            (chunk) throws(ArrowExportError) in try self.write(contentsOf: chunk)
        }
    }

    /// Writes packed records.
    ///
    /// - Parameter records: The records; read only during the call.
    /// - Throws: ``ArrowExportError/writeFailed(destination:errno:bytesWritten:)``
    ///   when a full batch cannot be written.
    /// - Complexity: O(*n*) in `records.count`.
    public mutating func write(contentsOf records: UnsafeBufferPointer<sensor_record_t>) throws(ArrowExportError) {
        var rest = records
        while !rest.isEmpty {
            let taken = columns.append(rest)
            rowCount += taken
            rest = UnsafeBufferPointer(rebasing: rest[taken...])
            if columns.isFull { try writeBatch() }
        }
    }

    /// Writes the rows held in the current batch now, as a shorter record batch.
    ///
    /// Use it on a stream when a reader should see the records so far. Does
    /// nothing when no rows are held.
    ///
    /// - Throws: ``ArrowExportError/writeFailed(destination:errno:bytesWritten:)``.
    public mutating func flush() throws(ArrowExportError) {
        if columns.count > 0 { try writeBatch() }
    }

    /// Writes the last batch and the end of the stream (and, for a file, the
    /// footer); for a writer on a path, makes the file durable and renames it over the path.
    ///
    /// - Returns: What was written.
    /// - Throws: ``ArrowExportError/writeFailed(destination:errno:bytesWritten:)``
    ///   or ``ArrowExportError/closeFailed(destination:errno:)`` (an `fsync`,
    ///   `close` or `rename` failure). For a writer on a path, the temporary
    ///   file is then removed and the path untouched.
    /// - Complexity: O(*b*) in the number of record batches, for the footer.
    public consuming func finish() throws(ArrowExportError) -> ArrowExportSummary {
        try flush()
        // End-of-stream: a continuation marker and a zero length. The file format carries it too.
        var tail: [UInt8] = []
        tail.appendLittleEndian(ArrowLayout.continuation)
        tail.appendLittleEndian(UInt32(0))
        if format == .file {
            let footer = FlatBufferEncoder.encode(
                ArrowMetadata.footer(schema: schema, dictionaries: dictionaryBlocks, recordBatches: recordBatchBlocks))
            tail.append(contentsOf: footer)
            tail.appendLittleEndian(Int32(footer.count))
            tail.append(contentsOf: ArrowLayout.fileMagic)
        }
        output.stage(tail)
        try output.write()
        try output.commit()
        return ArrowExportSummary(
            format: format, rowCount: rowCount, recordBatchCount: recordBatchCount, byteCount: output.bytesWritten)
    }

    /// Writes `records` to a new file at `path` in one call, whole or not at all.
    ///
    /// The file appears at `path` only once every record is written and
    /// flushed; when this throws, `path` holds what it held before (or nothing).
    ///
    /// - Parameters:
    ///   - records: The records to export.
    ///   - path: The file to create or replace.
    ///   - format: ``ArrowIPCFormat/file`` (the default) or ``ArrowIPCFormat/stream``.
    ///   - options: Batch size and unit encoding.
    /// - Returns: What was written.
    /// - Throws: ``ArrowExportError``, naming `path`.
    /// - Complexity: O(*n*).
    public static func export(
        _ records: some ChunkedRecords, toPath path: String, format: ArrowIPCFormat = .file,
        options: ArrowWriterOptions = ArrowWriterOptions()
    ) throws(ArrowExportError) -> ArrowExportSummary {
        var writer = try ArrowWriter(path: path, format: format, options: options)
        try writer.write(records)
        return try writer.finish()
    }

    // MARK: Messages

    /// Stages the file magic, the schema message and, for dictionary units, the unit dictionary.
    private mutating func stageHeader() {
        if format == .file { output.stage(ArrowLayout.fileMagicPadded) }
        let schemaMessage = ArrowMetadata.message(.schema, header: schema, bodyLength: 0)
        _ = stageMessage(schemaMessage, bodyLength: 0)
        guard options.unitEncoding == .dictionary else { return }

        // The dictionary's body: an empty validity bitmap, 257 int32 offsets, then the names.
        var offsets: [UInt8] = []
        var names: [UInt8] = []
        offsets.appendLittleEndian(Int32(0))
        for name in ArrowLayout.unitNames {
            names.append(contentsOf: name.utf8)
            offsets.appendLittleEndian(Int32(names.count))
        }
        let offsetsLength = offsets.count
        let namesLength = names.count
        offsets.padToMultiple(of: ArrowLayout.bufferAlignment)
        names.padToMultiple(of: ArrowLayout.bufferAlignment)
        let data = ArrowMetadata.recordBatch(
            length: ArrowLayout.unitNames.count, columnCount: 1,
            buffers: [
                .init(offset: 0, length: 0),
                .init(offset: 0, length: offsetsLength),
                .init(offset: offsets.count, length: namesLength),
            ])
        let body = offsets + names
        let message = ArrowMetadata.message(
            .dictionaryBatch, header: ArrowMetadata.dictionaryBatch(id: ArrowLayout.unitDictionaryID, data: data),
            bodyLength: body.count)
        let block = stageMessage(message, bodyLength: body.count)
        output.stage(body)
        dictionaryBlocks.append(block)
    }

    /// Stages a message's framing and metadata, padded so that its body starts
    /// at a multiple of 64 bytes in the stream.
    ///
    /// - Returns: The message's block (the body is the caller's to stage or write).
    private mutating func stageMessage(_ message: FlatTable, bodyLength: Int) -> ArrowMetadata.Block {
        let start = output.position
        var metadata = FlatBufferEncoder.encode(message)
        // 8 bytes of framing, then the metadata padded until the body is 64-byte aligned.
        while (start + 8 + metadata.count) % ArrowLayout.bufferAlignment != 0 { metadata.append(0) }
        var framing: [UInt8] = []
        framing.reserveCapacity(8 + metadata.count)
        framing.appendLittleEndian(ArrowLayout.continuation)
        framing.appendLittleEndian(Int32(metadata.count))
        framing.append(contentsOf: metadata)
        output.stage(framing)
        return ArrowMetadata.Block(offset: start, metadataLength: framing.count, bodyLength: bodyLength)
    }

    /// Writes the rows held as one record batch and empties the columns.
    private mutating func writeBatch() throws(ArrowExportError) {
        let (buffers, bodyLength) = columns.bodyBuffers
        let header = ArrowMetadata.recordBatch(length: columns.count, columnCount: ArrowLayout.columnCount, buffers: buffers)
        let block = stageMessage(ArrowMetadata.message(.recordBatch, header: header, bodyLength: bodyLength), bodyLength: bodyLength)
        try columns.withPaddedColumns { (regions) throws(ArrowExportError) in try output.write(regions) }
        recordBatchBlocks.append(block)
        recordBatchCount += 1
        columns.removeAll()
    }
}
