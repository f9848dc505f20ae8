#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable-only-at-creation byte buffer: allocated once with a capacity that bounds
/// everything written to it, then filled and emptied many times.
///
/// The encoders compute worst-case sizes up front (see ``ParquetPageEncoder/maximumEncodedSize(rows:)``),
/// so the hot loops write through a raw pointer without capacity checks; a write past the
/// capacity is a bug in those bounds and traps.
struct ByteBuffer: ~Copyable {
    /// The first byte.
    let base: UnsafeMutableRawPointer
    /// Bytes the buffer can hold.
    let capacity: Int
    /// Bytes written.
    var count = 0

    /// Allocates `capacity` bytes.
    ///
    /// - Throws: ``ParquetWriteError/outOfMemory(requestedBytes:)`` when `malloc` says no.
    init(capacity: Int) throws(ParquetWriteError) {
        guard let base = malloc(max(capacity, 1)) else { throw .outOfMemory(requestedBytes: capacity) }
        self.base = base
        self.capacity = capacity
    }

    deinit { free(base) }

    /// The written bytes; valid until the buffer changes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Forgets the written bytes.
    mutating func removeAll() { count = 0 }

    /// Traps when `additional` more bytes would not fit: the size bounds are wrong.
    @inline(__always)
    func check(_ additional: Int) {
        precondition(count + additional <= capacity, "ParquetWriter: an encoded page outgrew its computed bound")
    }

    /// Appends one byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        check(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Appends `value` in little-endian order.
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        check(MemoryLayout<T>.size)
        (base + count).storeBytes(of: value.littleEndian, as: T.self)
        count += MemoryLayout<T>.size
    }

    /// Appends the first `length` bytes of `value`, little-endian.
    @inline(__always)
    mutating func appendLittleEndian(_ value: UInt64, length: Int) {
        check(8)
        (base + count).storeBytes(of: value.littleEndian, as: UInt64.self)
        count += length
    }

    /// Appends `bytes`.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        check(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// Appends an unsigned LEB128 varint.
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        append(UInt8(rest))
    }

    /// Appends the zigzag varint of a signed value.
    @inline(__always)
    mutating func appendZigzag(_ value: Int64) {
        appendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
}
