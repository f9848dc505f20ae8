/// A writer of the Thrift compact protocol, the encoding of every Parquet footer and page header.
///
/// Only what the Parquet structures this module emits need is implemented
/// (<https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md>):
///
/// - field headers, short form (delta 1...15 packed with the type nibble) and long form
///   (type byte then the zigzag field id);
/// - `bool` fields (the value is the type nibble: 1 true, 2 false), `i8`, `i16`, `i32` and `i64`
///   (zigzag ULEB128 varints), `binary`/`string` (varint length then bytes);
/// - nested structs and unions (a field of type 12, closed by a stop byte) and lists of
///   `i32`, `binary` and structs (size and element type in one byte below 15 elements,
///   `0xF` plus a varint from 15).
///
/// Maps, sets, doubles and the message envelope are not needed by Parquet metadata and
/// are not written.
struct ThriftCompactWriter {
    /// The compact protocol's type nibbles.
    enum FieldType: UInt8 {
        case booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    /// The encoded bytes so far.
    private(set) var bytes: [UInt8] = []
    /// The last field id written at each nesting level; a struct starts at 0.
    private var lastFieldIDs: [Int16] = [0]

    /// Writes a field header for field `id` of type `type`.
    private mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = Int(id) - Int(lastFieldIDs[lastFieldIDs.count - 1])
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
    }

    /// Appends an unsigned LEB128 varint.
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// The zigzag mapping of a signed integer: 0, -1, 1, -2 … become 0, 1, 2, 3 ….
    func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    /// Writes a `bool` field.
    mutating func bool(_ id: Int16, _ value: Bool) { fieldHeader(id, value ? .booleanTrue : .booleanFalse) }

    /// Writes an `i8` field: one byte, two's complement.
    mutating func i8(_ id: Int16, _ value: Int8) {
        fieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    /// Writes an `i16` field.
    mutating func i16(_ id: Int16, _ value: Int16) {
        fieldHeader(id, .i16)
        varint(zigzag(Int64(value)))
    }

    /// Writes an `i32` field (also used for enums).
    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(zigzag(Int64(value)))
    }

    /// Writes an `i64` field.
    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(zigzag(value))
    }

    /// Writes a `binary` field.
    mutating func binary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, .binary)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a `string` field: UTF-8 bytes as `binary`.
    mutating func string(_ id: Int16, _ value: String) { binary(id, Array(value.utf8)) }

    /// Writes a struct (or union) field whose fields `body` writes.
    mutating func structure(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .structure)
        nested(body)
    }

    /// Writes an empty struct field, as the members of Parquet's unions often are.
    mutating func emptyStructure(_ id: Int16) { structure(id) { _ in } }

    /// Writes the fields `body` writes as a nested struct, then its stop byte.
    private mutating func nested(_ body: (inout ThriftCompactWriter) -> Void) {
        lastFieldIDs.append(0)
        body(&self)
        bytes.append(0)
        lastFieldIDs.removeLast()
    }

    /// Writes a list header.
    private mutating func listHeader(_ id: Int16, count: Int, of element: FieldType) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | element.rawValue)
        } else {
            bytes.append(0xF0 | element.rawValue)
            varint(UInt64(count))
        }
    }

    /// Writes a `list<i32>` field (also used for lists of enums).
    mutating func listOfI32(_ id: Int16, _ values: [Int32]) {
        listHeader(id, count: values.count, of: .i32)
        for value in values { varint(zigzag(Int64(value))) }
    }

    /// Writes a `list<string>` field.
    mutating func listOfStrings(_ id: Int16, _ values: [String]) {
        listHeader(id, count: values.count, of: .binary)
        for value in values {
            varint(UInt64(value.utf8.count))
            bytes.append(contentsOf: value.utf8)
        }
    }

    /// Writes a `list<struct>` field of `count` structs, the `index`th written by `body`.
    mutating func listOfStructures(_ id: Int16, count: Int, _ body: (inout ThriftCompactWriter, Int) -> Void) {
        listHeader(id, count: count, of: .structure)
        for index in 0..<count { nested { body(&$0, index) } }
    }

    /// Ends the top-level struct: its stop byte.
    mutating func finish() -> [UInt8] {
        bytes.append(0)
        return bytes
    }
}
