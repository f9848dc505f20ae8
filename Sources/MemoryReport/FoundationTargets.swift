/// One performance target of the foundation issue, evaluated on this run's figures.
struct TargetResult: Encodable, Sendable {
    /// What is measured, for example `steady-state allocated bytes per record`.
    var figure: String
    /// The target as the foundation issue states it.
    var target: String
    var records: Int
    /// The arena row the figure is taken from.
    var arena: String
    /// The `[sensor_record_t]` row it is compared with.
    var peer: String
    var arenaValue: Double
    var peerValue: Double?
    /// `arenaValue / peerValue`, when both exist.
    var ratio: Double?
    /// The lowest and highest ratio any pair of repetitions gives.
    var ratioRange: Spread?
    /// What is compared with the limit: the arena's value or the ratio.
    var compares: String
    var limit: Double
    /// Whether the compared figure passes the limit (strictly below it for "faster than").
    var passed: Bool

    /// Evaluates every target at the largest size where `record-arena` and `array-packed` were both measured.
    ///
    /// - Parameter rows: The run's rows.
    /// - Returns: The evaluated targets; empty when the run has no such size.
    static func evaluate(rows: [ResultRow]) -> [TargetResult] {
        func row(_ representation: Representation, _ records: Int) -> ResultRow? {
            rows.first { $0.representation == representation && $0.records == records }
        }
        let candidates = rows.filter { $0.representation == .recordArena && row(.arrayPacked, $0.records) != nil }
        guard let records = candidates.map(\.records).max() else { return [] }
        var results: [TargetResult] = []

        func add(
            _ figure: String, _ target: String, arena: Representation, peer: Representation,
            metric: String, compares: String, limit: Double, strict: Bool = false
        ) {
            guard let arenaRow = row(arena, records), let arenaSamples = arenaRow.samples[metric],
                let arenaValue = Statistics.median(arenaSamples) as Double?, arenaValue.isFinite
            else { return }
            let peerSamples = row(peer, records)?.samples[metric]
            let peerValue = peerSamples.map(Statistics.median)
            var ratio: Double?
            var range: Spread?
            if let peerSamples, let peerValue, peerValue > 0,
                let arenaMin = arenaSamples.min(), let arenaMax = arenaSamples.max(),
                let peerMin = peerSamples.min(), let peerMax = peerSamples.max(), peerMin > 0
            {
                ratio = arenaValue / peerValue
                range = Spread(min: arenaMin / peerMax, max: arenaMax / peerMin)
            }
            let compared = compares == "ratio" ? ratio : arenaValue
            let passed = compared.map { strict ? $0 < limit : $0 <= limit } ?? false
            results.append(TargetResult(
                figure: figure, target: target, records: records, arena: arena.rawValue, peer: peer.rawValue,
                arenaValue: arenaValue, peerValue: peerValue, ratio: ratio, ratioRange: range,
                compares: compares, limit: limit, passed: passed))
        }

        add("steady-state allocated bytes per record", "≤ 21.2 B/record (packed size 21.0)",
            arena: .recordArena, peer: .arrayPacked, metric: "allocatedBytesPerRecord", compares: "value", limit: 21.2)
        add("steady-state allocated bytes per record, bulk-filled", "≤ 21.2 B/record (packed size 21.0)",
            arena: .recordArenaBulk, peer: .arrayPackedBulk, metric: "allocatedBytesPerRecord", compares: "value", limit: 21.2)
        add("peak resident during ingest / final resident", "≤ 1.05",
            arena: .recordArena, peer: .arrayPacked, metric: "peakToFinalResident", compares: "value", limit: 1.05)
        add("peak resident during ingest / final resident, bulk-filled", "≤ 1.05",
            arena: .recordArenaBulk, peer: .arrayPackedBulk, metric: "peakToFinalResident", compares: "value", limit: 1.05)
        add("bulk append into a fresh structure, ns/record", "faster than Array.append(contentsOf:) (ratio < 1)",
            arena: .recordArenaBulk, peer: .arrayPackedBulk, metric: "ingestNsPerRecord", compares: "ratio", limit: 1.0,
            strict: true)
        add("bulk append into a fresh structure with hugePages: true, ns/record", "faster than Array.append(contentsOf:) (ratio < 1)",
            arena: .recordArenaBulkHugePages, peer: .arrayPackedBulk, metric: "ingestNsPerRecord", compares: "ratio", limit: 1.0,
            strict: true)
        add("per-record append, ns/record", "within 1.25× of Array (ratio ≤ 1.25)",
            arena: .recordArena, peer: .arrayPacked, metric: "ingestNsPerRecord", compares: "ratio", limit: 1.25)
        add("sum of value over all records, ns/record", "within 1.2× of the Array scan (ratio ≤ 1.2)",
            arena: .recordArena, peer: .arrayPacked, metric: "scanNsPerRecord", compares: "ratio", limit: 1.2)
        return results
    }
}
