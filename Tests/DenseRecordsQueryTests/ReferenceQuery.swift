import DenseRecordsCore
import DenseRecordsQuery

/// One group as the reference computes it: every matching record's value kept.
struct ReferenceGroup {
    var sensorID: UInt32?
    var bucketStart: Int64?
    var bucketIndex: Int128 = 0
    var values: [Double] = []
    var nanCount = 0
    var sum = 0.0
    var first: TimedValue?
    var last: TimedValue?
}

/// The straightforward answer to `query` over `records` in store order: a
/// dictionary of groups, a sort, and `Array.sorted()` for quantiles.
func referenceQuery(_ records: [SensorRecord], _ query: RecordQuery) -> [ReferenceGroup] {
    var groups: [String: ReferenceGroup] = [:]
    let width: Int128? = query.grouping.bucketWidth.map { duration in
        let (seconds, attoseconds) = duration.components
        return Int128(seconds) * 1_000_000_000 + Int128(attoseconds / 1_000_000_000)
    }
    for record in records where query.filter.matches(record) {
        let sensorID = query.grouping.groupsBySensor ? record.sensorID : nil
        var bucketIndex: Int128 = 0
        var bucketStart: Int64?
        if let width {
            let timestamp = Int128(record.timestampNanoseconds)
            bucketIndex = timestamp >= 0 ? timestamp / width : -((-timestamp + width - 1) / width)
            bucketStart = Int64(clamping: bucketIndex * width)
        }
        let key = "\(sensorID.map(String.init) ?? "-")/\(bucketIndex)"
        var group = groups[key] ?? ReferenceGroup(sensorID: sensorID, bucketStart: bucketStart, bucketIndex: bucketIndex)
        let value = record.value
        if value.isNaN {
            group.nanCount += 1
        } else {
            group.values.append(value)
            group.sum += value
            let timed = TimedValue(timestamp: record.timestampNanoseconds, value: value)
            if group.first == nil || timed.timestamp < group.first!.timestamp { group.first = timed }
            if group.last == nil || timed.timestamp >= group.last!.timestamp { group.last = timed }
        }
        groups[key] = group
    }
    return groups.values.sorted { ($0.sensorID ?? 0, $0.bucketIndex) < ($1.sensorID ?? 0, $1.bucketIndex) }
}

/// The exact quantile at DuckDB's `quantile_disc` rank: `max(0, ⌈q·n⌉ − 1)`.
func exactQuantile(_ sorted: [Double], _ q: Double) -> Double? {
    guard !sorted.isEmpty else { return nil }
    return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
}

/// Whether two sums agree to `tolerance` relative (or exactly, for infinities and NaN).
func sumsAgree(_ a: Double, _ b: Double, tolerance: Double = 1e-9, scale: Double) -> Bool {
    if a == b || (a.isNaN && b.isNaN) { return true }
    return abs(a - b) <= tolerance * max(scale, 1e-300)
}
