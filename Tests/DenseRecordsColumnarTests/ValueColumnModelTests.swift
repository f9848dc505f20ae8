import CDenseRecords
@testable import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsTestKit
import Foundation
import Testing

/// The value encoding of each block of `store`.
private func valueEncodings(_ store: CompressedRecords) -> [ValueEncoding] {
    (0..<store.blockCount).map { store.reader(ofBlock: $0).values.encoding }
}

/// One sensor's readings at 1 s: a random walk of values with `digits` decimals.
private func walk(count: Int, digits: Int, scale: Double, seed: UInt64) -> [SensorRecord] {
    var generator = SeededRandomNumberGenerator(seed: seed)
    let power = (0..<digits).reduce(1.0) { product, _ in product * 10 }
    var steps: Int64 = Int64(generator.next() % 100_000)
    return (0..<count).map { i in
        steps += Int64(generator.next() % 201) - 100
        // Parsed from text, as a CSV reader would: the double nearest the decimal.
        let text = String(format: "%.\(digits)f", Double(steps) * scale / power)
        return SensorRecord(sensor_record_t(
            sensor_id: 7, timestamp_ns: 1_700_000_000_000_000_000 + Int64(i) * 1_000_000_000,
            value: Double(text)!, unit: SensorUnit.celsius.rawValue))
    }
}

@Suite("Value column: scaled and divided decimals against the packed records")
struct ValueColumnModelTests {
    // Magnitudes up to about 4 × 10^5: above about 10^6, one-decimal values begin to fail the
    // multiplication (about 9% at 10^6 in measurement) and those blocks keep the division.
    @Test("One and two decimals decode by multiplication, bit for bit", arguments: [1, 2])
    func fewDecimalsAreScaled(digits: Int) throws {
        for scale in [1.0, 3.0, 37.0] {
            let input = walk(count: 20_000, digits: digits, scale: scale, seed: UInt64(digits) * 100 + UInt64(scale))
            let store = try CompressedRecords(compressing: input)
            #expect(Array(store) == modelOrder(input), "digits \(digits), scale \(scale)")
            #expect(valueEncodings(store).allSatisfy { $0 == .scaledDecimal }, "digits \(digits), scale \(scale): \(valueEncodings(store))")
            for block in 0..<store.blockCount {
                let range = store.indices(ofBlock: block)
                store.withBlock(block, columns: .value) { decoded in
                    guard case .columns(let columns) = decoded else { return }
                    #expect(columns.values!.map(\.bitPattern) == modelOrder(input)[range].map(\.value.bitPattern))
                }
            }
        }
    }

    @Test("Where multiplication would add exceptions, a block keeps the division, and still round-trips")
    func manyDecimalsKeepTheDivision() throws {
        let input = walk(count: 20_000, digits: 4, scale: 7, seed: 4)
        let store = try CompressedRecords(compressing: input)
        #expect(Array(store) == modelOrder(input))
        #expect(valueEncodings(store).contains(.decimal), "\(valueEncodings(store))")
    }

    @Test("Rounding by adding 1.5 × 2^52 gives rint's integer, ties to even, at every magnitude")
    func roundingMatchesRint() {
        var generator = SeededRandomNumberGenerator(seed: 0x2E)
        var inputs: [Double] = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, -0.49999999999999994, 0, -0.0,
            0x1p51 - 0.5, -(0x1p51 - 0.5), 0x1p51, -0x1p51, 0x1p51 + 1, 0x1p52 + 1, 0x1p53, 1e300, .infinity, -.infinity]
        for _ in 0..<100_000 {
            // Random magnitudes up to 2^60, and halves at random magnitudes.
            let x = Double(bitPattern: generator.next()) .truncatingRemainder(dividingBy: 0x1p60)
            inputs.append(x.isFinite ? x : 0)
            inputs.append(Double(Int64(bitPattern: generator.next()) >> (generator.next() % 60)) + 0.5)
        }
        for x in inputs {
            #expect(ValueColumnPlan.roundedToEven(x) == x.rounded(.toNearestOrEven), "\(x)")
        }
        #expect(ValueColumnPlan.roundedToEven(.nan).isNaN)
    }

    @Test("The exponent search gives the full scan's choice whatever the hint", arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func exponentHintNeverChangesTheChoice(seed: UInt64) {
        var generator = SeededRandomNumberGenerator(seed: seed)
        for round in 0..<40 {
            // Values with 0...6 decimals or trailing zeros, some exceptions, different sizes.
            let count = [1, 7, 64, 65, 500, 4_096][round % 6]
            let digits = Int(generator.next() % 9) - 2
            let values: [Double] = (0..<count).map { _ in
                if generator.next() % 10 == 0 { return adversarialValue(&generator) }
                let n = Double(Int64(generator.next() % 2_000_001) - 1_000_000)
                return digits >= 0 ? Double(String(format: "%.\(digits)f", n / pow(10, Double(digits))))! : n * pow(10, Double(-digits))
            }
            // The reference: every exponent counted in full, the fewest failures, ties to the smaller.
            let step = max(1, count / 64)
            var expected = 0
            var fewest = Int.max
            for e in ValueColumnPlan.exponents {
                let power = exactPowersOfTen[Int(e.magnitude)]
                let failures = stride(from: 0, to: count, by: step).filter {
                    ValueColumnPlan.decimalInteger(values[$0], exponent: e, power: power) == nil
                }.count
                if failures < fewest { fewest = failures; expected = e }
            }
            var plans: [(ValueEncoding, Int, Int)] = []
            for hint in [-11, -10, -3, 0, 2, 5, 18, 19] {
                let integers = UnsafeMutablePointer<Int64>.allocate(capacity: count)
                let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
                let positions = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
                defer { integers.deallocate(); scratch.deallocate(); positions.deallocate() }
                let plan = values.withUnsafeBufferPointer {
                    ValueColumnPlan(planning: $0, integers: integers, scratch: scratch, exceptionPositions: positions, exponentHint: hint)
                }
                if plan.encoding != .plain { #expect(plan.exponent == expected, "round \(round), hint \(hint)") }
                plans.append((plan.encoding, plan.exponent, plan.exceptionCount))
            }
            #expect(plans.allSatisfy { $0 == plans[0] }, "round \(round): \(plans)")
        }
    }

    @Test("A scaled decimal's exponent must make an exact factor")
    func scaledExponentIsValidated() {
        let section = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
        defer { section.deallocate() }
        section.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
        section.storeBytes(of: ValueEncoding.scaledDecimal.rawValue, as: UInt8.self)
        section.storeBytes(of: Int8(15), toByteOffset: 1, as: Int8.self)
        #expect(ValueColumnReader.validate(section, byteCount: 64, count: 1) == "scaled decimal exponent 15 outside 1...14")
    }
}
