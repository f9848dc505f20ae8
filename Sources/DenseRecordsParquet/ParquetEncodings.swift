/// The value encodings of the Parquet format that ``ParquetWriter`` uses, each appending to a ``ByteBuffer``.
///
/// See `Encodings.md` of parquet-format for the byte layouts cited in each function.
enum ParquetEncodings {
    /// Values per `DELTA_BINARY_PACKED` block.
    static let deltaBlockSize = 128
    /// Miniblocks per block: 4 of 32 values.
    static let deltaMiniblockCount = 4
    static let deltaMiniblockSize = 32

    /// Bit-packs `count` values of `width` bits each, least significant bit first
    /// (the order of both the RLE/bit-packed hybrid and `DELTA_BINARY_PACKED`), and
    /// appends `count * width / 8` bytes (`count` is a multiple of 8).
    @inline(__always)
    static func packBits(_ values: UnsafePointer<UInt64>, count: Int, width: Int, into output: inout ByteBuffer) {
        guard width > 0 else { return }
        var accumulator: UInt64 = 0
        var filled = 0
        for index in 0..<count {
            let value = values[index]
            accumulator |= value &<< UInt64(filled)
            let total = filled + width
            if total >= 64 {
                output.appendLittleEndian(accumulator)
                accumulator = filled == 0 ? 0 : value &>> UInt64(64 - filled)
                filled = total - 64
            } else {
                filled = total
            }
        }
        if filled > 0 { output.appendLittleEndian(accumulator, length: (filled + 7) / 8) }
    }

    /// The bits needed for `value`.
    @inline(__always)
    static func bitWidth(_ value: UInt64) -> Int { 64 - value.leadingZeroBitCount }

    /// `DELTA_BINARY_PACKED`: a header `<block size> <miniblocks per block> <value count>
    /// <first value>` (varints, the first value zigzag), then blocks of 128 deltas, each
    /// `<min delta (zigzag)> <4 bit widths> <4 miniblocks of 32 bit-packed (delta - min delta)>`.
    ///
    /// Deltas wrap in two's complement at the column's width (`T`), as the specification
    /// allows; a partial last miniblock is padded with zeros, and unused miniblocks of the
    /// last block have width 0 and no bytes.
    static func appendDeltaBinaryPacked<T: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeBufferPointer<T>, into output: inout ByteBuffer
    ) {
        output.appendVarint(UInt64(deltaBlockSize))
        output.appendVarint(UInt64(deltaMiniblockCount))
        output.appendVarint(UInt64(values.count))
        output.appendZigzag(Int64(values.first ?? 0))
        guard values.count > 1 else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: deltaBlockSize) { scratch in
            let packed = scratch.baseAddress!
            var previous = values[0]
            var index = 1
            while index < values.count {
                let blockCount = min(deltaBlockSize, values.count - index)
                var minimum = T.max
                // First pass: the deltas (wrapping at T's width) and their minimum.
                for offset in 0..<blockCount {
                    let value = values[index + offset]
                    let delta = value &- previous
                    previous = value
                    packed[offset] = UInt64(truncatingIfNeeded: delta)
                    if delta < minimum { minimum = delta }
                }
                // Subtract the minimum in T's unsigned width, so the result fits T's bits.
                let mask: UInt64 = T.bitWidth == 64 ? ~0 : (1 << UInt64(T.bitWidth)) - 1
                let minimumBits = UInt64(truncatingIfNeeded: minimum)
                for offset in 0..<deltaBlockSize {
                    packed[offset] = offset < blockCount ? (packed[offset] &- minimumBits) & mask : 0
                }
                let usedMiniblocks = (blockCount + deltaMiniblockSize - 1) / deltaMiniblockSize
                output.appendZigzag(Int64(minimum))
                var miniblockWidths = (0, 0, 0, 0)
                for miniblock in 0..<deltaMiniblockCount {
                    var union: UInt64 = 0
                    if miniblock < usedMiniblocks {
                        let first = packed + miniblock * deltaMiniblockSize
                        for slot in 0..<deltaMiniblockSize { union |= first[slot] }
                    }
                    let width = bitWidth(union)
                    switch miniblock {
                    case 0: miniblockWidths.0 = width
                    case 1: miniblockWidths.1 = width
                    case 2: miniblockWidths.2 = width
                    default: miniblockWidths.3 = width
                    }
                    output.append(UInt8(width))
                }
                for miniblock in 0..<usedMiniblocks {
                    let width = switch miniblock {
                    case 0: miniblockWidths.0
                    case 1: miniblockWidths.1
                    case 2: miniblockWidths.2
                    default: miniblockWidths.3
                    }
                    packBits(packed + miniblock * deltaMiniblockSize, count: deltaMiniblockSize, width: width, into: &output)
                }
                index += blockCount
            }
        }
    }

    /// The most bytes ``appendDeltaBinaryPacked(_:into:)`` writes for `count` values of `T`.
    static func maximumDeltaBinaryPackedSize(count: Int, byteWidth: Int) -> Int {
        let blocks = (count + deltaBlockSize - 1) / deltaBlockSize
        return 4 * 10 + blocks * (10 + deltaMiniblockCount + deltaBlockSize * byteWidth) + 8
    }

    /// `PLAIN` for fixed-width values: each value's little-endian bytes, back to back.
    static func appendPlain(_ values: UnsafeBufferPointer<Double>, into output: inout ByteBuffer) {
        output.append(UnsafeRawBufferPointer(values))
    }

    /// `BYTE_STREAM_SPLIT`: byte *k* of every value, then byte *k + 1* of every value, … (8 streams for `DOUBLE`).
    static func appendByteStreamSplit(_ values: UnsafeBufferPointer<Double>, into output: inout ByteBuffer) {
        let count = values.count
        output.check(count * 8)
        let source = UnsafeRawPointer(values.baseAddress!)
        let destination = (output.base + output.count).assumingMemoryBound(to: UInt8.self)
        for index in 0..<count {
            let bits = source.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self).littleEndian
            for stream in 0..<8 {
                destination[stream * count + index] = UInt8(truncatingIfNeeded: bits >> UInt64(stream * 8))
            }
        }
        output.count += count * 8
    }

    /// Dictionary indices as a data page of `RLE_DICTIONARY`: one byte of bit width, then the
    /// RLE/bit-packed hybrid without a length prefix: runs of 8 or more equal indices as RLE
    /// runs (`count << 1`, the value in `ceil(width / 8)` bytes), the rest as bit-packed
    /// groups of 8 (`groups << 1 | 1`, then the packed values; the last group padded with zeros).
    static func appendDictionaryIndices(_ indices: UnsafeBufferPointer<UInt8>, bitWidth width: Int, into output: inout ByteBuffer) {
        output.append(UInt8(width))
        let valueBytes = (width + 7) / 8
        var literalStart = 0  // the first index not yet written
        var position = 0
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8) { group in
            let packed = group.baseAddress!
            func flushLiterals(upTo end: Int) {
                // Literals [literalStart, end); `end - literalStart` is a multiple of 8 unless at the end of the page.
                let length = end - literalStart
                guard length > 0 else { return }
                let groups = (length + 7) / 8
                output.appendVarint(UInt64(groups) << 1 | 1)
                for groupIndex in 0..<groups {
                    for slot in 0..<8 {
                        let at = literalStart + groupIndex * 8 + slot
                        packed[slot] = at < end ? UInt64(indices[at]) : 0
                    }
                    packBits(packed, count: 8, width: width, into: &output)
                }
                literalStart = end
            }
            while position < indices.count {
                let value = indices[position]
                var runEnd = position + 1
                while runEnd < indices.count, indices[runEnd] == value { runEnd += 1 }
                // Complete the pending literals to a multiple of 8 from this run first.
                let pending = (position - literalStart) % 8
                let pad = pending == 0 ? 0 : 8 - pending
                if runEnd - position >= pad + 8 {
                    flushLiterals(upTo: position + pad)
                    let runStart = position + pad
                    output.appendVarint(UInt64(runEnd - runStart) << 1)
                    output.appendLittleEndian(UInt64(value), length: valueBytes)
                    literalStart = runEnd
                }
                position = runEnd
            }
            flushLiterals(upTo: indices.count)
        }
    }

    /// The most bytes ``appendDictionaryIndices(_:bitWidth:into:)`` writes for `count` indices.
    static func maximumDictionaryIndicesSize(count: Int) -> Int { 1 + 16 + count * 2 + 16 }
}
