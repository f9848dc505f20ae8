// An Int64 column (timestamps, and the integers ALP turns values into), encoded
// as frame of reference or as deltas, bit-packed. Section layout, offsets in
// bytes from the section's start, little-endian:
//
//   0  UInt8   kind: 1 frame of reference, 2 delta
//   1  UInt8   frame of reference: width of each packed value, 0...64; delta: the
//              width of every miniblock, 0...64, or 255 when each has its own
//   2  UInt8   checkpoint width (delta), 0...64
//   3  UInt8   reserved, 0
//   4  UInt32  exception count k (delta)
//   8  Int64   base: the column's minimum (frame of reference), its first value (delta)
//  16  Int64   reference delta (delta)
//  24  frame of reference: value i packed as `x[i] - base`
//      delta: checkpoints (zigzag(`x[128c] - base - 128c × reference`): 0 bits for a
//      regular series), at the checkpoint width, then, when byte 1 is 255, one UInt8
//      width per miniblock of 32 values (padded to 8 bytes), then k UInt16 exception
//      positions minus one (padded to 8 bytes), k Int64 exception deltas, then the
//      miniblocks one after another, miniblock m taking 32 × width[m] bits: delta j
//      (j ≥ 1) packed as zigzag(`x[j] - x[j-1] - reference`), 0 at an exception,
//      whose true delta is patched from the list. Delta 0 is unused (packed 0).
//
// All arithmetic wraps, so every Int64 column round-trips, Int64.min and max included.

internal import CDenseRecordsShims

/// The integer encodings.
enum IntegerEncoding: UInt8 {
    /// `x - min`, bit-packed: any position decodes in O(1).
    case frameOfReference = 1
    /// Deltas against a reference delta, zigzag, bit-packed at a width per
    /// miniblock of 32, with exceptions patched and a checkpoint every 128 values.
    case delta = 2
}

/// Unpacks values at absolute bit offsets of a stream (see BitPacking.swift);
/// writers append with ``BitStreamWriter``.
enum Bits {
    @inline(__always)
    static func load(at bit: Int, width: Int, mask: UInt64, from base: UnsafeRawPointer) -> UInt64 {
        if width <= 56 {
            return (base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self) >> UInt64(bit & 7)) & mask
        }
        let words = base.assumingMemoryBound(to: UInt64.self)
        let shift = UInt64(bit & 63)
        var value = words[bit >> 6] >> shift
        if shift != 0 { value |= words[(bit >> 6) &+ 1] << (64 &- shift) }
        return value & mask
    }
}

/// The plan for one integer column: its encoding and exact size.
struct IntegerColumnPlan {
    /// Records between checkpoints of a delta column.
    static let checkpointInterval = 128
    /// Records per miniblock of a delta column, each with its own width.
    static let miniblockSize = 32
    /// The fixed header bytes.
    static let headerBytes = 24

    var encoding: IntegerEncoding
    var width: Int
    var checkpointWidth: Int
    var exceptionCount: Int
    var base: Int64
    var reference: Int64
    var count: Int
    /// Delta: the width of each miniblock.
    var miniblockWidths: [UInt8]

    /// Delta: the bits of all miniblocks.
    static func packedBits(_ widths: UnsafeRawPointer, count: Int) -> Int {
        var bits = 0
        for m in 0..<count { bits += Int(widths.load(fromByteOffset: m, as: UInt8.self)) }
        return bits * miniblockSize
    }

    /// The section's size in bytes, a multiple of 8.
    var byteCount: Int {
        switch encoding {
        case .frameOfReference:
            return Self.headerBytes + BitPacking.byteCount(count: count, width: width)
        case .delta:
            let bits = miniblockWidths.reduce(0) { $0 + Int($1) } * Self.miniblockSize
            return Self.deltaByteCount(
                count: count, checkpointWidth: checkpointWidth, exceptionCount: exceptionCount, packedBits: bits,
                uniform: width != Self.perMiniblockWidths)
        }
    }

    /// The width byte of a delta column whose miniblocks each have their own width.
    static let perMiniblockWidths = 255

    static func deltaByteCount(count: Int, checkpointWidth: Int, exceptionCount: Int, packedBits: Int, uniform: Bool) -> Int {
        let checkpoints = (count + checkpointInterval - 1) / checkpointInterval
        let miniblocks = (count + miniblockSize - 1) / miniblockSize
        return headerBytes + BitPacking.byteCount(count: checkpoints, width: checkpointWidth) + (uniform ? 0 : alignedTo8(miniblocks))
            + alignedTo8(2 * exceptionCount) + 8 * exceptionCount + BitPacking.byteCount(count: packedBits, width: 1)
    }

    /// Chooses the smaller encoding for `values`, using `scratch` (at least
    /// `values.count` elements) for the zigzagged deltas, which ``write(_:scratch:to:)`` reuses.
    ///
    /// - Parameter range: The smallest and largest of `values`, when the
    ///   caller knows them (a zone map does); else they are found here.
    init(planning values: UnsafeBufferPointer<Int64>, scratch: UnsafeMutablePointer<UInt64>, range: ClosedRange<Int64>? = nil) {
        let n = values.count
        count = n
        var low = Int64.max
        var high = Int64.min
        if let range {
            low = range.lowerBound
            high = range.upperBound
        } else {
            for x in values {
                low = Swift.min(low, x)
                high = Swift.max(high, x)
            }
        }
        if n == 0 { low = 0; high = 0 }
        base = n > 0 ? values[0] : 0
        let forWidth = BitPacking.bitWidth(UInt64(bitPattern: high &- low))
        // The reference delta: the median of up to 31 sampled deltas.
        var reference: Int64 = 0
        if n > 1 {
            var sample: [Int64] = []
            sample.reserveCapacity(32)
            let step = Swift.max(1, (n - 1) / 31)
            var j = 1
            while j < n, sample.count < 31 {
                sample.append(values[j] &- values[j - 1])
                j += step
            }
            sample.sort()
            reference = sample[sample.count / 2]
        }
        self.reference = reference
        scratch[0] = 0
        if n > 1 {
            for j in 1..<n {
                let d = (values[j] &- values[j - 1]) &- reference
                scratch[j] = UInt64(bitPattern: (d << 1) ^ (d >> 63))
            }
        }
        // Per miniblock, the width that minimizes 32 × width + 80 bits per exception.
        var widths: [UInt8] = []
        widths.reserveCapacity((n + Self.miniblockSize - 1) / Self.miniblockSize)
        var exceptions = 0
        var histogram = [Int](repeating: 0, count: 65)
        var start = 0
        while start < n {
            let end = Swift.min(n, start + Self.miniblockSize)
            var all: UInt64 = 0
            for j in start..<end { all |= scratch[j] }
            let widest = BitPacking.bitWidth(all)
            var best = widest
            // A narrower width w pays only below widest - 2 (each exception costs
            // 80 bits, each bit of width 32), and then with every value of at least
            // 2^(widest - 3) an exception: when those are too many for any w, the
            // widest width is the plan, found without the histogram below.
            var near = 0
            if widest >= 3 {
                // v >> (widest - 3) is 0...7, and 0 exactly below the threshold:
                // adding 7 and dropping three bits counts without a branch.
                let shift = UInt64(widest - 3)
                for j in start..<end { near &+= Int(truncatingIfNeeded: ((scratch[j] >> shift) &+ 7) >> 3) }
            }
            if widest >= 3, 80 * near < Self.miniblockSize * widest {
                for j in start..<end { histogram[BitPacking.bitWidth(scratch[j])] += 1 }
                var bestCost = Self.miniblockSize * widest
                var above = 0
                var w = widest
                while w > 0 {
                    above += histogram[w]
                    let cost = Self.miniblockSize * (w - 1) + 80 * above
                    if cost < bestCost { bestCost = cost; best = w - 1 }
                    w -= 1
                }
                for len in (best + 1)..<(widest + 1) { exceptions += histogram[len] }
                for len in 0...widest { histogram[len] = 0 }
            }
            widths.append(UInt8(best))
            start = end
        }
        // Checkpoints relative to the line `first + reference × position`.
        var checkpointBits: UInt64 = 0
        if n > 0 {
            var c = 0
            while c < n {
                let d = (values[c] &- values[0]) &- reference &* Int64(c)
                checkpointBits |= UInt64(bitPattern: (d << 1) ^ (d >> 63))
                c += Self.checkpointInterval
            }
        }
        encoding = .delta
        width = widths.allSatisfy { $0 == widths.first } ? Int(widths.first ?? 0) : Self.perMiniblockWidths
        checkpointWidth = BitPacking.bitWidth(checkpointBits)
        exceptionCount = exceptions
        miniblockWidths = widths
        let deltaBytes = byteCount
        let forBytes = Self.headerBytes + BitPacking.byteCount(count: n, width: forWidth)
        if forBytes <= deltaBytes || n > 65_536 {
            base = low
            encoding = .frameOfReference
            width = forWidth
            checkpointWidth = 0
            exceptionCount = 0
            self.reference = 0
            miniblockWidths = []
        }
    }

    /// A plan with the given fields (to check a section's size).
    init(encoding: IntegerEncoding, width: Int, checkpointWidth: Int, exceptionCount: Int, base: Int64, reference: Int64, count: Int) {
        self.encoding = encoding
        self.width = width
        self.checkpointWidth = checkpointWidth
        self.exceptionCount = exceptionCount
        self.base = base
        self.reference = reference
        self.count = count
        self.miniblockWidths = []
    }

    /// Writes the section for `values` into `out`, which holds ``byteCount`` zeroed bytes.
    /// `scratch` holds what ``init(planning:scratch:)`` left in it.
    func write(_ values: UnsafeBufferPointer<Int64>, scratch: UnsafePointer<UInt64>, to out: UnsafeMutableRawPointer) {
        out.storeBytes(of: encoding.rawValue, as: UInt8.self)
        out.storeBytes(of: UInt8(width), toByteOffset: 1, as: UInt8.self)
        out.storeBytes(of: UInt8(checkpointWidth), toByteOffset: 2, as: UInt8.self)
        out.storeBytes(of: UInt32(exceptionCount), toByteOffset: 4, as: UInt32.self)
        out.storeBytes(of: base, toByteOffset: 8, as: Int64.self)
        out.storeBytes(of: reference, toByteOffset: 16, as: Int64.self)
        var cursor = out + Self.headerBytes
        switch encoding {
        case .frameOfReference:
            var writer = BitStreamWriter(at: cursor)
            let width = self.width
            for i in 0..<count { writer.append(UInt64(bitPattern: values[i] &- base), width: width) }
            writer.finish()
        case .delta:
            let checkpoints = (count + Self.checkpointInterval - 1) / Self.checkpointInterval
            let checkpointWriter = BitWriter(base: cursor, width: checkpointWidth)
            for c in 0..<checkpoints {
                let position = c * Self.checkpointInterval
                let d = (values[position] &- base) &- reference &* Int64(position)
                checkpointWriter.store(UInt64(bitPattern: (d << 1) ^ (d >> 63)), at: c)
            }
            cursor += BitPacking.byteCount(count: checkpoints, width: checkpointWidth)
            if width == Self.perMiniblockWidths {
                for (m, w) in miniblockWidths.enumerated() { cursor.storeBytes(of: w, toByteOffset: m, as: UInt8.self) }
                cursor += alignedTo8(miniblockWidths.count)
            }
            let positions = cursor
            let deltas = cursor + alignedTo8(2 * exceptionCount)
            let packed = deltas + 8 * exceptionCount
            var e = 0
            // The miniblocks are one stream: miniblock m starts where m - 1 ends. A
            // miniblock's slots past the last value stay zero.
            var writer = BitStreamWriter(at: packed)
            for (m, w8) in miniblockWidths.enumerated() {
                let w = Int(w8)
                let mask = BitPacking.mask(w)
                let start = m * Self.miniblockSize
                let end = Swift.min(count, start + Self.miniblockSize)
                // A miniblock without exceptions (the common case) is written
                // without a test per value, and at width 0 not at all.
                var over: UInt64 = 0
                for j in start..<end { over |= scratch[j] & ~mask }
                if over == 0 {
                    if w > 0 { for j in start..<end { writer.append(scratch[j], width: w) } }
                } else {
                    for j in start..<end {
                        let z = scratch[j]
                        if z & ~mask != 0 {
                            positions.storeBytes(of: UInt16(j - 1), toByteOffset: 2 * e, as: UInt16.self)
                            deltas.storeBytes(of: values[j] &- values[j - 1], toByteOffset: 8 * e, as: Int64.self)
                            e += 1
                            writer.append(0, width: w)
                        } else {
                            writer.append(z, width: w)
                        }
                    }
                }
                if w > 0 { for _ in end..<(start + Self.miniblockSize) { writer.append(0, width: w) } }
            }
            writer.finish()
        }
    }
}

/// Rounds `n` up to a multiple of 8.
@inline(__always)
func alignedTo8(_ n: Int) -> Int { (n + 7) & ~7 }

/// An integer column read in place.
struct IntegerColumnReader {
    let encoding: IntegerEncoding
    let count: Int
    let base: Int64
    let reference: Int64
    /// Frame of reference: the values.
    let values: BitReader
    let checkpoints: BitReader
    let exceptionCount: Int
    /// Delta: one width byte per miniblock, unless ``uniformWidth`` is set.
    let widths: UnsafeRawPointer
    /// Delta: the width of every miniblock, or -1 when ``widths`` holds one each.
    let uniformWidth: Int
    /// Exception positions minus one (a delta at position 0 never is one), UInt16 each.
    let exceptionPositions: UnsafeRawPointer
    let exceptionDeltas: UnsafeRawPointer
    /// Delta: the packed miniblocks.
    let packed: UnsafeRawPointer

    /// A reader of the section at `section` holding `count` values. The section
    /// must have passed ``validate(_:byteCount:count:)``.
    @inline(__always)
    init(_ section: UnsafeRawPointer, count: Int) {
        self.count = count
        encoding = IntegerEncoding(rawValue: section.load(as: UInt8.self)) ?? .frameOfReference
        let width = Int(section.load(fromByteOffset: 1, as: UInt8.self))
        let checkpointWidth = Int(section.load(fromByteOffset: 2, as: UInt8.self))
        exceptionCount = Int(section.load(fromByteOffset: 4, as: UInt32.self))
        base = section.load(fromByteOffset: 8, as: Int64.self)
        reference = section.load(fromByteOffset: 16, as: Int64.self)
        var cursor = section + IntegerColumnPlan.headerBytes
        switch encoding {
        case .frameOfReference:
            checkpoints = BitReader(base: cursor, width: 0)
            widths = cursor
            uniformWidth = width
            exceptionPositions = cursor
            exceptionDeltas = cursor
            packed = cursor
            values = BitReader(base: cursor, width: width)
        case .delta:
            checkpoints = BitReader(base: cursor, width: checkpointWidth)
            let checkpointCount = (count + IntegerColumnPlan.checkpointInterval - 1) / IntegerColumnPlan.checkpointInterval
            cursor += BitPacking.byteCount(count: checkpointCount, width: checkpointWidth)
            widths = cursor
            if width == IntegerColumnPlan.perMiniblockWidths {
                uniformWidth = -1
                cursor += alignedTo8((count + IntegerColumnPlan.miniblockSize - 1) / IntegerColumnPlan.miniblockSize)
            } else {
                uniformWidth = width
            }
            exceptionPositions = cursor
            exceptionDeltas = cursor + alignedTo8(2 * exceptionCount)
            packed = exceptionDeltas + 8 * exceptionCount
            values = BitReader(base: packed, width: 0)
        }
    }

    /// Checks that a section of `byteCount` bytes is a well-formed column of `count` values.
    ///
    /// - Returns: `nil` when it is, otherwise what is wrong.
    static func validate(_ section: UnsafeRawPointer, byteCount: Int, count: Int) -> String? {
        guard byteCount >= IntegerColumnPlan.headerBytes else { return "integer column shorter than its header" }
        guard let encoding = IntegerEncoding(rawValue: section.load(as: UInt8.self)) else {
            return "unknown integer encoding \(section.load(as: UInt8.self))"
        }
        let width = Int(section.load(fromByteOffset: 1, as: UInt8.self))
        let checkpointWidth = Int(section.load(fromByteOffset: 2, as: UInt8.self))
        guard width <= 64 || (encoding == .delta && width == IntegerColumnPlan.perMiniblockWidths), checkpointWidth <= 64 else {
            return "bit width \(width) above 64"
        }
        let exceptions = Int(section.load(fromByteOffset: 4, as: UInt32.self))
        guard encoding == .delta || exceptions == 0, exceptions <= count else { return "exception count \(exceptions) out of range" }
        switch encoding {
        case .frameOfReference:
            let expected = IntegerColumnPlan.headerBytes + BitPacking.byteCount(count: count, width: width)
            guard expected == byteCount else { return "integer column holds \(byteCount) bytes, its header implies \(expected)" }
        case .delta:
            let checkpoints = (count + IntegerColumnPlan.checkpointInterval - 1) / IntegerColumnPlan.checkpointInterval
            let miniblocks = (count + IntegerColumnPlan.miniblockSize - 1) / IntegerColumnPlan.miniblockSize
            let widthsOffset = IntegerColumnPlan.headerBytes + BitPacking.byteCount(count: checkpoints, width: checkpointWidth)
            let uniform = width != IntegerColumnPlan.perMiniblockWidths
            var bits = miniblocks * IntegerColumnPlan.miniblockSize * width
            if !uniform {
                guard widthsOffset + alignedTo8(miniblocks) <= byteCount else { return "miniblock widths overrun the column" }
                for m in 0..<miniblocks where section.load(fromByteOffset: widthsOffset + m, as: UInt8.self) > 64 {
                    return "miniblock \(m) width above 64"
                }
                bits = IntegerColumnPlan.packedBits(section + widthsOffset, count: miniblocks)
            }
            let expected = IntegerColumnPlan.deltaByteCount(
                count: count, checkpointWidth: checkpointWidth, exceptionCount: exceptions, packedBits: bits, uniform: uniform)
            guard expected == byteCount else { return "integer column holds \(byteCount) bytes, its header implies \(expected)" }
            let reader = IntegerColumnReader(section, count: count)
            var previous = 0
            for e in 0..<exceptions {
                let position = Int(reader.exceptionPositions.load(fromByteOffset: 2 * e, as: UInt16.self)) + 1
                guard position > previous, position < count else { return "exception position \(position) out of order or range" }
                previous = position
            }
        }
        return nil
    }

    /// Value `i`.
    ///
    /// - Complexity: O(1) for frame of reference; for deltas, at most 64
    ///   unpacked deltas (from the nearer checkpoint, before or after `i`), a
    ///   sum of the miniblock widths before them, eight at a time, and a binary
    ///   search of the exceptions.
    @inline(__always)
    func value(at i: Int) -> Int64 {
        switch encoding {
        case .frameOfReference:
            return base &+ Int64(bitPattern: values.load(i))
        case .delta:
            let interval = IntegerColumnPlan.checkpointInterval
            let c = i / interval
            let start = c &* interval
            let next = start &+ interval
            if i &- start > interval / 2, next < count {
                return checkpointValue(c &+ 1) &- deltaSum(after: i, through: next)
            }
            return checkpointValue(c) &+ deltaSum(after: start, through: i)
        }
    }

    /// Starts loading the packed bits near value `i` (the column's section
    /// ending at `end`), so that a read of value `i` finds them in cache or on
    /// their way. A hint: for per-miniblock widths the place is estimated.
    @inline(__always)
    func prefetch(near i: Int, end: UnsafeRawPointer) {
        switch encoding {
        case .frameOfReference:
            dr_prefetch(values.base + ((i &* values.width) >> 3))
        case .delta:
            if uniformWidth >= 0 {
                dr_prefetch(packed + ((i &* uniformWidth) >> 3))
            } else {
                dr_prefetch(widths + i / IntegerColumnPlan.miniblockSize)
                dr_prefetch(packed + (end - packed) * i / Swift.max(count, 1))
            }
        }
    }

    /// Value `c × 128` of a delta column, from its checkpoint.
    @inline(__always)
    func checkpointValue(_ c: Int) -> Int64 {
        let z = checkpoints.load(c)
        return base &+ reference &* Int64(c &* IntegerColumnPlan.checkpointInterval) &+ Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
    }

    /// The bit at which miniblock `m` of a delta column starts.
    @inline(__always)
    func miniblockBit(_ m: Int) -> Int {
        if uniformWidth >= 0 { return m &* uniformWidth &* IntegerColumnPlan.miniblockSize }
        var total = 0
        var k = 0
        // Eight widths (each at most 64) at a time: byte pairs summed into 16-bit
        // lanes, then one multiply adds the four lanes into the top one.
        while k &+ 8 <= m {
            let w = widths.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            let pairs = (w & 0x00FF_00FF_00FF_00FF) &+ ((w >> 8) & 0x00FF_00FF_00FF_00FF)
            total &+= Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
            k &+= 8
        }
        while k < m {
            total &+= Int(widths.load(fromByteOffset: k, as: UInt8.self))
            k &+= 1
        }
        return total &* IntegerColumnPlan.miniblockSize
    }

    /// The sum of deltas `a + 1 ... b` of a delta column, exceptions patched
    /// (`0 ≤ a ≤ b < count`).
    @inline(__always)
    func deltaSum(after a: Int, through b: Int) -> Int64 {
        guard b > a else { return 0 }
        var zigzagSum: Int64 = 0
        var miniblock = (a &+ 1) / IntegerColumnPlan.miniblockSize
        var bit = miniblockBit(miniblock)
        var j = a &+ 1
        while j <= b {
            let w = uniformWidth >= 0 ? uniformWidth : Int(widths.load(fromByteOffset: miniblock, as: UInt8.self))
            let first = miniblock &* IntegerColumnPlan.miniblockSize
            let end = Swift.min(b, first &+ IntegerColumnPlan.miniblockSize &- 1)
            if w != 0 {
                let mask = BitPacking.mask(w)
                while j <= end {
                    let z = Bits.load(at: bit &+ (j &- first) &* w, width: w, mask: mask, from: packed)
                    zigzagSum &+= Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
                    j &+= 1
                }
            }
            j = end &+ 1
            bit &+= IntegerColumnPlan.miniblockSize &* w
            miniblock &+= 1
        }
        var sum = zigzagSum &+ reference &* Int64(b &- a)
        if exceptionCount > 0 {
            // An exception's slot is packed 0: its delta replaces the reference.
            var low = 0
            var high = exceptionCount
            while low < high {
                let mid = (low &+ high) / 2
                if exceptionPosition(mid) <= a { low = mid &+ 1 } else { high = mid }
            }
            while low < exceptionCount {
                let position = exceptionPosition(low)
                if position > b { break }
                sum = sum &+ (exceptionDeltas.load(fromByteOffset: 8 &* low, as: Int64.self) &- reference)
                low &+= 1
            }
        }
        return sum
    }

    /// Calls `body` with each position and value, in order, in one pass.
    ///
    /// Decoders pass what they store as `body`, so that unpacking, patching
    /// exceptions, the running sum and their own conversion happen in one
    /// loop, with no intermediate column written and read back.
    ///
    /// - Complexity: O(*n*).
    @inline(__always)
    func forEachValue(_ body: (_ position: Int, _ value: Int64) -> Void) {
        let n = count
        guard n > 0 else { return }
        switch encoding {
        case .frameOfReference:
            let reader = values
            let base = self.base
            if reader.width == 0 {
                for i in 0..<n { body(i, base) }
            } else {
                for i in 0..<n { body(i, base &+ Int64(bitPattern: reader.load(i))) }
            }
        case .delta:
            let reference = self.reference
            // Exceptions replace the delta at their position; validation keeps them ascending.
            var exception = 0
            var nextException = exceptionCount > 0 ? exceptionPosition(0) : Int.max
            var x = base
            body(0, x)
            var bit = 0
            var first = 0
            var miniblock = 0
            while first < n {
                let w = uniformWidth >= 0 ? uniformWidth : Int(widths.load(fromByteOffset: miniblock, as: UInt8.self))
                let end = Swift.min(n, first &+ IntegerColumnPlan.miniblockSize)
                // Delta 0 of the first miniblock is unused: value 0 is the base.
                let start = Swift.max(first, 1)
                let mask = BitPacking.mask(w)
                if nextException >= end, w <= 56 {
                    // The common miniblock, in a loop of its own: no exception in it, and
                    // every value one unaligned load away (a width of at most 56 bits plus
                    // a shift of at most 7 fits in 64).
                    let miniblockBits = packed + (bit >> 3)
                    let shift0 = bit & 7
                    for j in start..<end {
                        let at = shift0 &+ (j &- first) &* w
                        let word = miniblockBits.loadUnaligned(fromByteOffset: at >> 3, as: UInt64.self)
                        let z = (word >> UInt64(at & 7)) & mask
                        x = x &+ reference &+ Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
                        body(j, x)
                    }
                } else {
                    decodeMiniblock(
                        start..<end, first: first, bit: bit, width: w, x: &x, exception: &exception,
                        nextException: &nextException, body)
                }
                bit &+= IntegerColumnPlan.miniblockSize &* w
                first = end
                miniblock &+= 1
            }
        }
    }

    /// Decodes the values at `positions` of the delta miniblock that starts
    /// at value `first` and bit `bit`, at width `width`, one at a time, with
    /// exceptions patched: the general loop, for any width and any miniblock.
    ///
    /// `x` is the value before the first position and becomes the last one;
    /// `exception` and `nextException` are the exception cursor, advanced past
    /// the positions.
    @inline(__always)
    func decodeMiniblock(
        _ positions: Range<Int>, first: Int, bit: Int, width w: Int, x: inout Int64, exception: inout Int,
        nextException: inout Int, _ body: (_ position: Int, _ value: Int64) -> Void
    ) {
        let mask = BitPacking.mask(w)
        for j in positions {
            var delta = reference
            if w != 0 {
                let z = Bits.load(at: bit &+ (j &- first) &* w, width: w, mask: mask, from: packed)
                delta = delta &+ Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
            }
            if _slowPath(j == nextException) {
                delta = exceptionDeltas.load(fromByteOffset: 8 &* exception, as: Int64.self)
                exception &+= 1
                nextException = exception < exceptionCount ? exceptionPosition(exception) : Int.max
            }
            x = x &+ delta
            body(j, x)
        }
    }

    /// The position of exception `e` of a delta column.
    @inline(__always)
    func exceptionPosition(_ e: Int) -> Int {
        Int(exceptionPositions.load(fromByteOffset: 2 &* e, as: UInt16.self)) &+ 1
    }

    /// Decodes every value into `out` (``count`` Int64 slots of raw memory).
    ///
    /// - Complexity: O(*n*).
    func decode(into out: UnsafeMutableRawPointer) {
        forEachValue { out.storeBytes(of: $1, toByteOffset: 8 &* $0, as: Int64.self) }
    }
}
