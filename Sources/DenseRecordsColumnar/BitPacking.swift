// Bit-level packing of unsigned integers, least significant bit first.
//
// Value `i` of a stream packed at width `w` occupies bits `i*w ..< (i+1)*w` of
// the byte stream, bit 0 being the least significant bit of byte 0. Every
// packed stream is followed by at least `BitPacking.tailPadding` zero bytes, so
// a reader may always load 8 bytes at the byte holding a value's first bit.

/// Sizes and helpers of the packed bit streams.
enum BitPacking {
    /// The zero bytes every packed stream is followed by, so that readers can
    /// load a whole `UInt64` at any value's first byte.
    static let tailPadding = 8

    /// The number of bits needed to hold `value` (0 for 0).
    @inline(__always)
    static func bitWidth(_ value: UInt64) -> Int { 64 &- value.leadingZeroBitCount }

    /// The bytes a stream of `count` values at `width` bits occupies, padding included,
    /// rounded up to a multiple of 8 so the next section stays aligned.
    @inline(__always)
    static func byteCount(count: Int, width: Int) -> Int {
        width == 0 ? 0 : ((count &* width &+ 63) >> 6) &* 8 &+ tailPadding
    }

    /// The mask of the low `width` bits.
    @inline(__always)
    static func mask(_ width: Int) -> UInt64 { width >= 64 ? .max : (UInt64(1) << UInt64(width)) &- 1 }
}

/// Writes unsigned integers of one width into a zeroed byte range.
struct BitWriter {
    /// The first byte of the stream; the range must be zeroed and hold
    /// `BitPacking.byteCount(count:width:)` bytes.
    let base: UnsafeMutableRawPointer
    /// The width of every value, 0...64.
    let width: Int

    /// Stores `value` (which must fit in `width` bits) as value number `index`.
    @inline(__always)
    func store(_ value: UInt64, at index: Int) {
        guard width != 0 else { return }
        let bit = index &* width
        let word = bit >> 6
        let shift = UInt64(bit & 63)
        let words = base.assumingMemoryBound(to: UInt64.self)
        words[word] |= value << shift
        if shift != 0, Int(shift) &+ width > 64 {
            words[word &+ 1] |= value >> (64 &- shift)
        }
    }
}

/// Appends unsigned integers to a zeroed packed stream in order, a whole
/// 64-bit word at a time: where ``BitWriter`` reads and rewrites one or two
/// words per value, this keeps the word being filled in a register.
///
/// Each value may have its own width, so a delta column's miniblocks, each at
/// its own width, are one stream. Call ``finish()`` after the last value.
struct BitStreamWriter {
    /// Where the next whole word goes.
    private var cursor: UnsafeMutableRawPointer
    /// The bits not yet stored, from bit 0.
    private var word: UInt64 = 0
    /// How many bits of ``word`` are filled, 0..<64.
    private var filled = 0

    /// A writer at the first byte of a zeroed stream, which must be followed by
    /// `BitPacking.tailPadding` bytes: ``finish()`` stores a whole word.
    @inline(__always)
    init(at base: UnsafeMutableRawPointer) { cursor = base }

    /// Appends `value`, which must fit in `width` (0...64) bits.
    @inline(__always)
    mutating func append(_ value: UInt64, width: Int) {
        word |= value << UInt64(filled)
        let total = filled &+ width
        if total >= 64 {
            cursor.storeBytes(of: word, as: UInt64.self)
            cursor += 8
            filled = total &- 64
            // The bits of `value` that did not fit, or none.
            word = filled == 0 ? 0 : value >> UInt64(width &- filled)
        } else {
            filled = total
        }
    }

    /// Stores the bits of the last, partly filled word.
    @inline(__always)
    func finish() {
        if filled > 0 { cursor.storeBytes(of: word, as: UInt64.self) }
    }
}

/// Reads unsigned integers of one width from a packed stream, in place.
struct BitReader {
    /// The first byte of the stream.
    let base: UnsafeRawPointer
    /// The width of every value, 0...64.
    let width: Int
    /// The mask of `width` bits.
    let mask: UInt64

    /// A reader of a stream at `base` packed at `width` bits.
    @inline(__always)
    init(base: UnsafeRawPointer, width: Int) {
        self.base = base
        self.width = width
        self.mask = BitPacking.mask(width)
    }

    /// Value number `index`.
    @inline(__always)
    func load(_ index: Int) -> UInt64 {
        if width == 0 { return 0 }
        let bit = index &* width
        if width <= 56 {
            let word = base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
            return (word >> UInt64(bit & 7)) & mask
        }
        let words = base.assumingMemoryBound(to: UInt64.self)
        let shift = UInt64(bit & 63)
        var value = words[bit >> 6] >> shift
        if shift != 0 { value |= words[(bit >> 6) &+ 1] << (64 &- shift) }
        return value & mask
    }
}
