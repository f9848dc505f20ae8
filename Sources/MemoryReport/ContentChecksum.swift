import DenseRecords

/// An order-independent checksum of a set of records, over all four fields.
///
/// Each record is hashed with MurmurHash3's 64-bit finalizer applied after
/// mixing in each field in turn (sensor id, timestamp bits, value bits, unit);
/// the checksum is the sum of the hashes modulo 2⁶⁴. The sum does not depend on
/// the order, so a store that regroups records (the compressed store, the sorted
/// Parquet and Arrow files) can still show that it holds exactly the records it
/// was given. `scripts/memory_dataset_cases.py` computes the same function with numpy.
struct ContentChecksum {
    /// The running sum.
    private(set) var sum: UInt64 = 0

    /// MurmurHash3's `fmix64`.
    @inline(__always)
    static func finalize(_ key: UInt64) -> UInt64 {
        var key = key
        key ^= key >> 33
        key &*= 0xFF51_AFD7_ED55_8CCD
        key ^= key >> 33
        key &*= 0xC4CE_B9FE_1A85_EC53
        key ^= key >> 33
        return key
    }

    /// Adds one record's hash.
    @inline(__always)
    mutating func include(sensorID: UInt32, timestamp: Int64, valueBits: UInt64, unit: UInt8) {
        var hash = Self.finalize(UInt64(sensorID) ^ RecordSource.indexSeed)
        hash = Self.finalize(hash ^ UInt64(bitPattern: timestamp))
        hash = Self.finalize(hash ^ valueBits)
        hash = Self.finalize(hash ^ UInt64(unit))
        sum &+= hash
    }

    /// Adds every record of a packed buffer.
    mutating func include(_ records: UnsafeBufferPointer<sensor_record_t>) {
        for record in records {
            include(sensorID: record.sensor_id, timestamp: record.timestamp_ns, valueBits: record.value.bitPattern, unit: record.unit)
        }
    }

    /// The checksum as 16 lowercase hex digits, as the Python rows print it.
    var text: String {
        let digits = String(sum, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
