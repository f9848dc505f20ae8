import DenseRecordsCore
import InternalDenseRecordsUtilities
/// The Arrow IPC metadata tables this writer emits, built as ``FlatTable``s.
///
/// Field ids and enum values are those of Arrow's `format/Schema.fbs`,
/// `format/Message.fbs` and `format/File.fbs` (metadata version V5). Only the
/// tables and fields that a sensor-record export needs are here:
///
/// | table | fields written (id) |
/// |---|---|
/// | `Schema` | `endianness` (0), `fields` (1) |
/// | `Field` | `name` (0), `nullable` (1), `type_type` (2), `type` (3), `dictionary` (4), `children` (5) |
/// | `Int` | `bitWidth` (0), `is_signed` (1) |
/// | `FloatingPoint` | `precision` (0) |
/// | `Timestamp` | `unit` (0), `timezone` (1) |
/// | `Utf8` | none |
/// | `DictionaryEncoding` | `id` (0), `indexType` (1), `isOrdered` (2) |
/// | `Message` | `version` (0), `header_type` (1), `header` (2), `bodyLength` (3) |
/// | `RecordBatch` | `length` (0), `nodes` (1), `buffers` (2) |
/// | `DictionaryBatch` | `id` (0), `data` (1), `isDelta` (2) |
/// | `Footer` | `version` (0), `schema` (1), `dictionaries` (2), `recordBatches` (3) |
///
/// and the structs `FieldNode {length: long, null_count: long}`,
/// `Buffer {offset: long, length: long}` and
/// `Block {offset: long, metaDataLength: int, (4 bytes padding), bodyLength: long}`.
enum ArrowMetadata {
    /// `MetadataVersion.V5`.
    static let metadataVersion: Int16 = 4

    /// Ids of the `Type` union's members (0 is `NONE`).
    enum TypeID: UInt8 {
        case int = 2
        case floatingPoint = 3
        case utf8 = 5
        case timestamp = 10
    }

    /// Ids of the `MessageHeader` union's members (0 is `NONE`).
    enum MessageHeaderID: UInt8 {
        case schema = 1
        case dictionaryBatch = 2
        case recordBatch = 3
    }

    /// `Precision.DOUBLE`.
    static let precisionDouble: Int16 = 2
    /// `TimeUnit.NANOSECOND`.
    static let timeUnitNanosecond: Int16 = 3
    /// `Endianness.Little`.
    static let endiannessLittle: Int16 = 0

    /// One buffer of a record batch's body: where it starts, relative to the body, and its length without padding.
    struct BufferSpan: Equatable {
        var offset: Int
        var length: Int
    }

    /// A message's position in an IPC file, as the footer records it.
    struct Block: Equatable {
        /// The offset of the message's continuation marker from the start of the file.
        var offset: Int
        /// The length of the framing and the metadata, padding included (8 + the metadata size).
        var metadataLength: Int
        /// The length of the body.
        var bodyLength: Int
    }

    // MARK: Schema

    /// An `Int` type table.
    static func intType(bitWidth: Int32, signed: Bool) -> FlatTable {
        var table = FlatTable()
        table.set(0, int32: bitWidth)
        table.set(1, bool: signed)
        return table
    }

    /// A `Field` table for a primitive or dictionary-encoded column.
    ///
    /// - Parameters:
    ///   - name: The column name.
    ///   - typeID: The `Type` union member of the column's logical type (for a
    ///     dictionary-encoded column, the dictionary's value type).
    ///   - type: The type's table.
    ///   - dictionary: A `DictionaryEncoding` table, or `nil`.
    static func field(name: String, typeID: TypeID, type: FlatTable, dictionary: FlatTable? = nil) -> FlatTable {
        var field = FlatTable()
        field.set(0, .string(name))
        field.set(1, bool: false)
        field.set(2, uint8: typeID.rawValue)
        field.set(3, .table(type))
        if let dictionary { field.set(4, .table(dictionary)) }
        // Arrow C++ rejects a Field whose children vector is absent, even for primitives.
        field.set(5, .tables([]))
        return field
    }

    /// The `Schema` table for sensor records.
    ///
    /// - Parameter unitEncoding: How the `unit` column is typed.
    static func schema(unitEncoding: ArrowUnitEncoding) -> FlatTable {
        var timestamp = FlatTable()
        timestamp.set(0, int16: timeUnitNanosecond)
        timestamp.set(1, .string("UTC"))
        var float64 = FlatTable()
        float64.set(0, int16: precisionDouble)

        let unit: FlatTable
        switch unitEncoding {
        case .dictionary:
            var encoding = FlatTable()
            encoding.set(0, int64: ArrowLayout.unitDictionaryID)
            encoding.set(1, .table(intType(bitWidth: 8, signed: false)))
            encoding.set(2, bool: false)
            unit = field(name: "unit", typeID: .utf8, type: FlatTable(), dictionary: encoding)
        case .code:
            unit = field(name: "unit", typeID: .int, type: intType(bitWidth: 8, signed: false))
        }

        var schema = FlatTable()
        schema.set(0, int16: endiannessLittle)
        schema.set(1, .tables([
            field(name: "sensor_id", typeID: .int, type: intType(bitWidth: 32, signed: false)),
            field(name: "timestamp", typeID: .timestamp, type: timestamp),
            field(name: "value", typeID: .floatingPoint, type: float64),
            unit,
        ]))
        return schema
    }

    // MARK: Messages

    /// A `RecordBatch` table: `length` rows, one node per column (no nulls), and the buffers.
    static func recordBatch(length: Int, columnCount: Int, buffers: [BufferSpan]) -> FlatTable {
        var nodes: [UInt8] = []
        nodes.reserveCapacity(16 * columnCount)
        for _ in 0..<columnCount {
            nodes.appendLittleEndian(Int64(length))
            nodes.appendLittleEndian(Int64(0))
        }
        var bufferBytes: [UInt8] = []
        bufferBytes.reserveCapacity(16 * buffers.count)
        for buffer in buffers {
            bufferBytes.appendLittleEndian(Int64(buffer.offset))
            bufferBytes.appendLittleEndian(Int64(buffer.length))
        }
        var batch = FlatTable()
        batch.set(0, int64: Int64(length))
        batch.set(1, .structs(bytes: nodes, count: columnCount, alignment: 8))
        batch.set(2, .structs(bytes: bufferBytes, count: buffers.count, alignment: 8))
        return batch
    }

    /// A `DictionaryBatch` table that replaces dictionary `id` with `data`.
    static func dictionaryBatch(id: Int64, data: FlatTable) -> FlatTable {
        var batch = FlatTable()
        batch.set(0, int64: id)
        batch.set(1, .table(data))
        batch.set(2, bool: false)
        return batch
    }

    /// A `Message` table wrapping `header`.
    static func message(_ headerID: MessageHeaderID, header: FlatTable, bodyLength: Int) -> FlatTable {
        var message = FlatTable()
        message.set(0, int16: metadataVersion)
        message.set(1, uint8: headerID.rawValue)
        message.set(2, .table(header))
        message.set(3, int64: Int64(bodyLength))
        return message
    }

    // MARK: Footer

    /// The IPC file's `Footer` table.
    static func footer(schema: FlatTable, dictionaries: [Block], recordBatches: [Block]) -> FlatTable {
        func blockBytes(_ blocks: [Block]) -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(24 * blocks.count)
            for block in blocks {
                bytes.appendLittleEndian(Int64(block.offset))
                bytes.appendLittleEndian(Int32(block.metadataLength))
                bytes.appendLittleEndian(Int32(0))
                bytes.appendLittleEndian(Int64(block.bodyLength))
            }
            return bytes
        }
        var footer = FlatTable()
        footer.set(0, int16: metadataVersion)
        footer.set(1, .table(schema))
        footer.set(2, .structs(bytes: blockBytes(dictionaries), count: dictionaries.count, alignment: 8))
        footer.set(3, .structs(bytes: blockBytes(recordBatches), count: recordBatches.count, alignment: 8))
        return footer
    }
}
