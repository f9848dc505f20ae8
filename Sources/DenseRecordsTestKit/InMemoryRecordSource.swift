public import DenseRecordsCore
public import DenseRecordsPipeline

/// A pipeline source that yields the records of an array, batch by batch.
///
/// Use it to feed a pipeline or a ``StageHarness`` in tests without a file.
///
/// ```swift
/// let source = InMemoryRecordSource([SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 20, unit: .celsius)])
/// ```
public final class InMemoryRecordSource: RecordSource {
    /// The records the source yields, in order.
    public let records: [SensorRecord]
    private var next = 0

    /// Creates a source over `records`.
    ///
    /// - Parameter records: The records to yield, in order.
    public init(_ records: [SensorRecord]) { self.records = records }

    /// Rewinds to the first record.
    public func open() async throws { next = 0 }

    /// Appends the next records to `batch`, up to its remaining capacity.
    ///
    /// - Parameter batch: The batch to fill.
    /// - Returns: `false` once every record has been yielded.
    /// - Complexity: O(*k*) for the *k* records appended.
    public func nextBatch(into batch: inout RecordBatch) async throws -> Bool {
        guard next < records.count else { return false }
        while !batch.isFull, next < records.count {
            batch.append(records[next])
            next += 1
        }
        return true
    }
}

/// A pipeline sink that keeps every record it is given, in order.
///
/// ```swift
/// let sink = CollectingRecordSink()
/// // ... run a pipeline into it ...
/// print(sink.records.count)
/// ```
public final class CollectingRecordSink: RecordSink {
    /// Every record written so far, in order.
    public private(set) var records: [SensorRecord] = []
    /// Whether ``close()`` has been called.
    public private(set) var isClosed = false

    /// Creates an empty sink.
    public init() {}

    /// Keeps a copy of the batch's records.
    ///
    /// - Parameter batch: The records to keep.
    /// - Complexity: O(*k*) for the *k* records in the batch.
    public func write(_ batch: borrowing RecordBatch) async throws { records += batch.records }

    /// Marks the sink closed.
    public func close() async throws { isClosed = true }
}
