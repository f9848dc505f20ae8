import DenseRecordsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One row group's four columns, transposed from packed records into one allocation made
/// when the writer is created and reused for every row group: 21 bytes per row.
struct ParquetRowGroupColumns: ~Copyable {
    /// Rows the storage can hold: the row group size.
    let capacity: Int
    /// Rows held.
    private(set) var count = 0
    private let storage: UnsafeMutableRawPointer
    /// `sensor_id`, as stored (an unsigned bit pattern in an `INT32`).
    let ids: UnsafeMutablePointer<UInt32>
    /// `timestamp_ns`.
    let times: UnsafeMutablePointer<Int64>
    /// `value`, bit patterns kept (every NaN payload survives).
    let values: UnsafeMutablePointer<Double>
    /// The unit codes; replaced by dictionary indices when the row group is flushed.
    let units: UnsafeMutablePointer<UInt8>

    /// Allocates columns for `capacity` rows.
    ///
    /// - Throws: ``ParquetWriteError/outOfMemory(requestedBytes:)``.
    init(capacity: Int) throws(ParquetWriteError) {
        let bytes = capacity * (8 + 8 + 4 + 1)
        guard let storage = malloc(max(bytes, 1)) else { throw .outOfMemory(requestedBytes: bytes) }
        self.capacity = capacity
        self.storage = storage
        // 8-byte columns first, so every column is aligned.
        times = storage.bindMemory(to: Int64.self, capacity: capacity)
        values = (storage + 8 * capacity).bindMemory(to: Double.self, capacity: capacity)
        ids = (storage + 16 * capacity).bindMemory(to: UInt32.self, capacity: capacity)
        units = (storage + 20 * capacity).bindMemory(to: UInt8.self, capacity: capacity)
    }

    deinit { free(storage) }

    /// Whether ``capacity`` rows are held.
    var isFull: Bool { count == capacity }

    /// Copies as many of `records` as fit.
    ///
    /// - Returns: The number copied.
    /// - Complexity: O(*n*) in the records copied.
    mutating func append(_ records: UnsafeBufferPointer<sensor_record_t>) -> Int {
        let taken = Swift.min(records.count, capacity - count)
        guard taken > 0, let base = records.baseAddress else { return 0 }
        let source = UnsafeRawPointer(base)
        let stride = MemoryLayout<sensor_record_t>.stride
        let ids = self.ids + count, times = self.times + count, values = self.values + count, units = self.units + count
        for index in 0..<taken {
            let record = source + index &* stride
            ids[index] = record.loadUnaligned(as: UInt32.self)
            times[index] = record.loadUnaligned(fromByteOffset: 4, as: Int64.self)
            values[index] = Double(bitPattern: record.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
            units[index] = record.load(fromByteOffset: 20, as: UInt8.self)
        }
        count += taken
        return taken
    }

    /// Declares `count` rows held, to be filled with ``set(_:at:)``.
    mutating func setCount(_ count: Int) {
        precondition(count <= capacity)
        self.count = count
    }

    /// Stores `record` as row `row`.
    @inline(__always)
    func set(_ record: sensor_record_t, at row: Int) {
        ids[row] = record.sensor_id
        times[row] = record.timestamp_ns
        values[row] = record.value
        units[row] = record.unit
    }

    /// Forgets the rows held.
    mutating func removeAll() { count = 0 }
}
