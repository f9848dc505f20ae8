import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsArrow
import DenseRecordsTestSupport
import Foundation
import Testing


/// An arena holding `record(0) ..< record(count)`.
func arrowTestArena(count: Int) throws -> RecordArena {
    let arena = RecordArena()
    try arena.reserveCapacity(count)
    for index in 0..<count { try arena.append(record(index)) }
    return arena
}

@Suite("Arrow IPC byte layout")
struct ArrowLayoutTests {
    static let batch = 1_000

    @Test("File framing, footer offsets, alignment and contents", arguments: [0, 1, batch - 1, batch, batch + 1, 3 * batch + 17])
    func fileLayout(count: Int) throws {
        let arena = try arrowTestArena(count: count)
        let path = temporaryArrowPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try ArrowWriter.export(arena, toPath: path, options: .init(batchSize: Self.batch))

        let file = try ArrowInspector(file: path)
        #expect(summary.byteCount == file.bytes.count)
        #expect(summary.rowCount == count)
        let expectedLengths = stride(from: 0, to: count, by: Self.batch).map { min(Self.batch, count - $0) }
        #expect(file.batchLengths == expectedLengths)
        #expect(summary.recordBatchCount == expectedLengths.count)
        #expect(file.schemaFieldNames == ["sensor_id", "timestamp", "value", "unit"])
        #expect(file.messages.first?.kind == .schema)
        #expect(file.messages.dropFirst().first?.kind == .dictionaryBatch)
        for message in file.messages where message.kind == .recordBatch {
            #expect(message.nodes.count == 4)
            #expect(message.nodes.allSatisfy { $0.length == message.length && $0.nullCount == 0 })
            // Validity bitmaps are omitted: every even buffer is empty.
            #expect(message.buffers.count == 8)
            #expect(stride(from: 0, to: 8, by: 2).allSatisfy { message.buffers[$0].length == 0 })
            #expect(message.buffers.enumerated().filter { $0.offset % 2 == 1 }.map(\.element.length)
                    == [4, 8, 8, 1].map { $0 * message.length })
        }
        #expect(file.records == Array(arena))
    }

    @Test("The unit dictionary names every code, unknown codes as code-N")
    func unitDictionary() throws {
        let path = temporaryArrowPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try ArrowWriter.export(try arrowTestArena(count: 3), toPath: path)
        let file = try ArrowInspector(file: path)
        let dictionary = try #require(file.messages.first { $0.kind == .dictionaryBatch })
        #expect(dictionary.dictionaryID == 0)
        #expect(dictionary.length == 256)
        #expect(dictionary.buffers.count == 3)
        let reader = FlatReader(bytes: file.bytes, base: dictionary.bodyOffset)
        let offsets = (0...256).map { Int(reader.int(dictionary.buffers[1].offset + 4 * $0, as: Int32.self)) }
        let names = (0..<256).map { index in
            String(decoding: file.bytes[(dictionary.bodyOffset + dictionary.buffers[2].offset + offsets[index])
                                        ..< (dictionary.bodyOffset + dictionary.buffers[2].offset + offsets[index + 1])],
                   as: UTF8.self)
        }
        #expect(names[0] == "unknown")
        #expect(names[1] == "celsius")
        #expect(names[11] == "meters_per_second")
        #expect(names[12] == "code-12")
        #expect(names[255] == "code-255")
        #expect(names == (0..<256).map { SensorUnit(rawValue: UInt8($0)).name })
    }

    @Test("Batches across the arena's chunk boundaries", arguments: [
        (RecordArena.recordsPerChunk, 2 * RecordArena.recordsPerChunk),
        (RecordArena.recordsPerChunk, 2 * RecordArena.recordsPerChunk + 1),
        (RecordArena.recordsPerChunk - 1, RecordArena.recordsPerChunk + 1),
        (7_001, 2 * RecordArena.recordsPerChunk + 5),
    ])
    func chunkBoundaries(batchSize: Int, count: Int) throws {
        let arena = try arrowTestArena(count: count)
        #expect(arena.chunkCount >= 2)
        let path = temporaryArrowPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try ArrowWriter.export(arena, toPath: path, options: .init(batchSize: batchSize))
        let file = try ArrowInspector(file: path)
        #expect(file.batchLengths == stride(from: 0, to: count, by: batchSize).map { min(batchSize, count - $0) })
        let records = file.records
        #expect(records.count == count)
        #expect(records == Array(arena))
    }

    @Test("Stream framing: schema, dictionary, batches, end-of-stream", arguments: ArrowUnitEncoding.allCases)
    func streamLayout(encoding: ArrowUnitEncoding) throws {
        let arena = try arrowTestArena(count: 2_500)
        let path = temporaryArrowPath(extension: "arrows")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try ArrowWriter.export(arena, toPath: path, format: .stream, options: .init(batchSize: 1_000, unitEncoding: encoding))
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(summary.byteCount == bytes.count)
        #expect(Array(bytes.suffix(8)) == [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        let stream = try ArrowInspector(stream: bytes)
        let kinds = stream.messages.map(\.kind)
        let header: [InspectedMessage.Kind] = encoding == .dictionary ? [.schema, .dictionaryBatch] : [.schema]
        #expect(kinds == header + [.recordBatch, .recordBatch, .recordBatch])
        #expect(stream.batchLengths == [1_000, 1_000, 500])
        #expect(stream.records == Array(arena))
    }

    @Test("Incremental writes and flush make the batches the caller asked for")
    func incrementalWrites() throws {
        let path = temporaryArrowPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let records = (0..<25).map(record)
        var writer = try ArrowWriter(path: path, options: .init(batchSize: 10))
        try records.withUnsafeBufferPointer { buffer in
            let raw = UnsafeRawBufferPointer(buffer).bindMemory(to: sensor_record_t.self)
            try writer.write(contentsOf: UnsafeBufferPointer(rebasing: raw[0..<3]))
            try writer.flush()
            try writer.flush()
            try writer.write(contentsOf: UnsafeBufferPointer(rebasing: raw[3...]))
        }
        #expect(writer.rowCount == 25)
        let summary = try writer.finish()
        #expect(summary.recordBatchCount == 4)
        let file = try ArrowInspector(file: path)
        #expect(file.batchLengths == [3, 10, 10, 2])
        #expect(file.records == records)
    }
}

@Suite("Arrow writer errors")
struct ArrowWriterErrorTests {
    @Test("Batch sizes outside the allowed range are refused", arguments: [0, -1, ArrowWriterOptions.maximumBatchSize + 1])
    func invalidBatchSize(size: Int) {
        #expect(throws: ArrowExportError.invalidBatchSize(size)) {
            _ = try ArrowWriter(fileDescriptor: 1, options: .init(batchSize: size))
        }
    }

    @Test("A path that cannot be opened names the path and errno")
    func cannotOpen() throws {
        let path = "/nonexistent-directory-\(UUID().uuidString)/out.arrow"
        let error = #expect(throws: ArrowExportError.self) {
            _ = try ArrowWriter.export(try arrowTestArena(count: 1), toPath: path)
        }
        #expect(error == .cannotOpen(path: path, errno: ENOENT))
        #expect(error?.description.contains(path) == true)
    }

    @Test("A descriptor that refuses writes surfaces as writeFailed with its errno")
    func writeFailed() throws {
        let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var writer = try ArrowWriter(fileDescriptor: descriptor, options: .init(batchSize: 4))
        let arena = try arrowTestArena(count: 4)
        let error = #expect(throws: ArrowExportError.self) { try writer.write(arena) }
        #expect(error == .writeFailed(destination: "file descriptor \(descriptor)", errno: EBADF, bytesWritten: 0))
    }
}
