// The value column: ALP-style decimals or plain IEEE 754 bits. Section layout:
//
//   0  UInt8   kind: 1 plain, 2 decimal (ALP), 3 scaled decimal (ALP's decoder)
//   1  Int8    decimal exponent e: -10...18 (decimal), 1...14 (scaled decimal)
//   2  UInt16  reserved, 0
//   4  UInt32  exception count k (decimal, scaled decimal)
//   8  plain: n UInt64 bit patterns
//      decimal: k UInt16 exception positions (padded to 8 bytes), k UInt64 bit
//      patterns, then an integer column (see IntegerColumn.swift) of the
//      integers n[i], where value[i] == Double(n[i]) / 10^e (e ≥ 0) or
//      Double(n[i]) × 10^-e (e < 0) bit for bit, except at the exception
//      positions, whose bits are patched.
//      scaled decimal: the same, but value[i] == Double(n[i]) × 10^(14-e) × 10^-14,
//      the two products rounded in that order, 10^-14 being the double nearest it.
//
// Scaled decimals are ALP's decoder with its exponent fixed at 14 and its factor
// at 14 - e: two multiplications instead of a division, which is what makes a
// scan of them fast. They hold the same integers as the decimal kind; a block uses
// them unless one of its values fails them where the division holds it (on values
// with one or two decimals none did in measurement; with three or more, about 1%
// of values would, and the block stays with the division). Planning checks the
// multiplication first, so a block of scaled decimals is planned without a division.
//
// After ALP (Afroozeh, Kuffó and Boncz, SIGMOD 2024), simplified to one signed
// exponent: decoding divides by an exactly representable power of ten, so a
// decimal the parser rounded to the nearest double decodes to that same double;
// a negative exponent drops trailing zeros (97300 is 973 × 10^2), as ALP's factor does. NaN payloads,
// -0.0, infinities, and decimals with too many digits are exceptions.

internal import CDenseRecordsShims

/// The value encodings.
enum ValueEncoding: UInt8 {
    /// Raw IEEE 754 bits.
    case plain = 1
    /// Decimal integers (ALP-style), with exceptions patched.
    case decimal = 2
    /// Decimal integers decoded by two multiplications (ALP's decoder), with exceptions patched.
    case scaledDecimal = 3
}

/// 10^-14: the double nearest it, the second factor of a scaled decimal.
let scaledDecimalDownscale = 1e-14

/// The exponents a scaled decimal can have: its factor 10^(14 - e) must be exact.
let scaledDecimalExponents = 1...14

/// Powers of ten that are exact doubles, 10^0 ... 10^18.
let exactPowersOfTen: [Double] = (0...18).map { e in
    var p = 1.0
    for _ in 0..<e { p *= 10 }
    return p
}

/// The plan for one value column.
struct ValueColumnPlan {
    static let headerBytes = 8
    /// The largest magnitude whose integer survives the trip through Double.
    static let integerLimit = 9_007_199_254_740_992.0  // 2^53

    var encoding: ValueEncoding
    var exponent: Int
    var exceptionCount: Int
    var integers: IntegerColumnPlan?
    var count: Int

    var byteCount: Int {
        switch encoding {
        case .plain: return Self.headerBytes + 8 * count
        case .decimal, .scaledDecimal:
            return Self.headerBytes + alignedTo8(2 * exceptionCount) + 8 * exceptionCount + integers!.byteCount
        }
    }

    /// The exponents tried, from the one that makes the smallest integers.
    static let exponents = -10...18

    /// `x` rounded to the nearest integer, ties to even.
    ///
    /// Below 2^51 in magnitude, adding and subtracting 1.5 × 2^52 rounds in the
    /// FPU's default mode, ties to even: two additions where `rounded(_:)` is
    /// a call to `rint` on x86-64 without SSE4.1, which the package's baseline
    /// target is. Larger magnitudes (and NaN) take `rounded(_:)`.
    @inline(__always)
    static func roundedToEven(_ x: Double) -> Double {
        x.magnitude < magicRoundingLimit ? (x + roundingMagic) - roundingMagic : x.rounded(.toNearestOrEven)
    }

    /// 1.5 × 2^52: added and subtracted, it rounds to an integer (see ``roundedToEven(_:)``).
    static let roundingMagic = 6_755_399_441_055_744.0
    /// 2^51: below it in magnitude, ``roundingMagic`` rounds exactly.
    static let magicRoundingLimit = 2_251_799_813_685_248.0

    /// The integer nearest `value` × 10^`e` (`power` being 10^|e|), when it
    /// is below 2^53 in magnitude (not for NaN): the only integer `value` can
    /// encode to at that exponent, before checking that it decodes back.
    @inline(__always)
    static func candidateInteger(_ value: Double, exponent e: Int, power: Double) -> Int64? {
        let scaled = roundedToEven(e >= 0 ? value * power : value / power)
        return scaled.magnitude < integerLimit ? Int64(scaled) : nil
    }

    /// The integer `value` encodes to at exponent `e` (whose power of ten is
    /// `power`), if it round-trips bit for bit.
    @inline(__always)
    static func decimalInteger(_ value: Double, exponent e: Int, power: Double) -> Int64? {
        guard let n = candidateInteger(value, exponent: e, power: power) else { return nil }
        return decoded(n, exponent: e, power: power).bitPattern == value.bitPattern ? n : nil
    }

    /// The value integer `n` decodes to at exponent `e`.
    @inline(__always)
    static func decoded(_ n: Int64, exponent e: Int, power: Double) -> Double {
        e >= 0 ? Double(n) / power : Double(n) * power
    }

    /// The value integer `n` decodes to as a scaled decimal whose factor is
    /// `upscale` (10^(14 - e)): the one expression encoder and decoder share.
    @inline(__always)
    static func scaledDecoded(_ n: Int64, upscale: Double) -> Double {
        Double(n) * upscale * scaledDecimalDownscale
    }

    /// Decodes integer `n` as `encoding` says, with `power` and `upscale` from the exponent.
    @inline(__always)
    static func decoded(_ n: Int64, encoding: ValueEncoding, exponent e: Int, power: Double, upscale: Double) -> Double {
        encoding == .scaledDecimal ? scaledDecoded(n, upscale: upscale) : decoded(n, exponent: e, power: power)
    }

    /// The factor of a scaled decimal at exponent `e` (in ``scaledDecimalExponents``): 10^(14 - e), exact.
    @inline(__always)
    static func upscale(exponent e: Int) -> Double {
        exactPowersOfTen[14 - Swift.max(scaledDecimalExponents.lowerBound, Swift.min(scaledDecimalExponents.upperBound, e))]
    }

    /// Chooses the encoding of `values`. `integers`, `scratch` and `exceptionPositions`
    /// are scratch space of `values.count` elements; ``write(_:integers:scratch:exceptionPositions:to:)``
    /// reuses what they hold.
    ///
    /// `exponentHint`, the exponent of the block before, is tried first; it
    /// changes how fast the choice is made, never the choice.
    init(
        planning values: UnsafeBufferPointer<Double>, integers: UnsafeMutablePointer<Int64>,
        scratch: UnsafeMutablePointer<UInt64>, exceptionPositions: UnsafeMutablePointer<UInt16>, exponentHint: Int = 2
    ) {
        let n = values.count
        count = n
        encoding = .plain
        exponent = 0
        exceptionCount = 0
        self.integers = nil
        guard n > 0 else { return }
        // The exponent with the fewest exceptions on a sample of up to 64 values;
        // ties go to the smaller. The previous block's exponent is counted first,
        // and each other exponent only until it can no longer win: the same
        // choice as counting every exponent in full, in a fraction of the work
        // when the hint holds (an exponent above a hint without failures is
        // then never counted at all).
        let step = Swift.max(1, n / 64)
        let sampled = (n + step - 1) / step
        @inline(__always) func failures(_ e: Int, stoppingAt limit: Int) -> Int {
            let power = exactPowersOfTen[Int(e.magnitude)]
            var failures = 0
            var i = 0
            while i < n, failures < limit {
                if Self.decimalInteger(values[i], exponent: e, power: power) == nil { failures += 1 }
                i += step
            }
            return failures
        }
        var bestExponent = Self.exponents.contains(exponentHint) ? exponentHint : 2
        var bestFailures = failures(bestExponent, stoppingAt: Int.max)
        for e in Self.exponents where e != bestExponent && bestFailures > 0 || e < bestExponent {
            // A smaller exponent wins a tie, a larger one must do strictly better.
            let limit = e < bestExponent ? bestFailures + 1 : bestFailures
            let count = failures(e, stoppingAt: limit)
            if count < limit { bestFailures = count; bestExponent = e }
        }
        guard bestFailures < sampled else { return }
        // Scaled decimals first, where the exponent allows them: they need no
        // division to check. A value they fail but the division holds makes the
        // block a plain decimal, planned again.
        var kind: ValueEncoding = scaledDecimalExponents.contains(bestExponent) ? .scaledDecimal : .decimal
        var found = Self.integers(
            of: values, kind: kind, exponent: bestExponent, into: integers, exceptionPositions: exceptionPositions)
        if found == nil {
            kind = .decimal
            found = Self.integers(
                of: values, kind: kind, exponent: bestExponent, into: integers, exceptionPositions: exceptionPositions)
        }
        guard let (exceptions, range) = found, exceptions < n, exceptions <= 65_536 else { return }
        let plan = IntegerColumnPlan(planning: UnsafeBufferPointer(start: integers, count: n), scratch: scratch, range: range)
        let decimalBytes = Self.headerBytes + alignedTo8(2 * exceptions) + 8 * exceptions + plan.byteCount
        if decimalBytes < Self.headerBytes + 8 * n {
            encoding = kind
            exponent = bestExponent
            exceptionCount = exceptions
            self.integers = plan
        }
    }

    /// Turns `values` into the integers of `kind` at `exponent`, in one pass:
    /// each value's integer, or for an exception its neighbour's (which costs a
    /// zero delta), with the exceptions' positions in `exceptionPositions`.
    ///
    /// - Returns: The number of exceptions and the smallest and largest integer
    ///   written; `nil` for a scaled decimal that a value fails where the
    ///   division would hold it (a plain decimal holds more of these values),
    ///   or when no value is a decimal.
    @inline(__always)
    static func integers(
        of values: UnsafeBufferPointer<Double>, kind: ValueEncoding, exponent e: Int,
        into integers: UnsafeMutablePointer<Int64>, exceptionPositions: UnsafeMutablePointer<UInt16>
    ) -> (exceptions: Int, range: ClosedRange<Int64>)? {
        let n = values.count
        guard n > 0 else { return nil }
        let power = exactPowersOfTen[Int(e.magnitude)]
        let upscale = Self.upscale(exponent: e)
        // Pass 1, without a branch per value: each value's integer, and the
        // positions of those that do not round-trip quickly (below 2^51 in
        // magnitude, by the cheap rounding), which pass 2 looks at again. They
        // are few: exceptions, and integers from 2^51 to 2^53.
        var flagged = 0
        @inline(__always) func quick(_ i: Int, _ x: Double, _ decode: (Int64) -> Double) {
            let value = values[i]
            let small = x.magnitude < magicRoundingLimit  // false for NaN
            let m = Int64(small ? (x + roundingMagic) - roundingMagic : 0)
            integers[i] = m
            let holds = small && decode(m).bitPattern == value.bitPattern
            exceptionPositions[flagged] = UInt16(truncatingIfNeeded: i)
            flagged &+= holds ? 0 : 1
        }
        if kind == .scaledDecimal {
            for i in 0..<n { quick(i, values[i] * power) { scaledDecoded($0, upscale: upscale) } }
        } else if e >= 0 {
            for i in 0..<n { quick(i, values[i] * power) { Double($0) / power } }
        } else {
            for i in 0..<n { quick(i, values[i] / power) { Double($0) * power } }
        }
        // Pass 2, in order: a flagged value whose integer holds after all (the
        // full check) keeps it; any other is an exception, repeating the integer
        // before it (or, before the first integer, the first), which costs a zero delta.
        var exceptions = 0
        for f in 0..<flagged {
            let i = Int(exceptionPositions[f])
            let value = values[i]
            var good: Int64?
            if kind != .scaledDecimal {
                good = decimalInteger(value, exponent: e, power: power)
            } else if let m = candidateInteger(value, exponent: e, power: power) {
                if scaledDecoded(m, upscale: upscale).bitPattern == value.bitPattern {
                    good = m
                } else if decoded(m, exponent: e, power: power).bitPattern == value.bitPattern {
                    return nil
                }
            }
            if let good {
                integers[i] = good
            } else {
                integers[i] = i > 0 ? integers[i &- 1] : 0
                exceptionPositions[exceptions] = UInt16(truncatingIfNeeded: i)
                exceptions &+= 1
            }
        }
        guard exceptions < n else { return nil }
        // Exceptions before the first integer repeat it.
        var leading = 0
        while leading < exceptions, Int(exceptionPositions[leading]) == leading { leading &+= 1 }
        if leading > 0 {
            let first = integers[leading]
            for j in 0..<leading { integers[j] = first }
        }
        // An exception repeats an integer already there, so all of them bound the column.
        var low = Int64.max
        var high = Int64.min
        for i in 0..<n {
            low = Swift.min(low, integers[i])
            high = Swift.max(high, integers[i])
        }
        return (exceptions, low...high)
    }

    /// Writes the section into `out` (``byteCount`` zeroed bytes), with the
    /// integers and exception positions planning left in its scratch space.
    func write(
        _ values: UnsafeBufferPointer<Double>, integers: UnsafePointer<Int64>, scratch: UnsafePointer<UInt64>,
        exceptionPositions: UnsafePointer<UInt16>, to out: UnsafeMutableRawPointer
    ) {
        out.storeBytes(of: encoding.rawValue, as: UInt8.self)
        out.storeBytes(of: Int8(exponent), toByteOffset: 1, as: Int8.self)
        out.storeBytes(of: UInt32(exceptionCount), toByteOffset: 4, as: UInt32.self)
        switch encoding {
        case .plain:
            for i in 0..<count { out.storeBytes(of: values[i].bitPattern, toByteOffset: 8 + 8 * i, as: UInt64.self) }
        case .decimal, .scaledDecimal:
            let positions = out + Self.headerBytes
            let bits = positions + alignedTo8(2 * exceptionCount)
            for e in 0..<exceptionCount {
                let position = exceptionPositions[e]
                positions.storeBytes(of: position, toByteOffset: 2 * e, as: UInt16.self)
                bits.storeBytes(of: values[Int(position)].bitPattern, toByteOffset: 8 * e, as: UInt64.self)
            }
            self.integers!.write(UnsafeBufferPointer(start: integers, count: count), scratch: scratch, to: bits + 8 * exceptionCount)
        }
    }
}

/// A value column read in place.
struct ValueColumnReader {
    let encoding: ValueEncoding
    let count: Int
    let exponent: Int
    let power: Double
    /// Scaled decimal: 10^(14 - exponent).
    let upscale: Double
    let exceptionCount: Int
    let exceptionPositions: UnsafeRawPointer
    let exceptionBits: UnsafeRawPointer
    /// Plain: the bit patterns. Decimal: the integer section.
    let payload: UnsafeRawPointer

    /// A reader of a validated section.
    init(_ section: UnsafeRawPointer, count: Int) {
        self.count = count
        encoding = ValueEncoding(rawValue: section.load(as: UInt8.self)) ?? .plain
        exponent = Swift.max(-10, Swift.min(18, Int(section.load(fromByteOffset: 1, as: Int8.self))))
        power = exactPowersOfTen[Int(exponent.magnitude)]
        upscale = ValueColumnPlan.upscale(exponent: exponent)
        exceptionCount = Int(section.load(fromByteOffset: 4, as: UInt32.self))
        exceptionPositions = section + ValueColumnPlan.headerBytes
        exceptionBits = exceptionPositions + alignedTo8(2 * exceptionCount)
        payload = encoding == .plain ? section + ValueColumnPlan.headerBytes : exceptionBits + 8 * exceptionCount
    }

    /// The position of exception `e`.
    @inline(__always)
    func exceptionPosition(_ e: Int) -> Int {
        Int(exceptionPositions.load(fromByteOffset: 2 * e, as: UInt16.self))
    }

    /// Checks that a section of `byteCount` bytes is a well-formed value column of `count` values.
    static func validate(_ section: UnsafeRawPointer, byteCount: Int, count: Int) -> String? {
        guard byteCount >= ValueColumnPlan.headerBytes else { return "value column shorter than its header" }
        guard let encoding = ValueEncoding(rawValue: section.load(as: UInt8.self)) else {
            return "unknown value encoding \(section.load(as: UInt8.self))"
        }
        let exponent = Int(section.load(fromByteOffset: 1, as: Int8.self))
        let exceptions = Int(section.load(fromByteOffset: 4, as: UInt32.self))
        switch encoding {
        case .plain:
            guard byteCount == ValueColumnPlan.headerBytes + 8 * count else { return "plain value column of \(byteCount) bytes for \(count) values" }
        case .decimal, .scaledDecimal:
            guard ValueColumnPlan.exponents.contains(exponent) else { return "decimal exponent \(exponent) outside -10...18" }
            guard encoding == .decimal || scaledDecimalExponents.contains(exponent) else {
                return "scaled decimal exponent \(exponent) outside 1...14"
            }
            guard exceptions <= count else { return "exception count \(exceptions) above the record count" }
            let reader = ValueColumnReader(section, count: count)
            let integerOffset = reader.payload - section
            guard integerOffset <= byteCount else { return "value exceptions overrun the column" }
            var previous = -1
            for e in 0..<exceptions {
                let position = reader.exceptionPosition(e)
                guard position > previous, position < count else { return "value exception position \(position) out of order or range" }
                previous = position
            }
            if let problem = IntegerColumnReader.validate(reader.payload, byteCount: byteCount - integerOffset, count: count) {
                return problem
            }
        }
        return nil
    }

    /// Value `i`.
    @inline(__always)
    func value(at i: Int) -> Double {
        switch encoding {
        case .plain:
            return Double(bitPattern: payload.load(fromByteOffset: 8 * i, as: UInt64.self))
        case .decimal, .scaledDecimal:
            if exceptionCount > 0 {
                var low = 0
                var high = exceptionCount
                while low < high {
                    let mid = (low + high) / 2
                    if exceptionPosition(mid) < i { low = mid + 1 } else { high = mid }
                }
                if low < exceptionCount, exceptionPosition(low) == i {
                    return Double(bitPattern: exceptionBits.load(fromByteOffset: 8 * low, as: UInt64.self))
                }
            }
            let n = IntegerColumnReader(payload, count: count).value(at: i)
            return ValueColumnPlan.decoded(n, encoding: encoding, exponent: exponent, power: power, upscale: upscale)
        }
    }

    /// Starts loading the bytes value `i` is read from (the section ends at
    /// `end`); see ``IntegerColumnReader/prefetch(near:end:)``.
    @inline(__always)
    func prefetch(near i: Int, end: UnsafeRawPointer) {
        switch encoding {
        case .plain: dr_prefetch(payload + 8 &* i)
        case .decimal, .scaledDecimal: IntegerColumnReader(payload, count: count).prefetch(near: i, end: end)
        }
    }

    /// Decodes every value into `out` (``count`` doubles of raw memory).
    func decode(into out: UnsafeMutableRawPointer) {
        switch encoding {
        case .plain:
            out.copyMemory(from: payload, byteCount: 8 * count)
        case .decimal, .scaledDecimal:
            // The integers are unpacked, summed and scaled in one pass.
            let integers = IntegerColumnReader(payload, count: count)
            let power = self.power
            if encoding == .scaledDecimal {
                let upscale = self.upscale
                integers.forEachValue {
                    out.storeBytes(of: ValueColumnPlan.scaledDecoded($1, upscale: upscale), toByteOffset: 8 &* $0, as: Double.self)
                }
            } else if exponent >= 0 {
                integers.forEachValue { out.storeBytes(of: Double($1) / power, toByteOffset: 8 &* $0, as: Double.self) }
            } else {
                integers.forEachValue { out.storeBytes(of: Double($1) * power, toByteOffset: 8 &* $0, as: Double.self) }
            }
            for e in 0..<exceptionCount {
                out.storeBytes(
                    of: exceptionBits.load(fromByteOffset: 8 * e, as: UInt64.self),
                    toByteOffset: 8 * exceptionPosition(e), as: UInt64.self)
            }
        }
    }
}
