import DenseRecordsCore
import InternalDenseRecordsUtilities
/// A FlatBuffers table described as values, ready to be encoded by ``FlatBufferEncoder``.
///
/// Arrow's IPC metadata is a handful of small FlatBuffers tables per message
/// (a schema, a record batch header, a footer). Rather than depend on the
/// FlatBuffers library, which cannot be built here, the writer describes each
/// table as a list of `(field id, value)` pairs and encodes it with a small
/// front-to-back encoder. Only what Arrow's metadata needs is supported:
/// little-endian scalars, strings, tables, vectors of tables and vectors of
/// structs. Unions are two fields, as in FlatBuffers itself: a `ubyte` type
/// tag at id *n* and the table at id *n + 1*.
///
/// Field ids are the declaration order in the `.fbs` schema, counting a
/// union as two fields. ``ArrowMetadata`` names every id it uses.
struct FlatTable {
    /// The fields, by id. An id appears at most once; absent ids take the schema's default.
    private(set) var ids: [Int] = []
    /// The fields' values, parallel to ``ids``.
    private(set) var values: [FlatValue] = []

    /// An empty table (every field at its default).
    init() {}

    /// Sets field `id` to `value`.
    mutating func set(_ id: Int, _ value: FlatValue) {
        precondition(id >= 0 && id < 64, "FlatTable field id \(id) is out of range")
        precondition(!ids.contains(id), "FlatTable field \(id) set twice")
        ids.append(id)
        values.append(value)
    }

    /// Sets a `bool` or `ubyte` field.
    mutating func set(_ id: Int, uint8 value: UInt8) { set(id, .scalar([value])) }
    /// Sets a `short` field.
    mutating func set(_ id: Int, int16 value: Int16) { set(id, .scalar(value.littleEndianBytes)) }
    /// Sets an `int` field.
    mutating func set(_ id: Int, int32 value: Int32) { set(id, .scalar(value.littleEndianBytes)) }
    /// Sets a `long` field.
    mutating func set(_ id: Int, int64 value: Int64) { set(id, .scalar(value.littleEndianBytes)) }
    /// Sets a `bool` field.
    mutating func set(_ id: Int, bool value: Bool) { set(id, .scalar([value ? 1 : 0])) }
}

/// One field's value.
indirect enum FlatValue {
    /// A scalar stored inline: its little-endian bytes. Its alignment is its size (1, 2, 4 or 8).
    case scalar([UInt8])
    /// A reference to another table.
    case table(FlatTable)
    /// A reference to a UTF-8 string, stored with its length and a NUL terminator.
    case string(String)
    /// A reference to a vector of tables.
    case tables([FlatTable])
    /// A reference to a vector of structs: their packed little-endian bytes,
    /// the element count, and the struct's alignment.
    case structs(bytes: [UInt8], count: Int, alignment: Int)
}

extension FixedWidthInteger {
    /// The value's bytes in little-endian order.
    var littleEndianBytes: [UInt8] {
        withUnsafeBytes(of: littleEndian) { Array($0) }
    }
}

extension Array where Element == UInt8 {
    /// Appends `value`'s little-endian bytes.
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Overwrites `MemoryLayout<T>.size` bytes at `offset` with `value`, little-endian.
    mutating func storeLittleEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { bytes in
            for (index, byte) in bytes.enumerated() { self[offset + index] = byte }
        }
    }

    /// Appends zero bytes until `count` is a multiple of `alignment` (a power of two).
    mutating func padToMultiple(of alignment: Int) {
        let remainder = count & (alignment - 1)
        if remainder != 0 { append(contentsOf: repeatElement(0, count: alignment - remainder)) }
    }
}
