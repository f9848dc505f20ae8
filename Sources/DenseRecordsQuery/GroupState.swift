import DenseRecordsCore

/// The running figures of one group: what every aggregate but the quantiles
/// is computed from. A plain value, kept in a flat table; nothing here allocates.
struct GroupState: Sendable, Hashable {
    /// Values aggregated (NaNs excluded).
    var count = 0
    /// NaN values skipped.
    var nanCount = 0
    var sum = 0.0
    var minimum = Double.infinity
    var maximum = -Double.infinity
    var firstTimestamp = Int64.max
    var firstValue = 0.0
    var lastTimestamp = Int64.min
    var lastValue = 0.0

    /// Adds one non-NaN value, with its timestamp when `tracksTime`.
    @inline(__always)
    mutating func add(_ value: Double) {
        count &+= 1
        sum += value
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
    }

    /// Tracks the first and last values by timestamp: the earliest wins,
    /// ties to the one seen first; the latest wins, ties to the one seen last.
    /// Call after ``add(_:)`` for the same record.
    @inline(__always)
    mutating func addTimed(_ value: Double, at timestamp: Int64) {
        if count == 1 || timestamp < firstTimestamp {
            firstTimestamp = timestamp
            firstValue = value
        }
        if timestamp >= lastTimestamp {
            lastTimestamp = timestamp
            lastValue = value
        }
    }

    /// Adds a whole block that a zone map describes, for queries that need
    /// only the count, the NaN count, the minimum and the maximum (or, without
    /// `extremes`, only the counts).
    mutating func add(summarizedBy zone: ZoneMap, extremes: Bool = true) {
        count &+= zone.recordCount - zone.nanCount
        nanCount &+= zone.nanCount
        if extremes, zone.recordCount > zone.nanCount {
            minimum = Swift.min(minimum, zone.minValue)
            maximum = Swift.max(maximum, zone.maxValue)
        }
    }
}

/// What a query computes, as flags the scan loops test once per block.
struct QueryPlan {
    var needsSum = false
    var needsExtremes = false
    var needsFirstLast = false
    var sketchQuantiles = false
    var exactQuantiles = false
    let sketchAccuracy: Double

    init(_ query: RecordQuery) {
        sketchAccuracy = query.sketchAccuracy
        for aggregate in query.aggregates {
            switch aggregate {
            case .count: break
            case .sum, .mean: needsSum = true
            case .min, .max: needsExtremes = true
            case .first, .last: needsFirstLast = true
            case .quantile: sketchQuantiles = true
            case .exactQuantile: exactQuantiles = true
            }
        }
    }

    /// Whether each value is needed one at a time beyond sum, minimum and maximum.
    var needsEachValue: Bool { needsFirstLast || sketchQuantiles || exactQuantiles }

    /// Whether a zone map alone answers a block wholly in one group.
    var zoneMapsSuffice: Bool { !needsSum && !needsEachValue }
}
