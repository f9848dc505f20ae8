import DenseRecordsCore
import DenseRecordsArena
public import DenseRecordsSnapshot
import InternalDenseRecordsUtilities

/// A sink that saves every record as a snapshot file (`.drsnap`), whole or not at all.
///
/// The records are gathered in a ``RecordArena`` (21 bytes each, one `memcpy`
/// per batch) and written by ``commit()`` through
/// ``ChunkedRecords/writeSnapshot(to:options:)``: to a temporary file beside
/// the target, flushed, then renamed over it. A run that fails or is
/// cancelled leaves the target as it was.
///
/// In a spec, registered as `snapshot-writer`:
///
/// ```json
/// { "component": "snapshot-writer", "name": "store", "parameters": { "path": "readings.drsnap" } }
/// ```
public final class SnapshotRecordSink: RecordSink {
    /// The snapshot file to create or replace.
    public let path: String
    /// The block size and format version to write.
    public let options: SnapshotWriteOptions
    /// The header written, once ``commit()`` has succeeded.
    public private(set) var header: SnapshotHeader?
    private var arena: RecordArena?

    /// `true`: a run that does not commit writes nothing.
    public var discardsUncommittedRecords: Bool { true }

    /// Configures the sink; nothing is opened or allocated.
    ///
    /// - Parameters:
    ///   - path: The snapshot to create or replace when the run commits.
    ///   - options: The block size and format version; the default writes
    ///     version 2 with one block per arena chunk.
    public init(path: String, options: SnapshotWriteOptions = SnapshotWriteOptions()) {
        self.path = path
        self.options = options
    }

    /// Creates the arena the records are gathered in.
    public func open() async throws {
        arena = RecordArena()
    }

    /// Appends the batch to the arena.
    ///
    /// - Parameter batch: The records.
    /// - Throws: ``RecordArenaError`` when memory is refused.
    /// - Precondition: ``open()`` was called; the process traps with a message otherwise.
    /// - Complexity: O(*n*), one `memcpy` per arena chunk touched.
    public func write(_ batch: borrowing RecordBatch) async throws {
        guard let arena else { requirementFailed("SnapshotRecordSink.write called before open()") }
        try batch.withUnsafeBufferPointer { (records) throws(RecordArenaError) in try arena.append(contentsOf: records) }
    }

    /// Writes the snapshot to a temporary file and renames it over ``path``.
    ///
    /// - Throws: ``SnapshotError`` when the file system refuses a step; the
    ///   target is then unchanged.
    /// - Complexity: O(*n*).
    public func commit() async throws {
        guard let arena else { requirementFailed("SnapshotRecordSink.commit called before open()") }
        header = try arena.writeSnapshot(to: path, options: options)
    }

    /// Frees the gathered records.
    public func close() async throws {
        arena = nil
    }
}

extension ComponentRegistry {
    /// Registers the `snapshot` source and the `snapshot-writer` sink, each with a required `path`.
    ///
    /// - Throws: ``ComponentRegistrationError`` when either name is taken.
    mutating func registerSnapshotComponents() throws(ComponentRegistrationError) {
        try register(
            "snapshot", role: .source, summary: "Reads a snapshot file (.drsnap), checking each block's CRC32C before its records flow.",
            parameters: [.required("path", .string, "the snapshot file, relative to the working directory")],
            check: Self.checkSnapshotPath
        ) { parameters in
            SnapshotRecordSource(path: try parameters.string("path"))
        }
        try register(
            "snapshot-writer", role: .sink,
            summary: "Saves every record as a snapshot file (.drsnap, version 2 with zone maps), whole or not at all.",
            parameters: [.required("path", .string, "the snapshot to create or replace when the run succeeds")],
            check: Self.checkSnapshotPath
        ) { parameters in
            SnapshotRecordSink(path: try parameters.string("path"))
        }
    }

    /// Refuses an empty `path`.
    @Sendable
    static func checkSnapshotPath(_ parameters: ComponentParameters) -> [ComponentParameterError] {
        guard let path = try? parameters.string("path"), path.isEmpty else { return [] }
        return [ComponentParameterError(parameter: "path", message: "must not be empty")]
    }
}
