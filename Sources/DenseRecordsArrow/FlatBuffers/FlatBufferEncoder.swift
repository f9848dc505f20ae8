import DenseRecordsCore
import InternalDenseRecordsUtilities
/// Encodes a ``FlatTable`` tree as a FlatBuffers buffer, front to back.
///
/// The official FlatBuffers builders write back to front. This encoder writes
/// front to back instead, which is simpler for a fixed tree and equally valid:
///
/// - A reference (`uoffset_t`, unsigned 32-bit) is the distance from the
///   field to the object it points at, so every object is written *after*
///   the table that refers to it: a table first, then its strings, tables and
///   vectors, each patched into the table's placeholder.
/// - A table starts with a signed 32-bit offset to its vtable
///   (`vtable = table - soffset`); the vtable is written just before the
///   table, so that offset is positive.
/// - A vtable is `[vtable bytes, table inline bytes, one uint16 per field id]`,
///   an entry of 0 meaning "absent, use the default".
/// - Every scalar is aligned to its size *relative to the buffer's start*,
///   which is what FlatBuffers verifiers check. Tables start at a multiple of
///   8, vectors of 8-byte structs put their first element at a multiple of 8.
///
/// The caller must place the buffer at an 8-byte-aligned offset of its
/// stream for those alignments to hold in memory; Arrow's framing does.
///
/// - Complexity: O(*n*) in the encoded size.
struct FlatBufferEncoder {
    private(set) var bytes: [UInt8] = []

    /// Encodes `root` as a complete buffer: a root offset, then the tree.
    ///
    /// - Parameter root: The root table.
    /// - Returns: The buffer, padded with zeros to a multiple of 8 bytes.
    static func encode(_ root: FlatTable) -> [UInt8] {
        var encoder = FlatBufferEncoder()
        encoder.bytes.reserveCapacity(512)
        encoder.bytes.appendLittleEndian(UInt32(0))
        let rootPosition = encoder.writeTable(root)
        encoder.patchReference(at: 0, to: rootPosition)
        encoder.bytes.padToMultiple(of: 8)
        return encoder.bytes
    }

    private mutating func patchReference(at field: Int, to target: Int) {
        precondition(target > field, "FlatBufferEncoder writes referenced objects after their referrer")
        bytes.storeLittleEndian(UInt32(target - field), at: field)
    }

    /// Writes a vtable and its table, then the table's referenced objects.
    ///
    /// - Returns: The table's position.
    private mutating func writeTable(_ table: FlatTable) -> Int {
        let fields = zip(table.ids, table.values).map { (id: $0, value: $1) }
        let slotCount = (fields.map(\.id).max() ?? -1) + 1
        let vtableSize = 4 + 2 * slotCount

        // Inline layout: the soffset at 0, then scalars and references, widest first.
        var inlineOffsets = [Int](repeating: 0, count: slotCount)
        var cursor = 4
        let ordered = fields.sorted { inlineSize(of: $0.value) > inlineSize(of: $1.value) }
        for field in ordered {
            let size = inlineSize(of: field.value)
            cursor = (cursor + size - 1) & ~(size - 1)
            inlineOffsets[field.id] = cursor
            cursor += size
        }
        let tableSize = cursor

        // Place the vtable so that the table right after it starts at a multiple of 8.
        bytes.padToMultiple(of: 2)
        while (bytes.count + vtableSize) % 8 != 0 { bytes.append(0) }
        let vtablePosition = bytes.count
        bytes.appendLittleEndian(UInt16(vtableSize))
        bytes.appendLittleEndian(UInt16(tableSize))
        for offset in inlineOffsets { bytes.appendLittleEndian(UInt16(offset)) }

        let tablePosition = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: tableSize))
        bytes.storeLittleEndian(Int32(tablePosition - vtablePosition), at: tablePosition)
        for field in fields {
            if case .scalar(let value) = field.value {
                let at = tablePosition + inlineOffsets[field.id]
                bytes.replaceSubrange(at..<(at + value.count), with: value)
            }
        }

        // Referenced objects follow the table, in field order.
        for field in fields {
            let referenceAt = tablePosition + inlineOffsets[field.id]
            let target: Int
            switch field.value {
            case .scalar: continue
            case .table(let child): target = writeTable(child)
            case .string(let string): target = writeString(string)
            case .tables(let children): target = writeTableVector(children)
            case .structs(let structBytes, let count, let alignment):
                target = writeStructVector(structBytes, count: count, alignment: alignment)
            }
            patchReference(at: referenceAt, to: target)
        }
        return tablePosition
    }

    private func inlineSize(of value: FlatValue) -> Int {
        if case .scalar(let bytes) = value {
            precondition([1, 2, 4, 8].contains(bytes.count), "FlatTable scalars are 1, 2, 4 or 8 bytes")
            return bytes.count
        }
        return 4
    }

    private mutating func writeString(_ string: String) -> Int {
        bytes.padToMultiple(of: 4)
        let position = bytes.count
        let utf8 = Array(string.utf8)
        bytes.appendLittleEndian(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
        bytes.append(0)
        return position
    }

    private mutating func writeTableVector(_ tables: [FlatTable]) -> Int {
        bytes.padToMultiple(of: 4)
        let position = bytes.count
        bytes.appendLittleEndian(UInt32(tables.count))
        bytes.append(contentsOf: repeatElement(0, count: 4 * tables.count))
        for (index, table) in tables.enumerated() {
            let element = writeTable(table)
            patchReference(at: position + 4 + 4 * index, to: element)
        }
        return position
    }

    private mutating func writeStructVector(_ structBytes: [UInt8], count: Int, alignment: Int) -> Int {
        bytes.padToMultiple(of: 4)
        // The length sits just before the first element, which must be aligned.
        while (bytes.count + 4) % max(alignment, 4) != 0 { bytes.append(0) }
        let position = bytes.count
        bytes.appendLittleEndian(UInt32(count))
        bytes.append(contentsOf: structBytes)
        return position
    }
}
