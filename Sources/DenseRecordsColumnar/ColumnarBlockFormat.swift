// One compressed block: a self-contained byte range, 8-byte aligned, read in
// place (from memory the store owns, or from a mapped file). Header, offsets in
// bytes, little-endian:
//
//   0  UInt32  magic "DRCB" (0x42435244)
//   4  UInt16  format version, 1
//   6  UInt16  flags: bit 0 = records in (sensor id, timestamp) order within the block
//   8  UInt32  record count n, 1...65,536
//  12  UInt32  byte count of the whole block, header included, a multiple of 8
//  16  UInt32  min sensor id          20  UInt32  max sensor id
//  24  Int64   min timestamp          32  Int64   max timestamp
//  40  UInt64  min value bits         48  UInt64  max value bits (NaN excluded)
//  56  UInt32  NaN count              60  UInt8   min unit   61  UInt8  max unit
//  62  UInt16  reserved, 0
//  64  UInt32  offset of the sensor id column    68  UInt32  of the timestamp column
//  72  UInt32  offset of the value column        76  UInt32  of the unit column
//  80  UInt64  reserved, 0
//  88  the columns, in that order, each 8-byte aligned; a column ends where the next
//      begins, the last at the byte count. Layouts: SmallColumns.swift (sensor ids,
//      units), IntegerColumn.swift (timestamps), ValueColumn.swift (values).

/// Constants of the block layout.
enum BlockLayout {
    static let magic: UInt32 = 0x4243_5244
    static let version: UInt16 = 1
    static let headerBytes = 88
    static let maximumRecords = 65_536
    static let flagSorted: UInt16 = 1
}

/// A block read in place: its header fields and column readers.
struct BlockReader {
    let base: UnsafeRawPointer

    @inline(__always) init(_ base: UnsafeRawPointer) { self.base = base }

    @inline(__always) var count: Int { Int(base.load(fromByteOffset: 8, as: UInt32.self)) }
    @inline(__always) var byteCount: Int { Int(base.load(fromByteOffset: 12, as: UInt32.self)) }
    @inline(__always) var isSorted: Bool { base.load(fromByteOffset: 6, as: UInt16.self) & BlockLayout.flagSorted != 0 }

    /// The start of column `column` (0 sensor, 1 timestamp, 2 value, 3 unit).
    @inline(__always)
    func columnOffset(_ column: Int) -> Int { Int(base.load(fromByteOffset: 64 + 4 * column, as: UInt32.self)) }

    /// The byte count of column `column`.
    @inline(__always)
    func columnBytes(_ column: Int) -> Int {
        (column == 3 ? byteCount : columnOffset(column + 1)) - columnOffset(column)
    }

    var zoneMap: ZoneMap {
        var map = ZoneMap()
        map.recordCount = count
        map.minSensorID = base.load(fromByteOffset: 16, as: UInt32.self)
        map.maxSensorID = base.load(fromByteOffset: 20, as: UInt32.self)
        map.minTimestamp = base.load(fromByteOffset: 24, as: Int64.self)
        map.maxTimestamp = base.load(fromByteOffset: 32, as: Int64.self)
        map.minValue = Double(bitPattern: base.load(fromByteOffset: 40, as: UInt64.self))
        map.maxValue = Double(bitPattern: base.load(fromByteOffset: 48, as: UInt64.self))
        map.nanCount = Int(base.load(fromByteOffset: 56, as: UInt32.self))
        map.minUnitCode = base.load(fromByteOffset: 60, as: UInt8.self)
        map.maxUnitCode = base.load(fromByteOffset: 61, as: UInt8.self)
        return map
    }

    @inline(__always) var sensors: SensorColumnReader { SensorColumnReader(base + columnOffset(0)) }
    @inline(__always) var timestamps: IntegerColumnReader { IntegerColumnReader(base + columnOffset(1), count: count) }
    @inline(__always) var values: ValueColumnReader { ValueColumnReader(base + columnOffset(2), count: count) }
    @inline(__always) var units: UnitColumnReader { UnitColumnReader(base + columnOffset(3)) }

    /// Record `i` of the block.
    @inline(__always)
    func record(at i: Int) -> sensor_record_t {
        let timestamps = self.timestamps
        let values = self.values
        // Both columns' packed bits are asked for before either is decoded, so
        // that their cache misses overlap instead of one waiting for the other.
        timestamps.prefetch(near: i, end: base + columnOffset(2))
        values.prefetch(near: i, end: base + columnOffset(3))
        return sensor_record_t(
            sensor_id: sensors.value(at: i), timestamp_ns: timestamps.value(at: i),
            value: values.value(at: i), unit: units.value(at: i))
    }

    /// The encodings of the block's columns.
    var encodings: ColumnarBlockEncodings {
        let values = self.values
        let timestampKind = IntegerEncoding(rawValue: (base + columnOffset(1)).load(as: UInt8.self)) ?? .frameOfReference
        let valueKind: ColumnEncoding
        switch values.encoding {
        case .plain: valueKind = .plain
        case .decimal, .scaledDecimal:
            let integerKind = IntegerEncoding(rawValue: values.payload.load(as: UInt8.self)) ?? .frameOfReference
            valueKind = integerKind == .delta ? .decimalDelta : .decimalFrameOfReference
        }
        return ColumnarBlockEncodings(
            sensorID: .runLength,
            timestamp: timestampKind == .delta ? .delta : .frameOfReference,
            value: valueKind,
            unit: units.encoding == .runs ? .runLength : .dictionary)
    }

    /// Checks that `length` bytes at `base` hold one well-formed block.
    ///
    /// - Returns: `nil` when they do, otherwise what is wrong and at which byte of the block.
    static func validate(_ base: UnsafeRawPointer, length: Int) -> (offset: Int, reason: String)? {
        guard length >= BlockLayout.headerBytes else { return (0, "\(length) bytes is shorter than a block header") }
        guard Int(bitPattern: base) & 7 == 0 else { return (0, "block is not 8-byte aligned") }
        guard base.load(as: UInt32.self) == BlockLayout.magic else { return (0, "bad block magic") }
        let version = base.load(fromByteOffset: 4, as: UInt16.self)
        guard version == BlockLayout.version else { return (4, "unsupported block version \(version)") }
        let reader = BlockReader(base)
        let count = reader.count
        guard count >= 1, count <= BlockLayout.maximumRecords else { return (8, "record count \(count) out of 1...65536") }
        guard reader.byteCount == length else { return (12, "block says \(reader.byteCount) bytes, its range holds \(length)") }
        var previous = BlockLayout.headerBytes
        for column in 0..<4 {
            let offset = reader.columnOffset(column)
            guard offset == previous || (column == 0 && offset == BlockLayout.headerBytes), offset & 7 == 0, offset <= length else {
                return (64 + 4 * column, "column \(column) offset \(offset) out of place")
            }
            let end = column == 3 ? length : reader.columnOffset(column + 1)
            guard end >= offset, end <= length else { return (64 + 4 * column, "column \(column) ends at \(end), outside the block") }
            let bytes = end - offset
            let problem: String?
            switch column {
            case 0: problem = SensorColumn.validate(base + offset, byteCount: bytes, count: count)
            case 1: problem = IntegerColumnReader.validate(base + offset, byteCount: bytes, count: count)
            case 2: problem = ValueColumnReader.validate(base + offset, byteCount: bytes, count: count)
            default: problem = UnitColumnReader.validate(base + offset, byteCount: bytes, count: count)
            }
            if let problem { return (offset, problem) }
            previous = end
        }
        return nil
    }
}
