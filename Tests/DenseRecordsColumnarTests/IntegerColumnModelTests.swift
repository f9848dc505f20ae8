@testable import DenseRecordsColumnar
import DenseRecordsTestKit
import Testing

/// Encodes `values` as one integer column and reads it back every way: the
/// sequential decode queries use, the random access `compressed[i]` uses, and
/// the exact sum a value column's sum is built on.
private func roundTrip(_ values: [Int64]) -> (plan: IntegerColumnPlan, decoded: [Int64], readAt: [Int64], sum: Int128) {
    let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: max(values.count, 1))
    defer { scratch.deallocate() }
    let plan = values.withUnsafeBufferPointer { IntegerColumnPlan(planning: $0, scratch: scratch) }
    let section = UnsafeMutableRawPointer.allocate(byteCount: plan.byteCount, alignment: 8)
    defer { section.deallocate() }
    section.initializeMemory(as: UInt8.self, repeating: 0, count: plan.byteCount)
    values.withUnsafeBufferPointer { plan.write($0, scratch: scratch, to: section) }
    #expect(IntegerColumnReader.validate(section, byteCount: plan.byteCount, count: values.count) == nil)
    let reader = IntegerColumnReader(section, count: values.count)
    let decoded = [Int64](unsafeUninitializedCapacity: values.count) { buffer, count in
        reader.decode(into: UnsafeMutableRawPointer(buffer.baseAddress!))
        count = values.count
    }
    return (plan, decoded, values.indices.map { reader.value(at: $0) }, reader.exactSum())
}

/// The reference sum: each value widened, then added.
private func modelSum(_ values: [Int64]) -> Int128 {
    values.reduce(0) { $0 + Int128($1) }
}

@Suite("Integer column against the plain values")
struct IntegerColumnModelTests {
    @Test("Regular series with rare large jumps: a delta column with exceptions decodes exactly", arguments: [0x1, 0x2, 0x3, 0x4] as [UInt64])
    func deltaExceptions(seed: UInt64) {
        var generator = SeededRandomNumberGenerator(seed: seed)
        for count in [2, 31, 33, 127, 128, 129, 1_000, 4_096] {
            var x = Int64(generator.next() % 1_000_000)
            let values: [Int64] = (0..<count).map { _ in
                // Mostly 1 s steps with jitter; about one step in 50 jumps by up to 2^40.
                x &+= generator.next() % 50 == 0 ? Int64(generator.next() % (1 << 40)) : 1_000 + Int64(generator.next() % 7)
                return x
            }
            let (plan, decoded, readAt, sum) = roundTrip(values)
            #expect(decoded == values, "count \(count)")
            #expect(readAt == values, "count \(count)")
            #expect(sum == modelSum(values), "count \(count)")
            if count >= 1_000 {
                #expect(plan.encoding == .delta && plan.exceptionCount > 0, "the series should take the exception path: \(plan.encoding), \(plan.exceptionCount)")
            }
        }
    }

    @Test("Arbitrary Int64 values, the extremes included, decode exactly whatever encoding wins", arguments: [0x5, 0x6] as [UInt64])
    func arbitraryValues(seed: UInt64) {
        var generator = SeededRandomNumberGenerator(seed: seed)
        for count in [1, 2, 32, 200, 4_096] {
            let values: [Int64] = (0..<count).map { i in
                switch generator.next() % 5 {
                case 0: return .min
                case 1: return .max
                case 2: return Int64(bitPattern: generator.next())
                default: return Int64(i) * 10 + Int64(generator.next() % 3)
                }
            }
            let (_, decoded, readAt, sum) = roundTrip(values)
            #expect(decoded == values, "count \(count)")
            #expect(readAt == values, "count \(count)")
            #expect(sum == modelSum(values), "count \(count)")
        }
    }

    @Test("Frame of reference at every width sums and decodes exactly, whole groups of eight and the rest", arguments: Array(0...64))
    func everyFrameOfReferenceWidth(width: Int) {
        var generator = SeededRandomNumberGenerator(seed: 0xF0 &+ UInt64(width))
        for count in [1, 7, 8, 9, 63, 100, 4_096] {
            // Random values within `width` bits of a base: no delta is narrower.
            let base = Int64(bitPattern: generator.next()) >> 2
            let values: [Int64] = (0..<count).map { _ in
                base &+ Int64(bitPattern: width == 0 ? 0 : generator.next() >> (64 - width))
            }
            let (plan, decoded, readAt, sum) = roundTrip(values)
            #expect(decoded == values, "width \(width), count \(count)")
            #expect(readAt == values, "width \(width), count \(count)")
            #expect(sum == modelSum(values), "width \(width), count \(count)")
            if width >= 2, count >= 100 {
                #expect(plan.encoding == .frameOfReference, "width \(width), count \(count): \(plan.encoding)")
            }
        }
    }

    @Test("Every delta width, the specialized ones and the general loop, sums and decodes exactly", arguments: Array(0...64))
    func everyDeltaWidth(width: Int) {
        var generator = SeededRandomNumberGenerator(seed: 0x51D0 &+ UInt64(width))
        // Starts near zero, near the 64-bit sum's limits (2^56, 2^57) and near Int64.max,
        // so both the fast miniblock sum and its 128-bit fallback are taken.
        for start in [0, 1 << 55 + 12_345, -(1 << 57), Int64.max - (1 << 40)] as [Int64] {
            var x = start
            let values: [Int64] = (0..<1_000).map { i in
                if i > 0 {
                    // A zigzag delta of exactly `width` bits around a reference step of
                    // 2^40, so a frame of reference would span more than 2^49.
                    let bits = width == 0 ? 0 : generator.next() >> (64 - width) | (1 << (width - 1))
                    let delta = Int64(bitPattern: (bits >> 1) ^ (0 &- (bits & 1)))
                    x = x &+ (1 << 40) &+ delta
                }
                return x
            }
            let (plan, decoded, readAt, sum) = roundTrip(values)
            // Deltas of up to 48 bits beat a frame of reference spanning 1,000 steps of 2^40 at least.
            if width <= 48 {
                #expect(plan.encoding == .delta, "width \(width), start \(start): \(plan.encoding)")
            }
            #expect(decoded == values, "width \(width), start \(start)")
            #expect(readAt == values, "width \(width), start \(start)")
            #expect(sum == modelSum(values), "width \(width), start \(start)")
        }
    }
}
