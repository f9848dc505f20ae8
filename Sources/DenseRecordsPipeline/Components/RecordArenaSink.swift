import DenseRecordsCore
public import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// A sink that appends every record to a ``RecordArena``, one `memcpy` per batch.
///
/// The arena is created in ``open()``, so a pipeline that fails validation
/// allocates nothing. After the run, read it from ``arena``, or ``seal()``
/// it to share it across tasks.
public final class RecordArenaSink: RecordSink {
    /// The byte limit for the arena, or `nil`.
    public let byteLimit: Int?
    /// The arena, once the sink is open.
    public private(set) var arena: RecordArena?

    /// Configures the sink; nothing is allocated.
    ///
    /// - Parameter byteLimit: The most bytes the arena may hold; past it the run stops with a sink failure.
    public init(byteLimit: Int? = nil) { self.byteLimit = byteLimit }

    /// Creates the arena.
    public func open() async throws {
        arena = RecordArena(byteLimit: byteLimit)
    }

    /// Appends the batch.
    ///
    /// - Parameter batch: The records.
    /// - Throws: ``RecordArenaError`` when memory or the byte limit refuses; the batch is then not stored.
    /// - Precondition: ``open()`` was called; the process traps with a message otherwise.
    /// - Complexity: O(*n*), one `memcpy` per arena chunk touched.
    public func write(_ batch: borrowing RecordBatch) async throws {
        guard let arena else { requirementFailed("RecordArenaSink.write called before open()") }
        try batch.withUnsafeBufferPointer { (records) throws(RecordArenaError) in try arena.append(contentsOf: records) }
    }

    /// Moves the stored records out as ``SealedRecords``, or `nil` before ``open()``.
    ///
    /// - Returns: The records, without copying them.
    public func seal() -> SealedRecords? { arena?.seal() }
}
