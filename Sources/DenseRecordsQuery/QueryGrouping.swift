/// How a query splits the matching records into groups.
///
/// Time buckets are tumbling windows aligned to the Unix epoch: a record with
/// timestamp `t` falls in the bucket that starts at `⌊t / width⌋ · width`.
/// Groups come out ordered by sensor id, then by bucket start.
public enum QueryGrouping: Sendable, Hashable {
    /// One group for every matching record.
    case none
    /// One group per sensor.
    case sensor
    /// One group per time bucket of the given width (at least one nanosecond).
    case timeBucket(Duration)
    /// One group per sensor and time bucket.
    case sensorAndTimeBucket(Duration)

    /// Whether groups are keyed by sensor.
    public var groupsBySensor: Bool {
        switch self {
        case .sensor, .sensorAndTimeBucket: true
        case .none, .timeBucket: false
        }
    }

    /// The bucket width, when groups are keyed by time.
    public var bucketWidth: Duration? {
        switch self {
        case .timeBucket(let width), .sensorAndTimeBucket(let width): width
        case .none, .sensor: nil
        }
    }
}

/// Bucket arithmetic on Unix nanoseconds that cannot trap: indices come from
/// floor division, and bounds are computed in `Int128` and clamped.
struct BucketMath {
    /// The width in nanoseconds, at least 1.
    let width: Int64

    /// The width of `duration` in whole nanoseconds, or `nil` when it is below
    /// one nanosecond or above `Int64.max` nanoseconds.
    static func nanoseconds(_ duration: Duration) -> Int64? {
        let (seconds, attoseconds) = duration.components
        let total = Int128(seconds) * 1_000_000_000 + Int128(attoseconds / 1_000_000_000)
        guard total >= 1, total <= Int128(Int64.max) else { return nil }
        return Int64(total)
    }

    /// The index of the bucket holding `timestamp`: `⌊timestamp / width⌋`.
    @inline(__always)
    func index(of timestamp: Int64) -> Int64 {
        let quotient = timestamp / width
        return timestamp % width < 0 ? quotient - 1 : quotient
    }

    /// The first timestamp of bucket `index`, clamped to `Int64.min` for the
    /// one bucket that starts before it.
    func start(ofBucket index: Int64) -> Int64 {
        Int64(clamping: Int128(index) * Int128(width))
    }

    /// The last timestamp of bucket `index`, clamped to `Int64.max`.
    func end(ofBucket index: Int64) -> Int64 {
        Int64(clamping: (Int128(index) + 1) * Int128(width) - 1)
    }
}
