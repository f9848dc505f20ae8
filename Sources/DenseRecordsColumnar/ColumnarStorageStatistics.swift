/// Where a ``CompressedRecords`` store's bytes go, exactly.
///
/// ``totalBytes`` is every byte the store holds: the allocated capacity of its
/// block buffer (as the allocator reports it, slack included) and of its index,
/// plus the object itself. The parts add up:
/// `sensorIDBytes + timestampBytes + valueBytes + unitBytes + blockHeaderBytes
/// + indexBytes + overheadBytes == totalBytes`.
/// A store over mapped memory counts the mapped blocks' bytes as its buffer.
public struct ColumnarStorageStatistics: Sendable, Hashable {
    /// The number of records.
    public var recordCount: Int
    /// The number of blocks.
    public var blockCount: Int
    /// Every byte the store holds.
    public var totalBytes: Int
    /// Bytes of the sensor id columns.
    public var sensorIDBytes: Int
    /// Bytes of the timestamp columns.
    public var timestampBytes: Int
    /// Bytes of the value columns.
    public var valueBytes: Int
    /// Bytes of the unit columns.
    public var unitBytes: Int
    /// Bytes of the block headers (88 per block: zone map, column directory).
    public var blockHeaderBytes: Int
    /// Bytes of the in-memory block index (block offsets), by capacity.
    public var indexBytes: Int
    /// The rest: the object, array headers, and allocator slack past the blocks.
    public var overheadBytes: Int
    /// How many blocks encode their sensor id column each way.
    public var sensorIDEncodings: [ColumnEncoding: Int]
    /// How many blocks encode their timestamp column each way.
    public var timestampEncodings: [ColumnEncoding: Int]
    /// How many blocks encode their value column each way.
    public var valueEncodings: [ColumnEncoding: Int]
    /// How many blocks encode their unit column each way.
    public var unitEncodings: [ColumnEncoding: Int]

    /// ``totalBytes`` per record, or `nil` for an empty store.
    public var bytesPerRecord: Double? {
        recordCount == 0 ? nil : Double(totalBytes) / Double(recordCount)
    }
}
