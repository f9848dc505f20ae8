/// One figure a query computes for each group.
///
/// Every aggregate but ``count`` reads values that are not NaN: a NaN value
/// is skipped and counted in ``QueryGroup/skippedNaNCount``, and ``count``
/// counts the records that were aggregated (NaNs excluded).
public enum QueryAggregate: Sendable, Hashable, CustomStringConvertible {
    /// The number of matching records whose value is not NaN.
    case count
    /// The sum of the values, added in store order.
    case sum
    /// The sum divided by the count; `nil` for a group of no values.
    case mean
    /// The smallest value.
    case min
    /// The largest value.
    case max
    /// The value of the earliest record by timestamp. Ties go to the record
    /// the store hands out first (block order, then position in the block).
    case first
    /// The value of the latest record by timestamp. Ties go to the record the
    /// store hands out last.
    case last
    /// The `q` quantile from the group's ``DDSketch``: within
    /// ``DDSketch/defaultRelativeAccuracy`` (1%) of the exact
    /// ``exactQuantile(_:)``, relative to its magnitude.
    ///
    /// `q` must lie in `0...1`; the query throws ``QueryError/invalidQuantile(_:)`` otherwise.
    case quantile(Double)
    /// The exact `q` quantile: the value at zero-based rank `max(0, ⌈q·n⌉ − 1)`
    /// of the group's `n` sorted values, as DuckDB's `quantile_disc` defines it.
    ///
    /// The query keeps every value of every group (8 bytes each) and throws
    /// ``QueryError/exactQuantileBudgetExceeded(valueCount:byteLimit:)`` when
    /// that would pass ``RecordQuery/exactQuantileByteLimit``.
    case exactQuantile(Double)

    /// `p50` for the median.
    public static var median: QueryAggregate { .quantile(0.5) }

    /// The name the CLI and the JSON output use: `count`, `sum`, `mean`,
    /// `min`, `max`, `first`, `last`, `p50`, `p99.9`, `exact_p50`.
    public var description: String {
        switch self {
        case .count: "count"
        case .sum: "sum"
        case .mean: "mean"
        case .min: "min"
        case .max: "max"
        case .first: "first"
        case .last: "last"
        case .quantile(let q): "p" + Self.percentName(q)
        case .exactQuantile(let q): "exact_p" + Self.percentName(q)
        }
    }

    /// Parses a name as ``description`` prints it (`p90` is `.quantile(0.9)`).
    ///
    /// - Parameter name: The aggregate's name.
    /// - Returns: The aggregate, or `nil` when the name is unknown or the
    ///   percentile is outside `0...100`.
    public init?(name: String) {
        switch name {
        case "count": self = .count
        case "sum": self = .sum
        case "mean": self = .mean
        case "min": self = .min
        case "max": self = .max
        case "first": self = .first
        case "last": self = .last
        default:
            let exact = name.hasPrefix("exact_p")
            guard exact || name.hasPrefix("p") else { return nil }
            guard let percent = Double(name.dropFirst(exact ? 7 : 1)), (0...100).contains(percent) else { return nil }
            self = exact ? .exactQuantile(percent / 100) : .quantile(percent / 100)
        }
    }

    /// `0.5` → `"50"`, `0.999` → `"99.9"`.
    static func percentName(_ q: Double) -> String {
        let percent = (q * 100 * 1_000_000).rounded() / 1_000_000
        return percent == percent.rounded() && abs(percent) < 1e15 ? String(Int64(percent)) : String(percent)
    }
}
