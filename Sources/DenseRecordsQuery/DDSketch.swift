import Foundation
import InternalDenseRecordsUtilities

/// A mergeable quantile sketch with a relative-error guarantee (DDSketch,
/// Masson, Rim and Lee, VLDB 2019).
///
/// Values are counted in logarithmic buckets `(γ^(i−1), γ^i]` with
/// `γ = (1 + α) / (1 − α)`, positive and negative values apart. For any `q`,
/// ``quantile(_:)`` returns a value `v` with
///
///     |v − x| ≤ α · |x|
///
/// where `x` is the exact quantile: the value at zero-based rank
/// `max(0, ⌈q·n⌉ − 1)` of the `n` sorted values (DuckDB's `quantile_disc`).
/// `α` is ``relativeAccuracy``, 1% (``defaultRelativeAccuracy``) unless chosen.
/// The bound holds up to the rounding of one `log` call (about 1e-15 relative).
///
/// Limits, all documented choices:
/// - Values of magnitude below `Double.leastNormalMagnitude` (zero and the
///   subnormals) share one bucket and are reported as `0`: the absolute error
///   there is below 2.3e-308.
/// - `±infinity` are counted apart and reported as themselves. NaN is not
///   accepted: ``add(_:)`` ignores it and returns `false`.
/// - Memory: 8 bytes per bucket between the smallest and largest magnitude
///   seen, per sign: `ln(max/min) / ln γ` buckets, about 1,040 for values
///   spanning 1e-3 to 1e6 at 1%; never more than about 71,000 per sign at 1%.
///   The sketch grows by doubling, so adding values allocates O(log buckets)
///   times in all, not once per value. No bucket is ever collapsed, so the
///   bound holds for every `q`.
/// - Two sketches merge exactly (bucket counts add), so per-block or
///   per-thread sketches combine into the sketch of the union.
public struct DDSketch: Sendable, Hashable {
    /// 1%.
    public static let defaultRelativeAccuracy = 0.01

    /// The accuracies a sketch accepts: 0.1% to 50%. Finer accuracies make
    /// the bucket arrays too large to bound sensibly.
    public static let accuracyRange: ClosedRange<Double> = 0.001...0.5

    /// `α`: every quantile is within this fraction of the exact one's magnitude.
    public let relativeAccuracy: Double
    /// `1 / ln γ`.
    let inverseLogGamma: Double
    /// `γ`.
    let gamma: Double

    var positive = SketchBuckets()
    var negative = SketchBuckets()
    var zeroCount = 0
    var positiveInfinityCount = 0
    var negativeInfinityCount = 0

    /// The number of values added (NaNs are not added).
    public private(set) var count = 0
    /// The smallest value added, or `+infinity` when empty.
    public private(set) var minimum = Double.infinity
    /// The largest value added, or `-infinity` when empty.
    public private(set) var maximum = -Double.infinity

    /// Creates an empty sketch.
    ///
    /// - Parameter relativeAccuracy: `α`, in ``accuracyRange``; 1% by default.
    ///   An accuracy outside the range is a programming error and traps with
    ///   a message naming it (queries check it first and throw).
    public init(relativeAccuracy: Double = DDSketch.defaultRelativeAccuracy) {
        require(
            DDSketch.accuracyRange.contains(relativeAccuracy),
            "DDSketch relative accuracy \(relativeAccuracy) is not in \(DDSketch.accuracyRange)")
        self.relativeAccuracy = relativeAccuracy
        gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
        inverseLogGamma = 1 / Foundation.log(gamma)
    }

    /// Whether no value has been added.
    public var isEmpty: Bool { count == 0 }

    /// Counts `value`.
    ///
    /// - Parameter value: The value; NaN is ignored.
    /// - Returns: `false` when `value` is NaN and was not counted.
    /// - Complexity: O(1) amortized: one `log`, and a doubling of the bucket
    ///   array when `value` is outside the magnitudes seen so far.
    @discardableResult
    public mutating func add(_ value: Double) -> Bool {
        if value.isNaN { return false }
        count += 1
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
        let magnitude = value.magnitude
        if magnitude < Double.leastNormalMagnitude {
            zeroCount += 1
        } else if magnitude == .infinity {
            if value > 0 { positiveInfinityCount += 1 } else { negativeInfinityCount += 1 }
        } else if value > 0 {
            positive.increment(bucketIndex(of: magnitude))
        } else {
            negative.increment(bucketIndex(of: magnitude))
        }
        return true
    }

    /// Adds every count of `other` to this sketch: the result is the sketch
    /// of both sketches' values.
    ///
    /// - Parameter other: A sketch with the same ``relativeAccuracy``;
    ///   merging sketches of different accuracies is a programming error and
    ///   traps with a message naming both.
    /// - Complexity: O(buckets of `other`).
    public mutating func merge(_ other: DDSketch) {
        require(
            other.relativeAccuracy == relativeAccuracy,
            "DDSketch.merge: accuracies differ (\(relativeAccuracy) and \(other.relativeAccuracy))")
        count += other.count
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        zeroCount += other.zeroCount
        positiveInfinityCount += other.positiveInfinityCount
        negativeInfinityCount += other.negativeInfinityCount
        positive.add(other.positive)
        negative.add(other.negative)
    }

    /// The bucket holding magnitude `magnitude`: `⌈log_γ(magnitude)⌉`.
    @inline(__always)
    func bucketIndex(of magnitude: Double) -> Int {
        Int((Foundation.log(magnitude) * inverseLogGamma).rounded(.up))
    }

    /// The value a bucket reports: `γ^i · (1 − α)`, within `α` of every
    /// magnitude in `(γ^(i−1), γ^i]`.
    func representative(ofBucket index: Int) -> Double {
        Foundation.pow(gamma, Double(index)) * (1 - relativeAccuracy)
    }
}
