import DenseRecordsCore
import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One record batch's columns, transposed from packed records, in one 64-byte-aligned allocation.
///
/// The four column buffers lie back to back, each starting at a multiple of
/// 64 bytes, so that a batch's body is the allocation's prefix of
/// ``bodyLength`` bytes and can be written with one `writev` entry per column.
/// The storage is allocated once per writer and reused for every batch: the
/// writer's extra memory is exactly one batch.
struct ArrowColumnBatch: ~Copyable {
    /// Rows the storage can hold.
    let capacity: Int
    /// Rows currently held.
    private(set) var count = 0
    /// Each column's offset in the storage, in schema order.
    let columnOffsets: [Int]
    /// The storage's size in bytes.
    let byteCount: Int
    private let storage: UnsafeMutableRawPointer

    /// Allocates columns for `capacity` rows.
    ///
    /// - Throws: ``ArrowExportError/outOfMemory(requestedBytes:)`` if the allocation is refused.
    init(capacity: Int) throws(ArrowExportError) {
        precondition(capacity > 0)
        var offsets: [Int] = []
        var total = 0
        for width in ArrowLayout.columnWidths {
            offsets.append(total)
            total += ArrowLayout.padded(width * capacity)
        }
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, ArrowLayout.bufferAlignment, total) == 0, let pointer else {
            throw .outOfMemory(requestedBytes: total)
        }
        self.capacity = capacity
        self.columnOffsets = offsets
        self.byteCount = total
        self.storage = pointer
    }

    deinit { free(storage) }

    /// Whether the batch holds ``capacity`` rows.
    var isFull: Bool { count == capacity }

    /// Copies as many of `records` as fit into the columns.
    ///
    /// - Parameter records: Packed records; only their first `min(records.count, capacity - count)` are read.
    /// - Returns: The number of records copied.
    /// - Complexity: O(*n*) in the records copied.
    mutating func append(_ records: UnsafeBufferPointer<sensor_record_t>) -> Int {
        let taken = Swift.min(records.count, capacity - count)
        guard taken > 0, let base = records.baseAddress else { return 0 }
        let source = UnsafeRawPointer(base)
        let stride = MemoryLayout<sensor_record_t>.stride
        // Raw stores: the storage is untyped, and values travel as bit patterns
        // so that every NaN payload survives.
        let ids = storage + columnOffsets[0] + 4 &* count
        let times = storage + columnOffsets[1] + 8 &* count
        let values = storage + columnOffsets[2] + 8 &* count
        let units = storage + columnOffsets[3] + count
        for index in 0..<taken {
            let record = source + index &* stride
            ids.storeBytes(of: record.loadUnaligned(as: UInt32.self), toByteOffset: index &* 4, as: UInt32.self)
            times.storeBytes(of: record.loadUnaligned(fromByteOffset: 4, as: UInt64.self), toByteOffset: index &* 8, as: UInt64.self)
            values.storeBytes(of: record.loadUnaligned(fromByteOffset: 12, as: UInt64.self), toByteOffset: index &* 8, as: UInt64.self)
            units.storeBytes(of: record.load(fromByteOffset: 20, as: UInt8.self), toByteOffset: index, as: UInt8.self)
        }
        count += taken
        return taken
    }

    /// The body layout for the rows held: each column's `(offset, length)` in the body,
    /// as `[validity, values]` pairs, and the body's length.
    ///
    /// Validity bitmaps are omitted (length 0), as there are never nulls.
    var bodyBuffers: (buffers: [ArrowMetadata.BufferSpan], bodyLength: Int) {
        var buffers: [ArrowMetadata.BufferSpan] = []
        buffers.reserveCapacity(2 * ArrowLayout.columnCount)
        var offset = 0
        for width in ArrowLayout.columnWidths {
            buffers.append(.init(offset: offset, length: 0))
            buffers.append(.init(offset: offset, length: width * count))
            offset += ArrowLayout.padded(width * count)
        }
        return (buffers, offset)
    }

    /// Zeroes each column's padding after the rows held and calls `body` with
    /// one `(pointer, length)` per column, padded to 64 bytes.
    ///
    /// - Parameter body: Receives the column regions. They are valid only during the call.
    func withPaddedColumns<R, E: Error>(
        _ body: ([(UnsafeRawPointer, Int)]) throws(E) -> R
    ) throws(E) -> R {
        var regions: [(UnsafeRawPointer, Int)] = []
        regions.reserveCapacity(ArrowLayout.columnCount)
        for (column, width) in ArrowLayout.columnWidths.enumerated() {
            let start = storage + columnOffsets[column]
            let used = width * count
            let padded = ArrowLayout.padded(used)
            memset(start + used, 0, padded - used)
            regions.append((UnsafeRawPointer(start), padded))
        }
        return try body(regions)
    }

    /// Forgets the rows held; the storage is kept for the next batch.
    mutating func removeAll() { count = 0 }
}
