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
