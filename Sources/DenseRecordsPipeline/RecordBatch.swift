public import DenseRecordsCore
public import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
public import CDenseRecords

/// A fixed-capacity batch of packed records that moves through a pipeline.
///
/// A batch owns one buffer of `capacity` `sensor_record_t` values, allocated
/// once when the pipeline starts and reused for every batch, so a run
/// allocates nothing per record and its memory does not grow with the input.
/// Sources append into it, stages filter or rewrite it in place, and sinks
/// read it. The default capacity, ``RecordArena/recordsPerChunk``, makes one
/// batch exactly one arena chunk, so a ``RecordArenaSink`` copies each batch
/// with a single `memcpy`.
///
/// `RecordBatch` is `~Copyable`: there is exactly one owner of the buffer, and
/// it is handed to components `inout` or `borrowing`, never copied.
///
/// ```swift
/// var batch = RecordBatch(capacity: 1_024)
/// batch.append(SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 20, unit: .celsius))
/// batch.removeAll { !$0.value.isFinite }
/// ```
///
/// A batch is `Sendable`, like `Array`: it can be handed to a component that
/// runs in another isolation domain, such as a plain `async` method of a type
/// that conforms retroactively.
// @unchecked Sendable: the buffer is reachable only through the batch's one owner
// (`~Copyable`, `base` is internal and never escapes a `with…` closure), every method
// that writes it is `mutating` and so needs exclusive access, and the non-mutating
// ones only read it. Sending the batch moves that sole ownership, as with `Array`.
public struct RecordBatch: ~Copyable, @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<sensor_record_t>
    /// The most records the batch holds.
    public let capacity: Int
    /// The number of records; only the batch's own methods change it, keeping it in `0...capacity`.
    @usableFromInline var storedCount: Int

    /// The number of records in the batch.
    @inlinable public var count: Int { storedCount }

    /// Creates an empty batch that can hold `capacity` records.
    ///
    /// - Parameter capacity: The batch size; it must be at least 1.
    /// - Complexity: One allocation of `21 × capacity` bytes.
    public init(capacity: Int = RecordArena.recordsPerChunk) {
        require(capacity >= 1, "RecordBatch capacity must be at least 1, got \(capacity)")
        self.capacity = capacity
        self.storedCount = 0
        self.base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Whether the batch holds no records.
    public var isEmpty: Bool { count == 0 }

    /// Whether the batch is full.
    public var isFull: Bool { count == capacity }

    /// The number of records that can still be appended.
    public var remainingCapacity: Int { capacity - count }

    /// Appends one record.
    ///
    /// - Parameter record: The record; the batch must not be full (``isFull``), or this traps.
    /// - Complexity: O(1).
    @inlinable
    public mutating func append(_ record: SensorRecord) { append(raw: record.raw) }

    /// Appends one packed C record.
    ///
    /// - Parameter record: The record; the batch must not be full (``isFull``), or this traps.
    /// - Complexity: O(1).
    @inlinable
    public mutating func append(raw record: sensor_record_t) {
        if _slowPath(!(count < capacity)) { fatalError("RecordBatch is full (capacity \(capacity))") }
        (base + count).initialize(to: record)
        storedCount += 1
    }

    /// Copies as many records from `records` as fit and returns how many were copied.
    ///
    /// - Parameter records: The records to copy.
    /// - Returns: The number copied: `min(records.count, remainingCapacity)`.
    /// - Complexity: O(*n*), one `memcpy`.
    @discardableResult
    public mutating func append(contentsOf records: UnsafeBufferPointer<sensor_record_t>) -> Int {
        let copied = Swift.min(records.count, remainingCapacity)
        if copied > 0, let source = records.baseAddress {
            (base + count).update(from: source, count: copied)
            storedCount += copied
        }
        return copied
    }

    /// Removes every record, keeping the buffer.
    ///
    /// - Complexity: O(1).
    public mutating func removeAll() { storedCount = 0 }

    /// Removes the records for which `shouldRemove` is true, keeping the order of the rest.
    ///
    /// The batch is compacted in place; nothing is allocated.
    ///
    /// - Parameter shouldRemove: Decides for each record whether it goes.
    /// - Returns: The number of records removed.
    /// - Throws: What `shouldRemove` throws; the batch is then left with the
    ///   records decided so far compacted and the undecided ones after them, none lost.
    /// - Complexity: O(*n*).
    @discardableResult
    public mutating func removeAll<E: Error>(
        where shouldRemove: (SensorRecord) throws(E) -> Bool
    ) throws(E) -> Int {
        var kept = 0
        var index = 0
        defer {
            // Keep the undecided tail (only non-empty when `shouldRemove` threw).
            if index < count, kept < index { (base + kept).update(from: base + index, count: count - index) }
            storedCount = kept + (count - index)
        }
        while index < count {
            let record = base[index]
            let remove = try shouldRemove(SensorRecord(record))
            if !remove {
                if kept != index { base[kept] = record }
                kept += 1
            }
            index += 1
        }
        return index - kept
    }

    /// Accesses the record at `position`.
    ///
    /// - Parameter position: A valid index, `0 <= position < count`; any other index traps.
    /// - Complexity: O(1).
    @inlinable
    public subscript(position: Int) -> SensorRecord {
        get {
            if _slowPath(!(position >= 0 && position < count)) { fatalError("RecordBatch index \(position) out of range 0..<\(count)") }
            return SensorRecord(base[position])
        }
        set {
            if _slowPath(!(position >= 0 && position < count)) { fatalError("RecordBatch index \(position) out of range 0..<\(count)") }
            base[position] = newValue.raw
        }
    }

    /// Calls `body` with the batch's records.
    ///
    /// - Parameter body: Reads the records. The buffer is valid only during the call: do not store or return it.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    /// - Complexity: O(1) plus `body`.
    @inlinable
    public func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<sensor_record_t>) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the batch's records, which it may change in place.
    ///
    /// - Parameter body: Reads or rewrites the records. It cannot change the
    ///   count; use ``removeAll(where:)`` or ``append(_:)`` for that.
    ///   The buffer is valid only during the call: do not store or return it.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    /// - Complexity: O(1) plus `body`.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R, E: Error>(
        _ body: (UnsafeMutableBufferPointer<sensor_record_t>) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeMutableBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the whole buffer and the count, so that it can write past the end and set a new count.
    ///
    /// This is the fast path for sources that parse straight into the batch.
    ///
    /// - Parameter body: Receives the buffer of `capacity` slots and the count
    ///   as `inout`. Slots `0..<count` hold records; `body` may initialize
    ///   slots up to `capacity` and must leave `count` in `0...capacity`, or
    ///   this traps. The buffer is valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws; the count it set before throwing is kept.
    /// - Complexity: O(1) plus `body`.
    mutating func withUnsafeMutableStorage<R, E: Error>(
        _ body: (UnsafeMutableBufferPointer<sensor_record_t>, inout Int) throws(E) -> R
    ) throws(E) -> R {
        var newCount = count
        defer {
            require(newCount >= 0 && newCount <= capacity, "RecordBatch count \(newCount) outside 0...\(capacity)")
            storedCount = newCount
        }
        return try body(UnsafeMutableBufferPointer(start: base, count: capacity), &newCount)
    }

    /// Replaces this batch's records with a copy of `other`'s.
    ///
    /// - Parameter other: The batch to copy; its count must not exceed this batch's capacity.
    /// - Complexity: O(*n*), one `memcpy`.
    public mutating func replaceContents(with other: borrowing RecordBatch) {
        require(other.count <= capacity, "RecordBatch: cannot copy \(other.count) records into capacity \(capacity)")
        base.update(from: other.base, count: other.count)
        storedCount = other.count
    }

    /// The records as an array of ``SensorRecord``, for tests and small batches.
    ///
    /// - Complexity: O(*n*); allocates.
    public var records: [SensorRecord] {
        (0..<count).map { SensorRecord(base[$0]) }
    }
}
