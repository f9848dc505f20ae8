import DenseRecordsCore
import DenseRecordsQuery
import DenseRecordsTestKit
import Testing

@Suite("DDSketch")
struct DDSketchTests {
    static let quantiles: [Double] = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1]

    /// Every quantile of `values` through a sketch lies within `accuracy` of the exact one.
    func expectWithinBound(_ values: [Double], accuracy: Double, _ label: String) {
        var sketch = DDSketch(relativeAccuracy: accuracy)
        for value in values { sketch.add(value) }
        let sorted = values.filter { !$0.isNaN }.sorted()
        #expect(sketch.count == sorted.count, "\(label)")
        for q in Self.quantiles {
            guard let exact = exactQuantile(sorted, q), let estimate = sketch.quantile(q) else {
                #expect(sorted.isEmpty && sketch.quantile(q) == nil, "\(label) p\(q)")
                continue
            }
            let error = abs(estimate - exact)
            #expect(error <= accuracy * abs(exact) * (1 + 1e-9) || estimate == exact || error < Double.leastNormalMagnitude,
                "\(label) α=\(accuracy) p\(q): \(estimate) vs exact \(exact), error \(error / abs(exact))")
        }
    }

    @Test(arguments: [0.001, 0.01, 0.05, 0.5])
    func quantilesStayWithinTheStatedBound(accuracy: Double) {
        var generator = SeededRandomNumberGenerator(seed: 0xD05C)
        let distributions: [(String, () -> Double)] = [
            ("uniform", { Double.random(in: 0..<1_000, using: &generator) }),
            ("signed", { Double.random(in: -1_000...1_000, using: &generator) }),
            ("log-spread", { Double.random(in: -12...12, using: &generator).exp10 }),
            ("heavy-tail", { 1 / (Double.random(in: 1e-9...1, using: &generator)) }),
            ("few-distinct", { Double(Int.random(in: -3...3, using: &generator)) }),
            ("tiny-and-huge", { [0, -0.0, Double.leastNonzeroMagnitude, 1e300, -1e300, .infinity, -.infinity][Int.random(in: 0..<7, using: &generator)] }),
        ]
        for (name, draw) in distributions {
            for count in [1, 2, 3, 10, 1_001, 20_000] {
                let values = (0..<count).map { _ in draw() }
                expectWithinBound(values, accuracy: accuracy, "\(name) n=\(count)")
            }
        }
    }

    @Test func mergeEqualsTheSketchOfTheUnion() {
        var generator = SeededRandomNumberGenerator(seed: 0x3E46)
        let values = (0..<5_000).map { _ in Double.random(in: -1e4...1e5, using: &generator) }
        var whole = DDSketch()
        var left = DDSketch()
        var right = DDSketch()
        for (index, value) in values.enumerated() {
            whole.add(value)
            if index % 3 == 0 { left.add(value) } else { right.add(value) }
        }
        left.merge(right)
        #expect(left.count == whole.count)
        for q in Self.quantiles { #expect(left.quantile(q) == whole.quantile(q), "p\(q)") }
    }

    @Test func nanIsRefusedAndEmptySketchesAnswerNil() {
        var sketch = DDSketch()
        #expect(sketch.add(.nan) == false)
        #expect(sketch.isEmpty && sketch.quantile(0.5) == nil)
        sketch.add(3)
        #expect(sketch.quantile(-0.1) == nil && sketch.quantile(.nan) == nil && sketch.quantile(1.5) == nil)
        #expect(sketch.quantile(0.5) == 3)  // clamped to the exact min and max
    }

    @Test func aBadAccuracyTraps() async {
        await #expect(processExitsWith: .failure) { _ = DDSketch(relativeAccuracy: 0) }
        await #expect(processExitsWith: .failure) {
            var sketch = DDSketch(relativeAccuracy: 0.01)
            sketch.merge(DDSketch(relativeAccuracy: 0.02))
        }
    }
}

extension Double {
    fileprivate var exp10: Double {
        var result = 1.0
        let whole = Int(self.rounded(.down))
        for _ in 0..<abs(whole) { result = whole < 0 ? result / 10 : result * 10 }
        return result * (1 + (self - Double(whole)) * 9)
    }
}
