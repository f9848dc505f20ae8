import DenseRecordsCore

/// The machinery that turns rows held in columns into a row group in a file: the row
/// group's columns, the page buffers, the options and the schema.
///
/// ``ParquetWriter`` pairs one with one file; ``ParquetDatasetWriter`` shares one between
/// the files of every partition, so that memory stays one row group however many files are open.
struct ParquetRowGroupEncoder: ~Copyable {
    /// The rows waiting to be written.
    var columns: ParquetRowGroupColumns
    private var encoder: ParquetPageEncoder
    /// The options the writer was created with.
    let options: ParquetWriterOptions
    /// The four leaf columns.
    let schema: [ParquetFormat.Column]

    /// Allocates one row group of columns and the page buffers.
    ///
    /// - Throws: ``ParquetWriteError/invalidOption(name:value:allowed:)`` or ``ParquetWriteError/outOfMemory(requestedBytes:)``.
    init(options: ParquetWriterOptions) throws(ParquetWriteError) {
        try options.validate()
        let columns = try ParquetRowGroupColumns(capacity: options.rowGroupSize)
        let encoder = try ParquetPageEncoder(
            rows: min(options.pageRowCount, options.rowGroupSize), compression: options.compression,
            level: options.compressionLevel)
        self.columns = columns
        self.encoder = encoder
        self.options = options
        schema = ParquetSchema.columns(unitEncoding: options.unitEncoding)
    }


    /// Encodes rows `rows` of the columns as a row group and writes it to `output`
    /// (after the leading `PAR1` when the file is empty).
    ///
    /// - Parameters:
    ///   - rows: The rows to write, within the rows held.
    ///   - output: The file.
    ///   - ordinal: The row group's index in the file.
    /// - Returns: The row group's footer entry.
    /// - Throws: ``ParquetWriteError/writeFailed(destination:errno:bytesWritten:)`` or
    ///   ``ParquetWriteError/compressionFailed(column:reason:)``.
    mutating func writeRowGroup(
        rows range: Range<Int>, to output: inout ParquetOutput, ordinal: Int
    ) throws(ParquetWriteError) -> ParquetFormat.RowGroup {
        if output.position == 0 { try output.write(ParquetFormat.magic) }
        let rows = range.count
        let first = range.lowerBound
        var chunks: [ParquetFormat.ColumnChunk] = []
        chunks.reserveCapacity(4)
        let ids = UnsafeBufferPointer(start: columns.ids + first, count: rows)
        let idStatistics = ParquetStatistics.sensorIDs(ids)
        chunks.append(try writeColumn(schema[0], statistics: idStatistics, encoding: .deltaBinaryPacked, rows: rows, to: &output) { page, range in
            UnsafeRawPointer(ids.baseAddress! + range.lowerBound).withMemoryRebound(to: Int32.self, capacity: range.count) {
                ParquetEncodings.appendDeltaBinaryPacked(UnsafeBufferPointer(start: $0, count: range.count), into: &page)
            }
        })
        let times = UnsafeBufferPointer(start: columns.times + first, count: rows)
        chunks.append(try writeColumn(schema[1], statistics: ParquetStatistics.timestamps(times), encoding: .deltaBinaryPacked, rows: rows, to: &output) { page, range in
            ParquetEncodings.appendDeltaBinaryPacked(UnsafeBufferPointer(rebasing: times[range]), into: &page)
        })
        let values = UnsafeBufferPointer(start: columns.values + first, count: rows)
        let valueEncoding: ParquetFormat.Encoding = options.valueEncoding == .plain ? .plain : .byteStreamSplit
        chunks.append(try writeColumn(schema[2], statistics: ParquetStatistics.values(values), encoding: valueEncoding, rows: rows, to: &output) { page, range in
            if valueEncoding == .plain {
                ParquetEncodings.appendPlain(UnsafeBufferPointer(rebasing: values[range]), into: &page)
            } else {
                ParquetEncodings.appendByteStreamSplit(UnsafeBufferPointer(rebasing: values[range]), into: &page)
            }
        })
        chunks.append(try writeUnitColumn(rows: rows, first: first, to: &output))
        return ParquetFormat.RowGroup(columns: chunks, rowCount: Int64(rows), ordinal: Int16(truncatingIfNeeded: ordinal))
    }

    /// Writes the data pages of one column, `pageRowCount` rows each, encoded by `encode`.
    private mutating func writeColumn(
        _ column: ParquetFormat.Column, statistics: ParquetFormat.Statistics, encoding: ParquetFormat.Encoding, rows: Int,
        dictionaryPageOffset: Int64? = nil, startSizes: (uncompressed: Int64, compressed: Int64) = (0, 0),
        to output: inout ParquetOutput, encode: (inout ByteBuffer, Range<Int>) -> Void
    ) throws(ParquetWriteError) -> ParquetFormat.ColumnChunk {
        let dataPageOffset = Int64(output.position)
        var uncompressed = startSizes.uncompressed
        var compressed = startSizes.compressed
        var start = 0
        while start < rows {
            let end = min(rows, start + options.pageRowCount)
            encoder.page.removeAll()
            encode(&encoder.page, start..<end)
            let (size, stored) = try encoder.storedPage(column: column.name)
            let header = ParquetFormat.dataPageHeader(
                valueCount: end - start, encoding: encoding, uncompressedSize: size, compressedSize: stored.count)
            try Self.writePage(header: header, body: stored, to: &output)
            uncompressed += Int64(header.count + size)
            compressed += Int64(header.count + stored.count)
            start = end
        }
        let codec: ParquetFormat.Codec = options.compression == .zstd ? .zstd : .uncompressed
        var encodings: [ParquetFormat.Encoding] = dictionaryPageOffset == nil ? [encoding, .rle] : [.plain, .rle, encoding]
        encodings.sort { $0.rawValue < $1.rawValue }
        return ParquetFormat.ColumnChunk(
            column: column, encodings: encodings, codec: codec, valueCount: Int64(rows), uncompressedSize: uncompressed,
            compressedSize: compressed, dataPageOffset: dataPageOffset, dictionaryPageOffset: dictionaryPageOffset,
            statistics: statistics)
    }

    /// Writes a page header and its body in one gathered write.
    private static func writePage(header: [UInt8], body: UnsafeRawBufferPointer, to output: inout ParquetOutput) throws(ParquetWriteError) {
        let result: Result<Void, ParquetWriteError> = header.withUnsafeBytes { headerBytes in
            do throws(ParquetWriteError) {
                try output.write([headerBytes, body])
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Writes the `unit` chunk: a dictionary page of the units present (in code order),
    /// then data pages of indices into it.
    private mutating func writeUnitColumn(rows: Int, first: Int, to output: inout ParquetOutput) throws(ParquetWriteError) -> ParquetFormat.ColumnChunk {
        let units = UnsafeMutableBufferPointer(start: columns.units + first, count: rows)
        var present = [Bool](repeating: false, count: 256)
        for code in units { present[Int(code)] = true }
        var indexOfCode = [UInt8](repeating: 0, count: 256)
        var dictionary: [UInt8] = []
        for code in 0..<256 where present[code] {
            indexOfCode[code] = UInt8(truncatingIfNeeded: dictionary.count)
            dictionary.append(UInt8(code))
        }
        // The codes become dictionary indices in place: the codes are not needed again.
        for row in 0..<rows { units[row] = indexOfCode[Int(units[row])] }
        let statistics = ParquetSchema.unitStatistics(dictionary, encoding: options.unitEncoding)

        // The dictionary page: PLAIN names (4-byte length, then UTF-8) or PLAIN INT32 codes.
        let column = schema[3]
        encoder.page.removeAll()
        for code in dictionary {
            if options.unitEncoding == .dictionary {
                let name = Array(SensorUnit(rawValue: code).name.utf8)
                encoder.page.appendLittleEndian(UInt32(name.count))
                name.withUnsafeBytes { encoder.page.append($0) }
            } else {
                encoder.page.appendLittleEndian(Int32(code))
            }
        }
        let dictionaryPageOffset = Int64(output.position)
        let (size, stored) = try encoder.storedPage(column: column.name)
        let header = ParquetFormat.dictionaryPageHeader(
            valueCount: dictionary.count, uncompressedSize: size, compressedSize: stored.count)
        try Self.writePage(header: header, body: stored, to: &output)
        let width = max(1, ParquetEncodings.bitWidth(UInt64(max(dictionary.count - 1, 0))))
        let indices = UnsafeBufferPointer(units)
        return try writeColumn(
            column, statistics: statistics, encoding: .rleDictionary, rows: rows, dictionaryPageOffset: dictionaryPageOffset,
            startSizes: (Int64(header.count + size), Int64(header.count + stored.count)), to: &output
        ) { page, range in
            ParquetEncodings.appendDictionaryIndices(UnsafeBufferPointer(rebasing: indices[range]), bitWidth: width, into: &page)
        }
    }
}
