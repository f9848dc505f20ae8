/// The parts of the Parquet format (parquet-format 2.x, `parquet.thrift`) this module writes.
///
/// Implemented, and nothing else:
///
/// - the file layout: `PAR1`, column chunks, the `FileMetaData` footer, its 4-byte
///   little-endian length, `PAR1`;
/// - `FileMetaData` fields 1–4, 6 and 7 (version 2, a flat schema of required
///   columns, `num_rows`, the row groups, `created_by`, `column_orders` with
///   `TypeDefinedOrder` for every column);
/// - `SchemaElement` fields 1, 3, 4, 5, 6 and 10 with the logical types
///   `INTEGER(bitWidth, isSigned)`, `TIMESTAMP(isAdjustedToUTC, NANOS)` and `STRING`;
/// - `RowGroup` fields 1, 2, 3, 5, 6 and 7; `ColumnChunk` fields 2 and 3;
///   `ColumnMetaData` fields 1–7, 9, 11 and 12;
/// - `Statistics` fields 3–8 (`null_count`, `distinct_count`, `max_value`, `min_value`,
///   `is_max_value_exact`, `is_min_value_exact`; the deprecated signed `min`/`max` are not written);
/// - `PageHeader` fields 1–3, 5 and 7 with `DataPageHeader` (data page version 1,
///   no repetition or definition levels as every column is required) and `DictionaryPageHeader`;
/// - the encodings `PLAIN`, `RLE_DICTIONARY` (with the RLE/bit-packed hybrid),
///   `DELTA_BINARY_PACKED` and `BYTE_STREAM_SPLIT`; the codecs `UNCOMPRESSED` and `ZSTD`.
///
/// Not written: page indexes, bloom filters, CRCs, data page version 2, encryption, key-value metadata.
enum ParquetFormat {
    /// `PAR1`, at the start and end of every file.
    static let magic: [UInt8] = Array("PAR1".utf8)

    /// `Type`.
    enum PhysicalType: Int32 { case int32 = 1, int64 = 2, double = 5, byteArray = 6 }
    /// `ConvertedType`.
    enum ConvertedType: Int32 { case utf8 = 0, uint8 = 11, uint32 = 13 }
    /// `Encoding`.
    enum Encoding: Int32 { case plain = 0, rle = 3, deltaBinaryPacked = 5, rleDictionary = 8, byteStreamSplit = 9 }
    /// `CompressionCodec`.
    enum Codec: Int32 { case uncompressed = 0, zstd = 6 }
    /// `PageType`.
    enum PageType: Int32 { case dataPage = 0, dictionaryPage = 2 }
    /// `FieldRepetitionType.REQUIRED`.
    static let required: Int32 = 0

    /// A leaf column's logical type.
    enum LogicalType {
        case integer(bitWidth: Int8, isSigned: Bool)
        case timestampNanosUTC
        case string

        func write(_ writer: inout ThriftCompactWriter) {
            switch self {
            case .string:
                writer.emptyStructure(1)  // StringType
            case .timestampNanosUTC:
                writer.structure(8) { timestamp in  // TimestampType
                    timestamp.bool(1, true)  // isAdjustedToUTC
                    timestamp.structure(2) { $0.emptyStructure(3) }  // TimeUnit.NANOS
                }
            case let .integer(bitWidth, isSigned):
                writer.structure(10) { integer in  // IntType
                    integer.i8(1, bitWidth)
                    integer.bool(2, isSigned)
                }
            }
        }
    }

    /// One leaf of the flat schema.
    struct Column {
        var name: String
        var type: PhysicalType
        var convertedType: ConvertedType?
        var logicalType: LogicalType?
    }

    /// A column chunk's statistics; `nil` bounds are left out (all values NaN, or no rows).
    struct Statistics {
        var minimum: [UInt8]? = nil
        var maximum: [UInt8]? = nil
        var distinctCount: Int64? = nil

        func write(_ writer: inout ThriftCompactWriter) {
            writer.i64(3, 0)  // null_count: every column is required
            if let distinctCount { writer.i64(4, distinctCount) }
            if let maximum { writer.binary(5, maximum) }
            if let minimum { writer.binary(6, minimum) }
            if maximum != nil { writer.bool(7, true) }
            if minimum != nil { writer.bool(8, true) }
        }
    }

    /// A written column chunk, for the footer.
    struct ColumnChunk {
        var column: Column
        var encodings: [Encoding]
        var codec: Codec
        var valueCount: Int64
        var uncompressedSize: Int64
        var compressedSize: Int64
        var dataPageOffset: Int64
        var dictionaryPageOffset: Int64?
        var statistics: Statistics

        /// Where the chunk starts: its dictionary page, or its first data page.
        var startOffset: Int64 { dictionaryPageOffset ?? dataPageOffset }

        func write(_ writer: inout ThriftCompactWriter) {
            writer.i64(2, startOffset)  // file_offset (deprecated; the chunk's first byte)
            writer.structure(3) { meta in
                meta.i32(1, column.type.rawValue)
                meta.listOfI32(2, encodings.map(\.rawValue))
                meta.listOfStrings(3, [column.name])
                meta.i32(4, codec.rawValue)
                meta.i64(5, valueCount)
                meta.i64(6, uncompressedSize)
                meta.i64(7, compressedSize)
                meta.i64(9, dataPageOffset)
                if let dictionaryPageOffset { meta.i64(11, dictionaryPageOffset) }
                meta.structure(12) { statistics.write(&$0) }
            }
        }
    }

    /// A written row group, for the footer.
    struct RowGroup {
        var columns: [ColumnChunk]
        var rowCount: Int64
        var ordinal: Int16

        func write(_ writer: inout ThriftCompactWriter) {
            writer.listOfStructures(1, count: columns.count) { columns[$1].write(&$0) }
            writer.i64(2, columns.reduce(0) { $0 + $1.uncompressedSize })  // total_byte_size
            writer.i64(3, rowCount)
            writer.i64(5, columns.first?.startOffset ?? 0)  // file_offset
            writer.i64(6, columns.reduce(0) { $0 + $1.compressedSize })  // total_compressed_size
            writer.i16(7, ordinal)
        }
    }

    /// The footer: `FileMetaData`.
    static func fileMetaData(columns: [Column], rowCount: Int64, rowGroups: [RowGroup], createdBy: String) -> [UInt8] {
        var writer = ThriftCompactWriter()
        writer.i32(1, 2)  // version
        writer.listOfStructures(2, count: columns.count + 1) { element, index in
            guard index > 0 else {
                element.string(4, "schema")
                element.i32(5, Int32(columns.count))
                return
            }
            let column = columns[index - 1]
            element.i32(1, column.type.rawValue)
            element.i32(3, required)
            element.string(4, column.name)
            if let converted = column.convertedType { element.i32(6, converted.rawValue) }
            if let logical = column.logicalType { element.structure(10) { logical.write(&$0) } }
        }
        writer.i64(3, rowCount)
        writer.listOfStructures(4, count: rowGroups.count) { rowGroups[$1].write(&$0) }
        writer.string(6, createdBy)
        writer.listOfStructures(7, count: columns.count) { order, _ in order.emptyStructure(1) }  // TypeDefinedOrder
        return writer.finish()
    }

    /// A `PageHeader` for a version-1 data page of a required column.
    static func dataPageHeader(valueCount: Int, encoding: Encoding, uncompressedSize: Int, compressedSize: Int) -> [UInt8] {
        var writer = ThriftCompactWriter()
        writer.i32(1, PageType.dataPage.rawValue)
        writer.i32(2, Int32(uncompressedSize))
        writer.i32(3, Int32(compressedSize))
        writer.structure(5) { page in
            page.i32(1, Int32(valueCount))
            page.i32(2, encoding.rawValue)
            page.i32(3, Encoding.rle.rawValue)  // definition levels: none (max level 0)
            page.i32(4, Encoding.rle.rawValue)  // repetition levels: none
        }
        return writer.finish()
    }

    /// A `PageHeader` for a `PLAIN` dictionary page.
    static func dictionaryPageHeader(valueCount: Int, uncompressedSize: Int, compressedSize: Int) -> [UInt8] {
        var writer = ThriftCompactWriter()
        writer.i32(1, PageType.dictionaryPage.rawValue)
        writer.i32(2, Int32(uncompressedSize))
        writer.i32(3, Int32(compressedSize))
        writer.structure(7) { page in
            page.i32(1, Int32(valueCount))
            page.i32(2, Encoding.plain.rawValue)
        }
        return writer.finish()
    }
}
