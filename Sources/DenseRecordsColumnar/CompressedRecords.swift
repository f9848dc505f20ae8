#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Records sealed into compressed, columnar blocks: about 1–2.5 bytes per record
/// instead of 21, queryable in place, block by block.
///
/// A store is built once from any ``ChunkedRecords`` and never changes.
/// Records are grouped per sensor and time-ordered: the store's order, which
/// ``subscript(_:)`` and iteration follow, is by sensor id, then timestamp, then
/// the record's position in the input. The store is lossless: it holds the
/// same multiset of records as its input, every bit of every field, NaN
/// payloads, `-0.0`, infinities, extreme timestamps and unknown unit codes
/// included. Only the order can differ from the input's.
///
/// Each block holds ``ColumnarOptions/recordsPerBlock`` records (the last may
/// hold fewer) in four columns, each encoded with the candidate that is
/// smallest for that block: run-length sensor ids; delta or frame-of-reference
/// timestamps, bit-packed (a regular interval costs 0 bits per record);
/// ALP-style decimal values, bit-packed, with exceptions patched, or plain
/// bits; run-length or dictionary units. Every block starts with its zone map.
///
/// As a ``RecordBlockStore``, a block decodes only the columns a reader asks
/// for, into scratch buffers, never into 21-byte rows. As a
/// ``ChunkedRecords``, each block is decoded into rows for readers that need
/// them (exports, snapshots of the packed form).
///
/// `CompressedRecords` is `Sendable`: every stored property is a `let`, the
/// block bytes are written only before `init` returns and never after, and
/// every read decodes into memory local to the call.
public final class CompressedRecords: @unchecked Sendable {
    // @unchecked: `base` and `ownedPages` hold raw pointers, which are not
    // Sendable. They point to bytes that are immutable from the end of `init`
    // (owned pages are even mapped read-only then) until `deinit`, which
    // unmaps only `ownedPages`, so sharing them across threads is safe.
    // `owner`, which keeps external bytes alive, is Sendable; every other
    // stored property is a `let` of a Sendable type.

    /// The first byte of block 0, or `nil` for an empty store.
    let base: UnsafeRawPointer?
    /// The pages this store unmaps, when it owns its blocks.
    let ownedPages: PageBuffer?
    /// What keeps external blocks (a mapped file) alive.
    let owner: (any AnyObject & Sendable)?
    /// Block `b` occupies bytes `blockOffsets[b] ..< blockOffsets[b + 1]` from ``base``.
    let blockOffsets: [Int]
    /// Block `b` holds records `recordStarts[b] ..< recordStarts[b + 1]`.
    let recordStarts: [Int]
    /// The records per block when every block but the last holds the same number, else 0.
    let uniformBlockSize: Int
    /// The most records a block holds (0 without blocks): record `i` is in
    /// block `i / largestBlockSize` or a later one.
    let largestBlockSize: Int
    /// The bytes the blocks' buffer holds, by allocated capacity.
    let bufferCapacity: Int
    /// The store's order.
    let ordering: RecordOrdering

    /// The number of records.
    public let count: Int

    deinit { ownedPages?.release() }

    /// Compresses `records` into columnar blocks.
    ///
    /// Records are reordered per sensor, then by time (then input position);
    /// see ``CompressedRecords`` for the order and the losslessness promise.
    ///
    /// Memory: besides the input and the output, the build holds one block of
    /// decoded columns, and, unless the input is already in sensor-then-time
    /// order, a 4-byte position per record to group it (a counting sort by sensor),
    /// a per-sensor table and one block of gathered rows. The encoded blocks are
    /// written into anonymous pages that grow and are cut to size with `mremap`
    /// on Linux, so they are never copied and only the pages written are
    /// resident: for grouped input the peak beyond the input is the output and
    /// about one block (`CompressionMemoryTests` checks it in a child process).
    ///
    /// - Parameters:
    ///   - records: The records to compress; not changed.
    ///   - options: The block size.
    /// - Throws: ``ColumnarError/invalidBlockSize(_:)`` for a block size outside
    ///   `1...65_536`, ``ColumnarError/tooManyRecords(count:limit:)`` for more
    ///   than `UInt32.max` records, both before allocating;
    ///   ``ColumnarError/outOfMemory(bytes:)`` when an allocation fails.
    /// - Complexity: O(*n*) for input grouped per sensor with each sensor's
    ///   records in time order, as sensor data arrives; O(*n* log *n*) at worst.
    public convenience init<S: ChunkedRecords>(compressing records: S, options: ColumnarOptions = ColumnarOptions()) throws(ColumnarError) {
        try self.init(built: CompressionBuild.run(records, options: options), count: records.count, options: options)
    }

    /// Compresses the records in `records`.
    ///
    /// - Parameters:
    ///   - records: The records to compress.
    ///   - options: The block size.
    /// - Throws: As the `ChunkedRecords` form of `init(compressing:options:)`.
    /// - Complexity: As the `ChunkedRecords` form of `init(compressing:options:)`.
    public convenience init(compressing records: UnsafeBufferPointer<sensor_record_t>, options: ColumnarOptions = ColumnarOptions()) throws(ColumnarError) {
        try self.init(compressing: BufferRecords(buffer: records), options: options)
    }

    /// Compresses an array of records.
    ///
    /// - Parameters:
    ///   - records: The records to compress.
    ///   - options: The block size.
    /// - Throws: As the `ChunkedRecords` form of `init(compressing:options:)`.
    /// - Complexity: As the `ChunkedRecords` form of `init(compressing:options:)`.
    public convenience init(compressing records: [SensorRecord], options: ColumnarOptions = ColumnarOptions()) throws(ColumnarError) {
        let built: Result<CompressionBuild.Parts, ColumnarError> = records.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: sensor_record_t.self) { raw in
                Result { () throws(ColumnarError) in try CompressionBuild.run(BufferRecords(buffer: raw), options: options) }
            }
        }
        try self.init(built: built.get(), count: records.count, options: options)
    }

    /// A store over blocks just built.
    private init(built parts: CompressionBuild.Parts, count: Int, options: ColumnarOptions) {
        base = parts.pages.map { UnsafeRawPointer($0.base) }
        ownedPages = parts.pages
        owner = nil
        blockOffsets = parts.offsets
        self.count = count
        recordStarts = parts.recordStarts
        uniformBlockSize = Self.uniformSize(parts.recordStarts)
        largestBlockSize = Self.largestSize(parts.recordStarts)
        bufferCapacity = parts.pages?.capacity ?? 0
        ordering = .sensorThenTime
    }

    /// Opens blocks that live in memory the store does not own, such as a
    /// mapped snapshot file, and reads them in place.
    ///
    /// Every block is validated first (magic, version, record count, the
    /// layout of each column section, run ends and exception positions in
    /// range), so that a damaged file fails here and never makes a read go out
    /// of bounds. Checksums are the caller's business: a snapshot checks its
    /// blocks' CRC32C before handing them over.
    ///
    /// - Parameters:
    ///   - blocks: The bytes that hold the blocks, 8-byte aligned, valid and
    ///     unchanged for as long as `owner` lives.
    ///   - blockOffsets: Block `b` occupies `blockOffsets[b] ..< blockOffsets[b + 1]`
    ///     of `blocks`: one more offset than blocks, increasing, each a multiple of 8.
    ///   - owner: The object that keeps `blocks` valid; the store keeps a reference.
    /// - Throws: ``ColumnarError/malformedBlock(block:byteOffset:reason:)``
    ///   naming the first block that fails validation and where.
    /// - Complexity: O(*n*): every block's sections are checked.
    public init(blocks: UnsafeRawBufferPointer, blockOffsets: [Int], owner: any AnyObject & Sendable) throws(ColumnarError) {
        let blockCount = Swift.max(blockOffsets.count - 1, 0)
        var starts = [0]
        starts.reserveCapacity(blockCount + 1)
        for b in 0..<blockCount {
            let lower = blockOffsets[b]
            let upper = blockOffsets[b + 1]
            guard lower >= 0, lower <= upper, upper <= blocks.count, let base = blocks.baseAddress else {
                throw .malformedBlock(block: b, byteOffset: 0, reason: "range \(lower)..<\(upper) outside the \(blocks.count) bytes given")
            }
            if let problem = BlockReader.validate(base + lower, length: upper - lower) {
                throw .malformedBlock(block: b, byteOffset: problem.offset, reason: problem.reason)
            }
            starts.append(starts[b] + BlockReader(base + lower).count)
        }
        base = blockCount == 0 ? nil : UnsafeRawPointer(blocks.baseAddress)
        ownedPages = nil
        self.owner = owner
        self.blockOffsets = blockCount == 0 ? [0] : blockOffsets
        recordStarts = starts
        uniformBlockSize = Self.uniformSize(starts)
        largestBlockSize = Self.largestSize(starts)
        bufferCapacity = blockCount == 0 ? 0 : blockOffsets[blockCount] - blockOffsets[0]
        count = starts[blockCount]
        // The order holds if every block is sorted inside and each block's last
        // record sorts no later than the next block's first.
        var sorted = true
        if let base = blocks.baseAddress {
            for b in 0..<blockCount {
                let reader = BlockReader(base + blockOffsets[b])
                if !reader.isSorted { sorted = false; break }
                if b + 1 < blockCount {
                    let last = reader.record(at: reader.count - 1)
                    let first = BlockReader(base + blockOffsets[b + 1]).record(at: 0)
                    if (last.sensor_id, last.timestamp_ns) > (first.sensor_id, first.timestamp_ns) { sorted = false; break }
                }
            }
        }
        ordering = sorted ? .sensorThenTime : .unordered
    }

    /// The records per block when every block but the last holds the same
    /// number and the last no more, else 0.
    static func uniformSize(_ starts: [Int]) -> Int {
        guard starts.count >= 2 else { return 0 }
        let size = starts[1] - starts[0]
        for b in 1..<(starts.count - 1) {
            let n = starts[b + 1] - starts[b]
            if n > size || (n != size && b < starts.count - 2) { return 0 }
        }
        return size
    }

    /// The most records any block holds, from the blocks' first positions.
    static func largestSize(_ starts: [Int]) -> Int {
        var largest = 0
        for b in 0..<Swift.max(starts.count - 1, 0) { largest = Swift.max(largest, starts[b + 1] - starts[b]) }
        return largest
    }

    /// The reader of block `block`.
    @inline(__always)
    func reader(ofBlock block: Int) -> BlockReader {
        BlockReader(base.unsafelyUnwrapped + blockOffsets[block])
    }

    /// The block holding record `index` (`0 <= index < count`).
    ///
    /// - Complexity: O(1) when blocks are of one size; otherwise O(log *d*),
    ///   where *d* is how many blocks smaller than the largest come before
    ///   `index` (a few where only sensor changes cut blocks short), reading
    ///   neighbouring entries of the index rather than searching all of it.
    @inline(__always)
    func block(containing index: Int) -> Int {
        if uniformBlockSize > 0 { return index / uniformBlockSize }
        // No block holds more than `largestBlockSize` records, so the first
        // `index / largestBlockSize` blocks end at or before `index`: gallop up
        // from there to a block that starts past it, then search between.
        let last = recordStarts.count - 2
        var low = Swift.min(index / largestBlockSize, last)
        var high = low &+ 1
        var step = 1
        while high <= last, recordStarts[high] <= index {
            low = high
            high = low &+ step
            step &*= 2
        }
        high = Swift.min(high, last &+ 1)
        // recordStarts[low] <= index < recordStarts[high]
        while high &- low > 1 {
            let mid = (low &+ high) / 2
            if recordStarts[mid] <= index { low = mid } else { high = mid }
        }
        return low
    }
}

/// A buffer of packed records as a one-chunk ``ChunkedRecords``, for the convenience initializers.
struct BufferRecords: ChunkedRecords {
    let buffer: UnsafeBufferPointer<sensor_record_t>
    var startIndex: Int { 0 }
    var endIndex: Int { buffer.count }
    subscript(position: Int) -> SensorRecord { SensorRecord(buffer[position]) }
    var chunkCount: Int { buffer.isEmpty ? 0 : 1 }
    func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E) {
        if !buffer.isEmpty { try body(Span(_unsafeElements: buffer)) }
    }
}
