import InternalDenseRecordsUtilities

extension CompressedRecords {
    /// The bytes of a block's header (zone map and column directory): the
    /// smallest a block can be, 88.
    public static let blockHeaderByteCount = BlockLayout.headerBytes
}

extension CompressedRecords: RecordBlockStore {
    /// The number of blocks; each holds at least one record.
    public var blockCount: Int { blockOffsets.count - 1 }

    /// ``RecordOrdering/sensorThenTime`` for every store this module builds;
    /// for blocks opened with ``init(blocks:blockOffsets:owner:)``, what their
    /// headers and boundaries show.
    public var recordOrdering: RecordOrdering { ordering }

    /// The zone map of block `block`, read from its header.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Complexity: O(1).
    public func zoneMap(ofBlock block: Int) -> ZoneMap {
        require(block >= 0 && block < blockCount, "CompressedRecords block \(block) out of range 0..<\(blockCount)")
        return reader(ofBlock: block).zoneMap
    }

    /// Calls `body` with block `block` decoded into columns: exactly the
    /// columns in `columns`, the others `nil`.
    ///
    /// Never builds 21-byte rows: a sum over values decodes the value column
    /// alone. The columns are decoded into scratch memory allocated once per
    /// call (21 bytes per record of the block at most) and freed after it.
    ///
    /// - Parameters:
    ///   - block: A block index in `0..<blockCount`; any other traps.
    ///   - columns: The columns to decode.
    ///   - body: Reads the block, always as ``RecordBlock/columns(_:)``. Its
    ///     buffers are valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    /// - Complexity: O(*k*) for the *k* records of the block, per column decoded.
    public func withBlock<Result, E: Error>(
        _ block: Int, columns: RecordColumnSet, _ body: (RecordBlock) throws(E) -> Result
    ) throws(E) -> Result {
        require(block >= 0 && block < blockCount, "CompressedRecords block \(block) out of range 0..<\(blockCount)")
        let reader = reader(ofBlock: block)
        let scratch = BlockScratch(capacity: reader.count)
        defer { scratch.deallocate() }
        return try body(.columns(scratch.decode(reader, columns: columns)))
    }

    /// The sum of block `block`'s values, NaNs left out, computed on the
    /// encoded value column without decoding values one by one.
    ///
    /// A block of decimals adds its integers exactly and divides the total by
    /// its power of ten once; see ``sumOfValues()``.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Returns: The sum, never `nil`.
    /// - Complexity: O(*k*) for the *k* records of the block, one pass over the
    ///   packed value integers.
    public func sumOfNonNaNValues(ofBlock block: Int) -> Double? {
        require(block >= 0 && block < blockCount, "CompressedRecords block \(block) out of range 0..<\(blockCount)")
        return reader(ofBlock: block).values.sumExcludingNaN().sum
    }

    /// The sum of every record's value, block by block, on the encoded value
    /// columns.
    ///
    /// A block of decimal values adds its integers exactly, in 128 bits, and
    /// divides that total by the block's power of ten once; the block's
    /// exceptions (NaN, infinities, values with too many digits) are added to
    /// it as doubles; a block stored as raw doubles adds them in order. Where
    /// a block of decimals has no exceptions and its integers add up to less
    /// than 2^53 in magnitude, its sum is the exact sum of the decimals its
    /// values stand for, correctly rounded: ten readings of 0.1 sum to 1, not
    /// to the 0.9999999999999999 the ten doubles add up to one by one. So the
    /// result can differ in its last bits from adding the decoded values one
    /// at a time, as any other order of addition can. A NaN value makes the
    /// sum NaN.
    ///
    /// ```swift
    /// let store = try CompressedRecords(compressing: arena)
    /// print(store.sumOfValues())
    /// ```
    ///
    /// - Complexity: O(*n*), one pass over the packed value integers; no
    ///   value is converted to a double on its own.
    public func sumOfValues() -> Double {
        var sum = 0.0
        var nanCount = 0
        for block in 0..<blockCount {
            let part = reader(ofBlock: block).values.sumExcludingNaN()
            sum += part.sum
            nanCount &+= part.nanCount
        }
        return nanCount > 0 ? .nan : sum
    }

    /// The raw bytes of block `block`: a self-contained, 8-byte-aligned range
    /// that ``init(blocks:blockOffsets:owner:)`` reads back in place, as a
    /// snapshot writer stores it.
    ///
    /// - Parameters:
    ///   - block: A block index in `0..<blockCount`; any other traps.
    ///   - body: Reads the bytes; they are valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    /// - Complexity: O(1).
    public func withBlockBytes<Result, E: Error>(
        _ block: Int, _ body: (UnsafeRawBufferPointer) throws(E) -> Result
    ) throws(E) -> Result {
        require(block >= 0 && block < blockCount, "CompressedRecords block \(block) out of range 0..<\(blockCount)")
        let lower = blockOffsets[block]
        return try body(UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + lower, count: blockOffsets[block + 1] - lower))
    }

    /// The records block `block` holds: positions in the store's order.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Returns: The block's index range.
    /// - Complexity: O(1).
    public func indices(ofBlock block: Int) -> Range<Int> {
        require(block >= 0 && block < blockCount, "CompressedRecords block \(block) out of range 0..<\(blockCount)")
        return recordStarts[block]..<recordStarts[block + 1]
    }

    /// What block `block` holds and how: its record count, bytes, each column's
    /// encoding and bytes, and its zone map, as `inspect` shows them.
    ///
    /// - Parameter block: A block index in `0..<blockCount`; any other traps.
    /// - Returns: The block's description.
    /// - Complexity: O(1).
    public func blockDescription(_ block: Int) -> ColumnarBlockDescription {
        require(block >= 0 && block < blockCount, "CompressedRecords block \(block) out of range 0..<\(blockCount)")
        let reader = reader(ofBlock: block)
        return ColumnarBlockDescription(
            recordCount: reader.count, byteCount: reader.byteCount, headerBytes: BlockLayout.headerBytes,
            sensorIDBytes: reader.columnBytes(0), timestampBytes: reader.columnBytes(1),
            valueBytes: reader.columnBytes(2), unitBytes: reader.columnBytes(3),
            encodings: reader.encodings, zoneMap: reader.zoneMap)
    }
}

/// One block's size, encodings and zone map.
public struct ColumnarBlockDescription: Sendable, Hashable {
    /// The number of records.
    public var recordCount: Int
    /// The block's bytes, header included.
    public var byteCount: Int
    /// The header's bytes (zone map and column directory).
    public var headerBytes: Int
    /// The sensor id column's bytes.
    public var sensorIDBytes: Int
    /// The timestamp column's bytes.
    public var timestampBytes: Int
    /// The value column's bytes.
    public var valueBytes: Int
    /// The unit column's bytes.
    public var unitBytes: Int
    /// Each column's encoding.
    public var encodings: ColumnarBlockEncodings
    /// The block's zone map.
    public var zoneMap: ZoneMap
}
