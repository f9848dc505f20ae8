/// The lowest and highest value over the repetitions of a case.
struct Spread: Codable, Sendable {
    var min: Double
    var max: Double
}

/// One (representation, size) row of the report: medians over the repetitions, with their spread.
struct ResultRow: Encodable, Sendable {
    var representation: Representation
    var dataset: Dataset
    var kind: StorageKind
    var records: Int
    var repetitions: Int
    var allocatorSource: String
    var runtime: String
    var allocatedBytesPerRecord: Double
    var residentBytesPerRecord: Double
    /// The file's bytes per record, for the on-disk rows.
    var fileBytesPerRecord: Double?
    /// Bytes per column per record as the store or library reports them (keys as in ``CaseMeasurement/columnBytes``).
    var columnBytesPerRecord: [String: Double]?
    var columnBytesSource: String?
    /// Per column, how many blocks use each encoding, from the first repetition (the encoding is deterministic).
    var columnEncodings: [String: [String: Int]]?
    /// The content checksum every repetition printed, when they agree; otherwise the first.
    var contentChecksum: String?
    /// Peak resident during ingest over final resident; `nil` when the final resident delta is under 64 KiB.
    var peakToFinalResident: Double?
    var peakResidentBytesPerRecord: Double?
    var residentBeforePurgeBytesPerRecord: Double?
    var hugePageBytesPerRecord: Double?
    var ingestNsPerRecord: Double
    var scanNsPerRecord: Double
    var randomReadNsPerRecord: Double
    var iterationScanNsPerRecord: Double?
    var releaseNsPerRecord: Double?
    var residentAfterReleaseBytesPerRecord: Double?
    var arenaAllocatedBytesPerRecord: Double?
    var arenaChunks: Int?
    var relocatedChunks: Int?
    var scanChecksum: Double
    var randomReadChecksum: Double?
    /// Per-metric spread, keyed by the metric's JSON name.
    var spread: [String: Spread]
    /// Per-repetition values, keyed by the metric's JSON name, for ratio ranges.
    var samples: [String: [Double]]

    /// The smallest final resident delta for which a peak/final ratio is reported.
    static let minimumResidentForRatio = 64 * 1024

    /// Aggregates the repetitions of one case.
    ///
    /// - Parameters:
    ///   - key: The case.
    ///   - runs: Its repetitions; at least one.
    init(key: CaseKey, runs: [CaseMeasurement]) {
        let n = Double(key.records)
        var samples: [String: [Double]] = [:]
        func collect(_ name: String, _ value: (CaseMeasurement) -> Double?) -> Double? {
            let values = runs.compactMap(value).filter(\.isFinite)
            guard !values.isEmpty else { return nil }
            samples[name] = values
            return Statistics.median(values)
        }
        representation = key.representation
        dataset = key.dataset
        kind = key.representation.kind
        records = key.records
        repetitions = runs.count
        allocatorSource = runs.first?.allocatorSource ?? "unknown"
        runtime = runs.first?.runtime ?? "unknown"
        allocatedBytesPerRecord = collect("allocatedBytesPerRecord") { $0.allocatedBytes.map { Double($0) / n } } ?? .nan
        residentBytesPerRecord = collect("residentBytesPerRecord") { $0.residentBytes.map { Double($0) / n } } ?? .nan
        peakToFinalResident = collect("peakToFinalResident") { run in
            guard let peak = run.peakResidentBytes, let resident = run.residentBytes, resident >= Self.minimumResidentForRatio
            else { return nil }
            return Double(peak) / Double(resident)
        }
        peakResidentBytesPerRecord = collect("peakResidentBytesPerRecord") { $0.peakResidentBytes.map { Double($0) / n } }
        residentBeforePurgeBytesPerRecord = collect("residentBeforePurgeBytesPerRecord") {
            $0.residentBeforePurgeBytes.map { Double($0) / n }
        }
        hugePageBytesPerRecord = collect("hugePageBytesPerRecord") { $0.hugePageBytes.map { Double($0) / n } }
        ingestNsPerRecord = collect("ingestNsPerRecord") { $0.ingestNanoseconds / n } ?? .nan
        scanNsPerRecord = collect("scanNsPerRecord") { $0.scanNanoseconds / (n * Double($0.scanPasses)) } ?? .nan
        randomReadNsPerRecord = collect("randomReadNsPerRecord") { run in
            run.randomReadNanoseconds.flatMap { run.randomReads > 0 ? $0 / Double(run.randomReads) : nil }
        } ?? .nan
        iterationScanNsPerRecord = collect("iterationScanNsPerRecord") { run in
            run.iterationScanNanoseconds.map { $0 / (n * Double(run.scanPasses)) }
        }
        releaseNsPerRecord = collect("releaseNsPerRecord") { $0.releaseNanoseconds.map { $0 / n } }
        residentAfterReleaseBytesPerRecord = collect("residentAfterReleaseBytesPerRecord") {
            $0.residentAfterReleaseBytes.map { Double($0) / n }
        }
        arenaAllocatedBytesPerRecord = collect("arenaAllocatedBytesPerRecord") { $0.arenaAllocatedBytes.map { Double($0) / n } }
        arenaChunks = runs.compactMap(\.arenaChunks).max()
        relocatedChunks = runs.compactMap(\.relocatedChunks).max()
        scanChecksum = runs.first?.scanChecksum ?? .nan
        randomReadChecksum = runs.first?.randomReadChecksum
        fileBytesPerRecord = collect("fileBytesPerRecord") { $0.fileBytes.map { Double($0) / n } }
        var columns: [String: Double] = [:]
        for name in Set(runs.compactMap(\.columnBytes).flatMap(\.keys)) {
            columns[name] = collect("columnBytesPerRecord." + name) { $0.columnBytes?[name].map { Double($0) / n } }
        }
        columnBytesPerRecord = columns.isEmpty ? nil : columns
        columnBytesSource = runs.compactMap(\.columnBytesSource).first
        columnEncodings = runs.compactMap(\.columnEncodings).first
        contentChecksum = runs.compactMap(\.contentChecksum).first
        self.samples = samples
        spread = samples.mapValues { Spread(min: $0.min() ?? .nan, max: $0.max() ?? .nan) }
    }

    /// Whether every repetition printed the same checksums.
    static func checksumsAgree(_ runs: [CaseMeasurement]) -> Bool {
        guard let first = runs.first else { return true }
        return runs.allSatisfy {
            $0.scanChecksum == first.scanChecksum && $0.randomReadChecksum == first.randomReadChecksum
                && $0.contentChecksum == first.contentChecksum
        }
    }

    private enum CodingKeys: String, CodingKey {
        case representation, dataset, kind, records, repetitions, allocatorSource, runtime, bytesPerRecord
        case fileBytesPerRecord, columnBytesPerRecord, columnBytesSource, columnEncodings, contentChecksum
        case allocatedBytesPerRecord, residentBytesPerRecord, peakToFinalResident, peakResidentBytesPerRecord
        case residentBeforePurgeBytesPerRecord, hugePageBytesPerRecord, ingestNsPerRecord, scanNsPerRecord, randomReadNsPerRecord
        case iterationScanNsPerRecord, releaseNsPerRecord, residentAfterReleaseBytesPerRecord
        case arenaAllocatedBytesPerRecord, arenaChunks, relocatedChunks, scanChecksum, spread
    }

    /// Encodes the fields always (`null` when unmeasurable) and the extra fields when present.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(representation.rawValue, forKey: .representation)
        try container.encode(dataset.rawValue, forKey: .dataset)
        try container.encode(kind.rawValue, forKey: .kind)
        try container.encode(Self.rounded(bytesPerRecord), forKey: .bytesPerRecord)
        try container.encodeIfPresent(Self.rounded(fileBytesPerRecord), forKey: .fileBytesPerRecord)
        try container.encodeIfPresent(columnBytesPerRecord?.mapValues { Self.rounded($0) ?? 0 }, forKey: .columnBytesPerRecord)
        try container.encodeIfPresent(columnBytesSource, forKey: .columnBytesSource)
        try container.encodeIfPresent(columnEncodings, forKey: .columnEncodings)
        try container.encodeIfPresent(contentChecksum, forKey: .contentChecksum)
        try container.encode(records, forKey: .records)
        try container.encode(repetitions, forKey: .repetitions)
        try container.encode(allocatorSource, forKey: .allocatorSource)
        try container.encode(runtime, forKey: .runtime)
        try container.encode(Self.rounded(allocatedBytesPerRecord), forKey: .allocatedBytesPerRecord)
        try container.encode(Self.rounded(residentBytesPerRecord), forKey: .residentBytesPerRecord)
        try container.encode(Self.rounded(peakToFinalResident), forKey: .peakToFinalResident)
        try container.encode(Self.rounded(ingestNsPerRecord), forKey: .ingestNsPerRecord)
        try container.encode(Self.rounded(scanNsPerRecord), forKey: .scanNsPerRecord)
        try container.encode(Self.rounded(randomReadNsPerRecord), forKey: .randomReadNsPerRecord)
        try container.encodeIfPresent(Self.rounded(peakResidentBytesPerRecord), forKey: .peakResidentBytesPerRecord)
        try container.encodeIfPresent(Self.rounded(residentBeforePurgeBytesPerRecord), forKey: .residentBeforePurgeBytesPerRecord)
        try container.encodeIfPresent(Self.rounded(hugePageBytesPerRecord), forKey: .hugePageBytesPerRecord)
        try container.encodeIfPresent(Self.rounded(iterationScanNsPerRecord), forKey: .iterationScanNsPerRecord)
        try container.encodeIfPresent(Self.rounded(releaseNsPerRecord), forKey: .releaseNsPerRecord)
        try container.encodeIfPresent(
            Self.rounded(residentAfterReleaseBytesPerRecord), forKey: .residentAfterReleaseBytesPerRecord)
        try container.encodeIfPresent(Self.rounded(arenaAllocatedBytesPerRecord), forKey: .arenaAllocatedBytesPerRecord)
        try container.encodeIfPresent(arenaChunks, forKey: .arenaChunks)
        try container.encodeIfPresent(relocatedChunks, forKey: .relocatedChunks)
        try container.encode(Self.rounded(scanChecksum), forKey: .scanChecksum)
        try container.encode(
            spread.mapValues { Spread(min: Self.rounded($0.min) ?? 0, max: Self.rounded($0.max) ?? 0) }, forKey: .spread)
    }

    /// The figure the cross-store comparison uses: allocated bytes per record in memory, the file's bytes per record on disk.
    var bytesPerRecord: Double? {
        let value = kind == .onDisk ? fileBytesPerRecord : allocatedBytesPerRecord
        return value.flatMap { $0.isFinite ? $0 : nil }
    }

    /// Four decimals are more than any figure here can resolve; `nil` for a non-finite value (JSON has no NaN).
    static func rounded(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return (value * 10_000).rounded() / 10_000
    }
}
