import DenseRecordsCore

/// Field access into one block, by record position, for the scan loops to
/// specialize on: packed rows or decoded columns.
protocol BlockAccessor {
    func sensorID(_ index: Int) -> UInt32
    func timestamp(_ index: Int) -> Int64
    func value(_ index: Int) -> Double
    func unitCode(_ index: Int) -> UInt8
}

/// Packed 21-byte rows.
struct RowAccessor: BlockAccessor {
    let rows: UnsafePointer<sensor_record_t>

    @inline(__always) func sensorID(_ index: Int) -> UInt32 { rows[index].sensor_id }
    @inline(__always) func timestamp(_ index: Int) -> Int64 { rows[index].timestamp_ns }
    @inline(__always) func value(_ index: Int) -> Double { rows[index].value }
    @inline(__always) func unitCode(_ index: Int) -> UInt8 { rows[index].unit }
}

/// Decoded columns. Only the columns the engine asked for are read: a
/// missing one is a bug in the engine's column planning, and
/// `unsafelyUnwrapped` traps on it in debug builds.
struct ColumnAccessor: BlockAccessor {
    let sensorIDs: UnsafePointer<UInt32>?
    let timestamps: UnsafePointer<Int64>?
    let values: UnsafePointer<Double>?
    let unitCodes: UnsafePointer<UInt8>?

    init(_ columns: RecordColumns) {
        sensorIDs = columns.sensorIDs?.baseAddress
        timestamps = columns.timestamps?.baseAddress
        values = columns.values?.baseAddress
        unitCodes = columns.unitCodes?.baseAddress
    }

    @inline(__always) func sensorID(_ index: Int) -> UInt32 { sensorIDs.unsafelyUnwrapped[index] }
    @inline(__always) func timestamp(_ index: Int) -> Int64 { timestamps.unsafelyUnwrapped[index] }
    @inline(__always) func value(_ index: Int) -> Double { values.unsafelyUnwrapped[index] }
    @inline(__always) func unitCode(_ index: Int) -> UInt8 { unitCodes.unsafelyUnwrapped[index] }
}

extension BlockAccessor {
    /// The first position in `range` whose `(sensorID, timestamp)` is not
    /// below `(sensorID, timestamp)`, for a block ordered by sensor, then time.
    func lowerBound(in range: Range<Int>, sensorID: UInt32, timestamp: Int64) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = low + (high - low) / 2
            let key = (self.sensorID(middle), self.timestamp(middle))
            if key < (sensorID, timestamp) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first position in `range` whose `(sensorID, timestamp)` is above it.
    func upperBound(in range: Range<Int>, sensorID: UInt32, timestamp: Int64) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = low + (high - low) / 2
            let key = (self.sensorID(middle), self.timestamp(middle))
            if key <= (sensorID, timestamp) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
