import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
public import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// A pipeline sink that writes records as an Apache Arrow IPC file or stream.
///
/// A temporary file beside the target is created in ``open()``, each
/// pipeline batch is transposed into the writer's current Arrow record batch
/// (so Arrow batches have ``ArrowWriterOptions/batchSize`` rows whatever the
/// pipeline's batch size), and ``commit()``, which the runner calls only
/// after a completed run, writes the last batch and the footer, flushes the
/// file and renames it over the target. After a failed or cancelled run,
/// ``close()`` removes the temporary file: the target keeps what it held
/// before, or stays absent.
///
/// A sink on a descriptor (standard output) cannot take back what it wrote;
/// after a failed run it does not write the end-of-stream marker, so a
/// reader that checks for the marker knows the stream is incomplete.
///
/// In a spec, once registered with ``ComponentRegistry/registerArrowWriter(named:)``:
///
/// ```json
/// { "component": "arrow-writer", "name": "export",
///   "parameters": { "path": "readings.arrow", "batchSize": 65536 } }
/// ```
public final class ArrowRecordSink: RecordSink {
    /// The file to create or truncate, or `nil` for a sink created on a descriptor.
    public let path: String?
    private let descriptor: Int32
    /// The framing written.
    public let format: ArrowIPCFormat
    /// Batch size and unit encoding.
    public let options: ArrowWriterOptions
    /// What was written, once ``commit()`` has finished the file.
    public private(set) var summary: ArrowExportSummary?

    private var writer: ArrowWriter?

    /// `true` for a path: a run that does not commit leaves no file. `false` for
    /// a descriptor, whose bytes cannot be taken back.
    public var discardsUncommittedRecords: Bool { path != nil }

    /// Configures the sink; nothing is opened or allocated.
    ///
    /// - Parameters:
    ///   - path: The file to create or truncate when the run starts.
    ///   - format: ``ArrowIPCFormat/file`` (the default) or ``ArrowIPCFormat/stream``.
    ///   - options: Batch size and unit encoding; checked in ``open()``.
    public init(path: String, format: ArrowIPCFormat = .file, options: ArrowWriterOptions = ArrowWriterOptions()) {
        self.path = path
        self.descriptor = -1
        self.format = format
        self.options = options
    }

    /// Configures a sink that writes to a descriptor the caller owns and closes, such as standard output.
    ///
    /// - Parameters:
    ///   - fileDescriptor: An open, writable descriptor; the sink never closes it.
    ///   - format: ``ArrowIPCFormat/stream`` (the default) or ``ArrowIPCFormat/file``.
    ///   - options: Batch size and unit encoding; checked in ``open()``.
    public init(fileDescriptor: Int32, format: ArrowIPCFormat = .stream, options: ArrowWriterOptions = ArrowWriterOptions()) {
        self.path = nil
        self.descriptor = fileDescriptor
        self.format = format
        self.options = options
    }

    /// Creates the temporary file (for a path) and allocates one Arrow record batch of columns.
    ///
    /// - Throws: ``ArrowExportError`` naming the path.
    public func open() async throws {
        if let path {
            writer = try ArrowWriter(path: path, format: format, options: options)
        } else {
            writer = try ArrowWriter(fileDescriptor: descriptor, format: format, options: options)
        }
    }

    /// Transposes the batch's records into Arrow columns, writing each Arrow batch that fills.
    ///
    /// - Parameter batch: The records.
    /// - Throws: ``ArrowExportError/writeFailed(destination:errno:bytesWritten:)``.
    /// - Complexity: O(*n*) in the batch's records.
    public func write(_ batch: borrowing RecordBatch) async throws {
        require(writer != nil, "ArrowRecordSink.write called before open()")
        try batch.withUnsafeBufferPointer { (records) throws(ArrowExportError) in
            try writer!.write(contentsOf: records)
        }
    }

    /// Writes the last batch, the end-of-stream marker and (for a file) the
    /// footer; for a path, flushes the file and renames it over the target.
    /// Does nothing if not open.
    ///
    /// - Throws: ``ArrowExportError`` when the last writes, `fsync`, `close(2)`
    ///   or `rename(2)` fail; the temporary file is then removed and the target untouched.
    /// - Complexity: O(*b*) in the number of Arrow record batches, for the footer.
    public func commit() async throws {
        guard let writer = writer.take() else { return }
        summary = try writer.finish()
    }

    /// Abandons output that was not committed: removes the temporary file,
    /// or leaves a descriptor's stream without its end-of-stream marker.
    public func close() async throws {
        _ = writer.take()
    }
}

extension ComponentRegistry {
    /// The parameters the `arrow-writer` sink accepts.
    public static let arrowWriterParameters: [ParameterSpec] = [
        .required("path", .string, "the .arrow file to create, or replace once the run completes"),
        .optional("format", .choice(ArrowIPCFormat.allCases.map(\.rawValue)), default: .string("file"),
            "Arrow IPC file (random access) or stream"),
        .optional("batchSize", .integer(1...Int64(ArrowWriterOptions.maximumBatchSize)),
            default: .integer(Int64(ArrowWriterOptions.defaultBatchSize)), "rows per Arrow record batch"),
        .optional("unitEncoding", .choice(ArrowUnitEncoding.allCases.map(\.rawValue)), default: .string("dictionary"),
            "unit names as a dictionary-encoded string, or the raw uint8 code"),
    ]

    /// Registers ``ArrowRecordSink`` as a sink named `name` (`arrow-writer` by default).
    ///
    /// Parameters: `path` (required), `format` (`file`/`stream`), `batchSize`,
    /// `unitEncoding` (`dictionary`/`code`); see ``arrowWriterParameters``.
    ///
    /// - Parameter name: The name specs use.
    /// - Throws: ``ComponentRegistrationError/duplicateName(_:)`` if `name` is taken.
    public mutating func registerArrowWriter(named name: String = "arrow-writer") throws(ComponentRegistrationError) {
        try register(
            name, role: .sink, summary: "Writes records as an Apache Arrow IPC file (Feather v2) or stream.",
            parameters: Self.arrowWriterParameters
        ) { parameters in
            ArrowRecordSink(
                path: try parameters.string("path"),
                format: ArrowIPCFormat(rawValue: try parameters.string("format")) ?? .file,
                options: ArrowWriterOptions(
                    batchSize: try parameters.integer("batchSize"),
                    unitEncoding: ArrowUnitEncoding(rawValue: try parameters.string("unitEncoding")) ?? .dictionary))
        }
    }
}
