// Sums computed on the encoded columns: the integers a column holds are added
// exactly, in 128 bits, and a decimal value column divides that total by its
// power of ten once, instead of converting, scaling and adding every value on
// its own. Below 2^53 in magnitude the total is exact as a double, so a block's
// sum is then its decimals' exact sum (the numbers its values stand for, not the
// doubles' own sum), correctly rounded.
//
// An integer column's values are summed while they are unpacked: for a delta
// column, a running value and a running sum per miniblock, two integer adds a
// value with a latency of one cycle each, where a scan of decoded doubles waits
// on a floating-point add per value. A miniblock whose values could overflow a
// 64-bit sum of 32 of them adds each value into the 128-bit total instead.

extension IntegerColumnReader {
    /// The exact sum of every value.
    ///
    /// - Complexity: O(*n*), one pass over the packed bits.
    func exactSum() -> Int128 {
        let n = count
        guard n > 0 else { return 0 }
        switch encoding {
        case .frameOfReference:
            var total = Int128(base) * Int128(n)
            let reader = values
            guard reader.width != 0 else { return total }
            let w = reader.width
            let mask = reader.mask
            // Up to 2^16 values of at most 47 bits add up in 64 bits.
            let stride = w <= 47 ? 65_536 : 1
            var start = 0
            while start < n {
                let end = Swift.min(n, start &+ stride)
                var partial: UInt64 = 0
                var i = start
                if w <= 47 {
                    // Eight values take w whole bytes: from a multiple of eight, the
                    // offsets and shifts within each group of eight repeat.
                    var group = reader.base + ((i &* w) >> 3)
                    @inline(__always) func add(_ k: Int) {
                        let at = k &* w
                        partial &+= (group.loadUnaligned(fromByteOffset: at >> 3, as: UInt64.self) >> UInt64(at & 7)) & mask
                    }
                    while i &+ 8 <= end {
                        add(0); add(1); add(2); add(3); add(4); add(5); add(6); add(7)
                        group += w
                        i &+= 8
                    }
                }
                while i < end {
                    partial &+= reader.load(i)
                    i &+= 1
                }
                total &+= Int128(partial)
                start = end
            }
            return total
        case .delta:
            return deltaSum()
        }
    }

    /// ``exactSum()`` of a delta column: the decoding loop of ``forEachValue(_:)``,
    /// adding instead of storing.
    private func deltaSum() -> Int128 {
        let n = count
        let reference = self.reference
        let miniblockSize = IntegerColumnPlan.miniblockSize
        // A whole miniblock without exceptions adds up in 64 bits when its
        // values stay below 2^58 in magnitude: a start below 2^56 and 32 steps
        // of at most 2^50 + 2^31 (a specialized width is at most 32 bits).
        let smallReference = reference.magnitude < 1 << 50
        var exception = 0
        var nextException = exceptionCount > 0 ? exceptionPosition(0) : Int.max
        var x = base
        var total = Int128(x)
        var bit = 0
        var first = 0
        var miniblock = 0
        while first < n {
            let w = uniformWidth >= 0 ? uniformWidth : Int(widths.load(fromByteOffset: miniblock, as: UInt8.self))
            let end = Swift.min(n, first &+ miniblockSize)
            if first > 0, end &- first == miniblockSize, nextException >= end, smallReference, x.magnitude < 1 << 56,
                let (partial, running) = Self.zigzagPrefixSums(packed + (bit >> 3), width: w)
            {
                // Value k (1...32) is x + k × reference + the first k zigzag deltas'
                // sum: 32x + (1 + ... + 32) × reference + partial in all.
                total &+= Int128(x &* 32 &+ reference &* 528 &+ partial)
                x = x &+ reference &* 32 &+ running
            } else {
                // Values below 2^57 in magnitude add up in 64 bits, 32 at a time.
                var partial: Int64 = 0
                decodeMiniblock(
                    Swift.max(first, 1)..<end, first: first, bit: bit, width: w, x: &x, exception: &exception,
                    nextException: &nextException
                ) { _, value in
                    if value.magnitude < 1 << 57 { partial &+= value } else { total &+= Int128(value) }
                }
                total &+= Int128(partial)
            }
            bit &+= miniblockSize &* w
            first = end
            miniblock &+= 1
        }
        return total
    }
}

/// A bit width known when compiling: the unpacking loop specialized to it
/// has constant offsets, shifts and mask.
protocol StaticBitWidth {
    /// The width, 1...56.
    static var value: Int { get }
}

// The widths with a specialized loop (see `zigzagPrefixSums(_:width:)`).
enum BitWidth1: StaticBitWidth { static var value: Int { 1 } }
enum BitWidth2: StaticBitWidth { static var value: Int { 2 } }
enum BitWidth3: StaticBitWidth { static var value: Int { 3 } }
enum BitWidth4: StaticBitWidth { static var value: Int { 4 } }
enum BitWidth5: StaticBitWidth { static var value: Int { 5 } }
enum BitWidth6: StaticBitWidth { static var value: Int { 6 } }
enum BitWidth7: StaticBitWidth { static var value: Int { 7 } }
enum BitWidth8: StaticBitWidth { static var value: Int { 8 } }
enum BitWidth9: StaticBitWidth { static var value: Int { 9 } }
enum BitWidth10: StaticBitWidth { static var value: Int { 10 } }
enum BitWidth11: StaticBitWidth { static var value: Int { 11 } }
enum BitWidth12: StaticBitWidth { static var value: Int { 12 } }
enum BitWidth13: StaticBitWidth { static var value: Int { 13 } }
enum BitWidth14: StaticBitWidth { static var value: Int { 14 } }
enum BitWidth15: StaticBitWidth { static var value: Int { 15 } }
enum BitWidth16: StaticBitWidth { static var value: Int { 16 } }
enum BitWidth17: StaticBitWidth { static var value: Int { 17 } }
enum BitWidth18: StaticBitWidth { static var value: Int { 18 } }
enum BitWidth19: StaticBitWidth { static var value: Int { 19 } }
enum BitWidth20: StaticBitWidth { static var value: Int { 20 } }
enum BitWidth21: StaticBitWidth { static var value: Int { 21 } }
enum BitWidth22: StaticBitWidth { static var value: Int { 22 } }
enum BitWidth23: StaticBitWidth { static var value: Int { 23 } }
enum BitWidth24: StaticBitWidth { static var value: Int { 24 } }
enum BitWidth25: StaticBitWidth { static var value: Int { 25 } }
enum BitWidth26: StaticBitWidth { static var value: Int { 26 } }
enum BitWidth27: StaticBitWidth { static var value: Int { 27 } }
enum BitWidth28: StaticBitWidth { static var value: Int { 28 } }
enum BitWidth29: StaticBitWidth { static var value: Int { 29 } }
enum BitWidth30: StaticBitWidth { static var value: Int { 30 } }
enum BitWidth31: StaticBitWidth { static var value: Int { 31 } }
enum BitWidth32: StaticBitWidth { static var value: Int { 32 } }

extension IntegerColumnReader {
    /// The widest miniblock ``zigzagPrefixSums(_:width:)`` has a specialized loop for.
    static let widestSpecializedWidth = 32

    /// For a whole miniblock of 32 zigzag deltas at `width` bits from `bits`,
    /// the sum of their 32 running sums and the last running sum; `nil` for a
    /// width above ``widestSpecializedWidth``.
    ///
    /// Each width has a loop of its own, specialized from one generic body,
    /// whose offsets, shifts and mask are constants. A miniblock starts on a
    /// byte, as it holds 32 × `width` bits.
    static func zigzagPrefixSums(_ bits: UnsafeRawPointer, width: Int) -> (partial: Int64, running: Int64)? {
        switch width {
        case 0: (0, 0)
        case 1: zigzagPrefixSums(bits, BitWidth1.self)
        case 2: zigzagPrefixSums(bits, BitWidth2.self)
        case 3: zigzagPrefixSums(bits, BitWidth3.self)
        case 4: zigzagPrefixSums(bits, BitWidth4.self)
        case 5: zigzagPrefixSums(bits, BitWidth5.self)
        case 6: zigzagPrefixSums(bits, BitWidth6.self)
        case 7: zigzagPrefixSums(bits, BitWidth7.self)
        case 8: zigzagPrefixSums(bits, BitWidth8.self)
        case 9: zigzagPrefixSums(bits, BitWidth9.self)
        case 10: zigzagPrefixSums(bits, BitWidth10.self)
        case 11: zigzagPrefixSums(bits, BitWidth11.self)
        case 12: zigzagPrefixSums(bits, BitWidth12.self)
        case 13: zigzagPrefixSums(bits, BitWidth13.self)
        case 14: zigzagPrefixSums(bits, BitWidth14.self)
        case 15: zigzagPrefixSums(bits, BitWidth15.self)
        case 16: zigzagPrefixSums(bits, BitWidth16.self)
        case 17: zigzagPrefixSums(bits, BitWidth17.self)
        case 18: zigzagPrefixSums(bits, BitWidth18.self)
        case 19: zigzagPrefixSums(bits, BitWidth19.self)
        case 20: zigzagPrefixSums(bits, BitWidth20.self)
        case 21: zigzagPrefixSums(bits, BitWidth21.self)
        case 22: zigzagPrefixSums(bits, BitWidth22.self)
        case 23: zigzagPrefixSums(bits, BitWidth23.self)
        case 24: zigzagPrefixSums(bits, BitWidth24.self)
        case 25: zigzagPrefixSums(bits, BitWidth25.self)
        case 26: zigzagPrefixSums(bits, BitWidth26.self)
        case 27: zigzagPrefixSums(bits, BitWidth27.self)
        case 28: zigzagPrefixSums(bits, BitWidth28.self)
        case 29: zigzagPrefixSums(bits, BitWidth29.self)
        case 30: zigzagPrefixSums(bits, BitWidth30.self)
        case 31: zigzagPrefixSums(bits, BitWidth31.self)
        case 32: zigzagPrefixSums(bits, BitWidth32.self)
        default: nil
        }
    }

    /// ``zigzagPrefixSums(_:width:)`` at the width `W`: fully unrolled.
    @inline(never)
    static func zigzagPrefixSums<W: StaticBitWidth>(_ bits: UnsafeRawPointer, _: W.Type) -> (partial: Int64, running: Int64) {
        let w = W.value
        let mask = BitPacking.mask(w)
        var running: Int64 = 0
        var partial: Int64 = 0
        @inline(__always) func add(_ k: Int) {
            let at = k &* w
            let z = (bits.loadUnaligned(fromByteOffset: at >> 3, as: UInt64.self) >> UInt64(at & 7)) & mask
            running &+= Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
            partial &+= running
        }
        add(0); add(1); add(2); add(3); add(4); add(5); add(6); add(7)
        add(8); add(9); add(10); add(11); add(12); add(13); add(14); add(15)
        add(16); add(17); add(18); add(19); add(20); add(21); add(22); add(23)
        add(24); add(25); add(26); add(27); add(28); add(29); add(30); add(31)
        return (partial, running)
    }
}

extension ValueColumnReader {
    /// The sum of the column's values, NaNs left out, and how many NaNs there are.
    ///
    /// A decimal column adds its integers exactly, leaving out the exception
    /// positions, and divides the total by its power of ten once; the
    /// exceptions are added to that as doubles. The result can differ in its
    /// last bits from adding the decoded values one at a time, as any other
    /// order of addition can.
    ///
    /// - Complexity: O(*n*): one pass over the packed integers, and for a few
    ///   exceptions one read of each one's integer by position.
    func sumExcludingNaN() -> (sum: Double, nanCount: Int) {
        switch encoding {
        case .plain:
            var sum = 0.0
            var nanCount = 0
            for i in 0..<count {
                let value = Double(bitPattern: payload.load(fromByteOffset: 8 &* i, as: UInt64.self))
                if value.isNaN { nanCount &+= 1 } else { sum += value }
            }
            return (sum, nanCount)
        case .decimal, .scaledDecimal:
            let integers = IntegerColumnReader(payload, count: count)
            var total: Int128
            if exceptionCount <= Self.exceptionsReadByPosition {
                total = integers.exactSum()
                for e in 0..<exceptionCount { total &-= Int128(integers.value(at: exceptionPosition(e))) }
            } else {
                total = 0
                var e = 0
                var next = exceptionPosition(0)
                integers.forEachValue { i, n in
                    if i == next {
                        e &+= 1
                        next = e < exceptionCount ? exceptionPosition(e) : Int.max
                    } else {
                        total &+= Int128(n)
                    }
                }
            }
            // One division (or product) by an exact power of ten: below 2^53 in
            // magnitude, the total is exact as a double, and the block's sum is
            // the exact sum of its decimals, correctly rounded.
            let integerTotal = Double(total)
            var sum = exponent >= 0 ? integerTotal / power : integerTotal * power
            var nanCount = 0
            for e in 0..<exceptionCount {
                let value = Double(bitPattern: exceptionBits.load(fromByteOffset: 8 &* e, as: UInt64.self))
                if value.isNaN { nanCount &+= 1 } else { sum += value }
            }
            return (sum, nanCount)
        }
    }

    /// Up to this many exceptions, a sum reads each one's integer by position
    /// (O(64) each) after the fast pass; above it, one slower pass skips them.
    static let exceptionsReadByPosition = 16
}
