/// Column chunk statistics, computed over a row group's columns as they are flushed.
///
/// Orders follow the `TypeDefinedOrder` of `parquet.thrift`: unsigned for
/// `INTEGER(32, unsigned)` sensor ids, signed for timestamps, IEEE 754 for values (NaN
/// never a bound: a chunk of only NaNs has no bounds; a zero minimum is written as `-0.0`
/// and a zero maximum as `+0.0`, so a reader never skips a chunk holding the other zero),
/// and unsigned bytewise for unit names.
enum ParquetStatistics {
    /// The little-endian bytes of `value`.
    static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// Unsigned bounds of sensor ids.
    static func sensorIDs(_ ids: UnsafeBufferPointer<UInt32>) -> ParquetFormat.Statistics {
        guard var low = ids.first else { return .init() }
        var high = low
        for id in ids {
            low = min(low, id)
            high = max(high, id)
        }
        return .init(minimum: bytes(low), maximum: bytes(high))
    }

    /// Signed bounds of timestamps.
    static func timestamps(_ times: UnsafeBufferPointer<Int64>) -> ParquetFormat.Statistics {
        guard var low = times.first else { return .init() }
        var high = low
        for time in times {
            low = min(low, time)
            high = max(high, time)
        }
        return .init(minimum: bytes(low), maximum: bytes(high))
    }

    /// IEEE 754 bounds of values, NaNs left out and zeros signed as the specification asks.
    static func values(_ values: UnsafeBufferPointer<Double>) -> ParquetFormat.Statistics {
        var low = Double.infinity
        var high = -Double.infinity
        var sawNumber = false
        for value in values where !value.isNaN {
            sawNumber = true
            if value < low { low = value }
            if value > high { high = value }
        }
        guard sawNumber else { return .init() }
        if low == 0 { low = -0.0 }
        if high == 0 { high = 0.0 }
        return .init(minimum: bytes(low.bitPattern), maximum: bytes(high.bitPattern))
    }
}
