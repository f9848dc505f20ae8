/// Reading quantiles out of a sketch.
extension DDSketch {
    /// The `q` quantile of the values added, within ``relativeAccuracy`` of
    /// the exact one (see the type's discussion for the rank definition).
    ///
    /// - Parameter q: The quantile, in `0...1`.
    /// - Returns: The estimate, clamped to the exact minimum and maximum;
    ///   `nil` when the sketch is empty or `q` is outside `0...1` or NaN.
    /// - Complexity: O(buckets).
    public func quantile(_ q: Double) -> Double? {
        guard count > 0, q >= 0, q <= 1 else { return nil }
        let rank = Swift.max(0, Int((q * Double(count)).rounded(.up)) - 1)
        return Swift.min(Swift.max(estimate(atRank: rank), minimum), maximum)
    }

    /// The reported value of the bucket that holds the value of zero-based rank `rank`.
    func estimate(atRank rank: Int) -> Double {
        var seen = negativeInfinityCount
        if rank < seen { return -.infinity }
        // Negative values: the largest magnitude is the smallest value.
        if let index = negative.bucket(atRank: rank - seen, fromHighest: true) {
            return -representative(ofBucket: index)
        }
        seen += negative.total
        seen += zeroCount
        if rank < seen { return 0 }
        if let index = positive.bucket(atRank: rank - seen, fromHighest: false) {
            return representative(ofBucket: index)
        }
        return .infinity
    }
}

/// The bucket counts of one sign: a dense array over the bucket indices seen,
/// grown by doubling so it allocates O(log n) times, never per value.
struct SketchBuckets: Sendable, Hashable {
    /// `counts[i]` counts bucket `offset + i`.
    var counts: [Int] = []
    var offset = 0
    /// The sum of `counts`.
    var total = 0

    @inline(__always)
    mutating func increment(_ index: Int, by amount: Int = 1) {
        var position = index - offset
        if position < 0 || position >= counts.count { position = grow(toInclude: index) }
        counts[position] += amount
        total += amount
    }

    /// Widens the array to cover `index`, at least doubling it; returns the new position of `index`.
    mutating func grow(toInclude index: Int) -> Int {
        if counts.isEmpty {
            counts = Array(repeating: 0, count: 64)
            offset = index - 32
            return index - offset
        }
        let low = Swift.min(offset, index)
        let high = Swift.max(offset + counts.count - 1, index)
        let span = high - low + 1
        let newCount = Swift.max(span, counts.count * 2)
        // Grow toward the side that needed it.
        let newOffset = index < offset ? high - newCount + 1 : low
        var grown = Array(repeating: 0, count: newCount)
        for (position, value) in counts.enumerated() where value != 0 {
            grown[position + offset - newOffset] = value
        }
        counts = grown
        offset = newOffset
        return index - offset
    }

    mutating func add(_ other: SketchBuckets) {
        for (position, value) in other.counts.enumerated() where value != 0 {
            increment(position + other.offset, by: value)
        }
    }

    /// The index of the bucket holding the value of zero-based rank `rank`,
    /// counting from the lowest (or the highest) index; `nil` when `rank` is
    /// at least ``total``.
    func bucket(atRank rank: Int, fromHighest: Bool) -> Int? {
        guard rank < total else { return nil }
        var seen = 0
        if fromHighest {
            for position in counts.indices.reversed() {
                seen += counts[position]
                if rank < seen { return position + offset }
            }
        } else {
            for position in counts.indices {
                seen += counts[position]
                if rank < seen { return position + offset }
            }
        }
        return nil
    }
}
