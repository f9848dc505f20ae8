public import DenseRecordsCore
import Foundation
import Testing

/// A minimal, checking FlatBuffers reader, written from the FlatBuffers format
/// independently of the writer's encoder, so that tests can read back what
/// was written.
public struct FlatReader {
    public let bytes: [UInt8]
    /// Where the buffer starts in `bytes`.
    public let base: Int

    /// A reader over `bytes` whose buffer starts at `base`.
    public init(bytes: [UInt8], base: Int) {
        self.bytes = bytes
        self.base = base
    }

    public func u8(_ at: Int) -> UInt8 { bytes[base + at] }
    public func int<T: FixedWidthInteger>(_ at: Int, as: T.Type = T.self) -> T {
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { raw in
            for index in 0..<MemoryLayout<T>.size { raw[index] = bytes[base + at + index] }
        }
        return T(littleEndian: value)
    }

    /// The root table's position.
    public var root: Int { Int(int(0, as: UInt32.self)) }

    /// The position of field `id`'s inline data in the table at `table`, or nil when absent.
    public func field(_ table: Int, _ id: Int) -> Int? {
        let vtable = table - Int(int(table, as: Int32.self))
        let vtableSize = Int(int(vtable, as: UInt16.self))
        guard 4 + 2 * id < vtableSize else { return nil }
        let offset = Int(int(vtable + 4 + 2 * id, as: UInt16.self))
        return offset == 0 ? nil : table + offset
    }

    public func scalar<T: FixedWidthInteger>(_ table: Int, _ id: Int, default value: T = 0) -> T {
        guard let at = field(table, id) else { return value }
        #expect(at % MemoryLayout<T>.size == 0, "FlatBuffers scalar field \(id) at \(at) is misaligned")
        return int(at, as: T.self)
    }

    /// Follows the reference in field `id`.
    public func reference(_ table: Int, _ id: Int) -> Int? {
        guard let at = field(table, id) else { return nil }
        return at + Int(int(at, as: UInt32.self))
    }

    public func string(_ table: Int, _ id: Int) -> String? {
        guard let at = reference(table, id) else { return nil }
        let length = Int(int(at, as: UInt32.self))
        return String(decoding: bytes[(base + at + 4)..<(base + at + 4 + length)], as: UTF8.self)
    }

    /// The positions of the tables in the vector at field `id`.
    public func tables(_ table: Int, _ id: Int) -> [Int]? {
        guard let at = reference(table, id) else { return nil }
        let count = Int(int(at, as: UInt32.self))
        return (0..<count).map { index in
            let slot = at + 4 + 4 * index
            return slot + Int(int(slot, as: UInt32.self))
        }
    }

    /// The start and count of the struct vector at field `id`.
    public func structs(_ table: Int, _ id: Int) -> (start: Int, count: Int)? {
        guard let at = reference(table, id) else { return nil }
        return (at + 4, Int(int(at, as: UInt32.self)))
    }
}

/// One encapsulated message read back from an IPC stream or file.
public struct InspectedMessage {
    public enum Kind: UInt8 { case schema = 1, dictionaryBatch = 2, recordBatch = 3 }
    public var offset: Int
    public var metadataLength: Int
    public var bodyOffset: Int
    public var bodyLength: Int
    public var kind: Kind
    /// For record and dictionary batches: the row count, the nodes and the buffers.
    public var length = 0
    public var nodes: [(length: Int, nullCount: Int)] = []
    public var buffers: [(offset: Int, length: Int)] = []
    public var dictionaryID: Int?
}

/// Reads an Arrow IPC file or stream the way the tests need, recording an issue for every violation.
public struct ArrowInspector {
    public let bytes: [UInt8]
    public var messages: [InspectedMessage] = []
    public var footerBatches: [(offset: Int, metadataLength: Int, bodyLength: Int)] = []
    public var footerDictionaries: [(offset: Int, metadataLength: Int, bodyLength: Int)] = []
    public var schemaFieldNames: [String] = []

    public init(file path: String) throws {
        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        try #require(bytes.count >= 8 + 8 + 10, "file too short: \(bytes.count) bytes")
        #expect(Array(bytes[0..<8]) == Array("ARROW1".utf8) + [0, 0], "leading magic")
        #expect(Array(bytes[(bytes.count - 6)...]) == Array("ARROW1".utf8), "trailing magic")
        let footerLength = Int(FlatReader(bytes: bytes, base: 0).int(bytes.count - 10, as: Int32.self))
        let footerStart = bytes.count - 10 - footerLength
        try #require(footerLength > 0 && footerStart >= 8, "footer length \(footerLength)")
        #expect(footerStart % 8 == 0, "footer starts at \(footerStart), not a multiple of 8")
        messages = try Self.readMessages(bytes, from: 8, end: footerStart)

        let footer = FlatReader(bytes: bytes, base: footerStart)
        let root = footer.root
        #expect(footer.scalar(root, 0, default: Int16(0)) == 4, "footer metadata version is V5")
        func blocks(_ id: Int) -> [(offset: Int, metadataLength: Int, bodyLength: Int)] {
            guard let (start, count) = footer.structs(root, id) else { return [] }
            #expect((footerStart + start) % 8 == 0, "footer blocks are 8-byte aligned")
            return (0..<count).map { index in
                let at = start + 24 * index
                return (Int(footer.int(at, as: Int64.self)), Int(footer.int(at + 8, as: Int32.self)),
                        Int(footer.int(at + 16, as: Int64.self)))
            }
        }
        footerDictionaries = blocks(2)
        footerBatches = blocks(3)
        if let schema = footer.reference(root, 1) {
            schemaFieldNames = (footer.tables(schema, 1) ?? []).compactMap { footer.string($0, 0) }
        }
        // Every footer block must point at the message the stream holds there.
        let batches = messages.filter { $0.kind == .recordBatch }
        #expect(footerBatches.count == batches.count, "footer lists \(footerBatches.count) batches, stream has \(batches.count)")
        for (block, message) in zip(footerBatches, batches) {
            #expect(block.offset == message.offset && block.metadataLength == message.metadataLength
                    && block.bodyLength == message.bodyLength, "footer block \(block) does not match message at \(message.offset)")
        }
        let dictionaries = messages.filter { $0.kind == .dictionaryBatch }
        #expect(footerDictionaries.count == dictionaries.count)
        for (block, message) in zip(footerDictionaries, dictionaries) {
            #expect(block.offset == message.offset && block.bodyLength == message.bodyLength)
        }
    }

    public init(stream bytes: [UInt8]) throws {
        self.bytes = bytes
        messages = try Self.readMessages(bytes, from: 0, end: bytes.count)
    }

    /// Reads messages from `start` up to the end-of-stream marker, which must end just before `end`.
    public static func readMessages(_ bytes: [UInt8], from start: Int, end: Int) throws -> [InspectedMessage] {
        let reader = FlatReader(bytes: bytes, base: 0)
        var messages: [InspectedMessage] = []
        var position = start
        while true {
            try #require(position + 8 <= end, "message at \(position) runs past \(end)")
            #expect(position % 8 == 0, "message at \(position) is not 8-byte aligned")
            #expect(reader.int(position, as: UInt32.self) == 0xFFFF_FFFF, "continuation marker at \(position)")
            let metadataSize = Int(reader.int(position + 4, as: Int32.self))
            if metadataSize == 0 {
                #expect(position + 8 == end, "end-of-stream marker at \(position), data ends at \(end)")
                return messages
            }
            #expect(metadataSize % 8 == 0, "metadata size \(metadataSize) is not a multiple of 8")
            let message = FlatReader(bytes: bytes, base: position + 8)
            let root = message.root
            #expect(message.scalar(root, 0, default: Int16(0)) == 4, "message metadata version is V5")
            let kindCode: UInt8 = message.scalar(root, 1)
            let kind = try #require(InspectedMessage.Kind(rawValue: kindCode), "header type \(kindCode)")
            let bodyLength = Int(message.scalar(root, 3, default: Int64(0)))
            let bodyOffset = position + 8 + metadataSize
            var inspected = InspectedMessage(
                offset: position, metadataLength: 8 + metadataSize, bodyOffset: bodyOffset, bodyLength: bodyLength, kind: kind)
            if kind != .schema {
                #expect(bodyOffset % 64 == 0, "body at \(bodyOffset) is not 64-byte aligned")
                var batch = try #require(message.reference(root, 2))
                if kind == .dictionaryBatch {
                    inspected.dictionaryID = Int(message.scalar(batch, 0, default: Int64(0)))
                    batch = try #require(message.reference(batch, 1))
                }
                inspected.length = Int(message.scalar(batch, 0, default: Int64(0)))
                if let (nodeStart, count) = message.structs(batch, 1) {
                    inspected.nodes = (0..<count).map {
                        (Int(message.int(nodeStart + 16 * $0, as: Int64.self)), Int(message.int(nodeStart + 16 * $0 + 8, as: Int64.self)))
                    }
                }
                if let (bufferStart, count) = message.structs(batch, 2) {
                    inspected.buffers = (0..<count).map {
                        (Int(message.int(bufferStart + 16 * $0, as: Int64.self)), Int(message.int(bufferStart + 16 * $0 + 8, as: Int64.self)))
                    }
                }
                for buffer in inspected.buffers {
                    #expect(buffer.offset % 64 == 0, "buffer at body offset \(buffer.offset) is not 64-byte aligned")
                    #expect(buffer.offset + buffer.length <= bodyLength, "buffer \(buffer) runs past the body (\(bodyLength))")
                }
            }
            messages.append(inspected)
            position = bodyOffset + bodyLength
        }
    }

    /// The records of every record batch, decoded from the columns.
    public var records: [SensorRecord] {
        var result: [SensorRecord] = []
        let reader = FlatReader(bytes: bytes, base: 0)
        for message in messages where message.kind == .recordBatch {
            let body = message.bodyOffset
            let buffers = message.buffers
            for row in 0..<message.length {
                result.append(SensorRecord(
                    sensorID: reader.int(body + buffers[1].offset + 4 * row, as: UInt32.self),
                    timestampNanoseconds: reader.int(body + buffers[3].offset + 8 * row, as: Int64.self),
                    value: Double(bitPattern: reader.int(body + buffers[5].offset + 8 * row, as: UInt64.self)),
                    unit: SensorUnit(rawValue: reader.u8(body + buffers[7].offset + row))))
            }
        }
        return result
    }

    /// The lengths of the record batches, in order.
    public var batchLengths: [Int] { messages.filter { $0.kind == .recordBatch }.map(\.length) }
}
