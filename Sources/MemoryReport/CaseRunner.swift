import DenseRecords
import Foundation

/// Errors a measurement child reports instead of a measurement.
enum CaseError: Error, CustomStringConvertible {
    /// The representation is measured elsewhere (the Python rows).
    case notMeasuredHere(String)
    /// jemalloc was built without statistics, or `/proc` is unreadable.
    case statisticsUnavailable(String)
    /// The representation cannot be measured by this build.
    case unavailable(String)

    var description: String {
        switch self {
        case .notMeasuredHere(let id): "\(id) is not measured by this executable"
        case .statisticsUnavailable(let what): "cannot read \(what)"
        case .unavailable(let why): why
        }
    }
}

/// Keeps a value observable so the optimiser cannot drop the work that made it.
@inline(never) @_optimize(none)
func blackHole(_ value: Double) {}

/// Runs one case inside a fresh child process and measures it.
enum CaseRunner {
    /// Scan passes for `records` records: enough passes to read about a million
    /// records, at most 100, at least 1, so that small sizes are not timer noise.
    static func scanPasses(records: Int) -> Int { max(1, min(100, 1_000_000 / max(records, 1))) }

    /// Builds the source records and the random indices, fills the structure
    /// and measures it. The source and the indices exist before the baseline
    /// is read, so they count in neither the allocated delta nor the ingest time.
    ///
    /// - Parameters:
    ///   - structure: A fresh, empty structure, of a concrete type.
    ///   - representation: The representation `structure` implements.
    ///   - records: Records to store; at least 1.
    ///   - randomReads: Random reads to time.
    /// - Returns: The measurement.
    /// - Throws: ``CaseError`` or the structure's own error.
    static func run<Structure: MeasuredStructure>(
        _ structure: consuming Structure, as representation: Representation, records: Int, randomReads: Int,
        dataset: Dataset = .report, datasetFile: String? = nil
    ) throws -> CaseMeasurement {
        let source = try datasetFile.map { path throws(ChildFailure) in try DatasetFiles.load(path, records: records) }
            ?? RecordSource.records(count: records)
        let indices = RecordSource.randomIndices(count: randomReads, recordCount: records)
        let passes = scanPasses(records: records)
        let clock = ContinuousClock()

        ProcessMemory.purgeAllocator()
        guard let allocatedBefore = AllocatorStatistics.current() else {
            throw CaseError.statisticsUnavailable("jemalloc stats.allocated")
        }
        guard let residentBefore = ProcessMemory.residentBytes() else {
            throw CaseError.statisticsUnavailable("/proc/self/statm")
        }
        let hugePagesBefore = ProcessMemory.hugePageBytes()
        let readOnlyBefore = ProcessMemory.readOnlyAnonymousBytes()
        let peakWasReset = ProcessMemory.resetPeakResident()

        let ingestStart = clock.now
        try source.withUnsafeBufferPointer { try structure.ingest($0) }
        let ingest = clock.now - ingestStart

        let peakResident = peakWasReset ? ProcessMemory.peakResidentBytes() : nil
        guard let allocatedAfter = AllocatorStatistics.current() else {
            throw CaseError.statisticsUnavailable("jemalloc stats.allocated")
        }
        let readOnlyAfter = ProcessMemory.readOnlyAnonymousBytes()
        // Pages a store mapped itself, outside jemalloc (see `readOnlyAnonymousBytes()`).
        let mappedOutside = readOnlyAfter.flatMap { after in readOnlyBefore.map { max(0, after - $0) } } ?? 0
        let residentBeforePurge = ProcessMemory.residentBytes()
        let hugePagesAfter = ProcessMemory.hugePageBytes()
        ProcessMemory.purgeAllocator()
        let residentAfter = ProcessMemory.residentBytes() ?? residentBefore

        var scanChecksum = 0.0
        var scanTotal = 0.0
        let scanStart = clock.now
        for pass in 0..<passes {
            let sum = structure.sumOfValues()
            if pass == 0 { scanChecksum = sum }
            scanTotal += sum
            blackHole(scanTotal)
        }
        let scan = clock.now - scanStart

        var iterationScan: Duration?
        if structure.sumOfValuesByIteration() != nil {
            let start = clock.now
            for _ in 0..<passes {
                scanTotal += structure.sumOfValuesByIteration() ?? 0
                blackHole(scanTotal)
            }
            iterationScan = clock.now - start
        }

        let randomStart = clock.now
        let randomChecksum = structure.sumOfValues(at: indices)
        let random = clock.now - randomStart
        blackHole(randomChecksum)

        let arena = structure.arenaStatistics
        let content = structure.contentChecksum()
        let columns = structure.columnBytes

        let releaseStart = clock.now
        structure.release()
        let release = clock.now - releaseStart
        let residentAfterRelease = ProcessMemory.residentBytes().map { $0 - residentBefore }
        // Swift may end a value's lifetime at its last use; the source and the
        // indices must stay allocated until every figure is read, or their
        // release would show up as negative allocated bytes.
        withExtendedLifetime(source) {}
        withExtendedLifetime(indices) {}

        return CaseMeasurement(
            representation: representation.rawValue,
            records: records,
            dataset: dataset.rawValue,
            kind: representation.kind.rawValue,
            allocatorSource: mappedOutside > 0 ? "jemalloc stats.allocated + read-only anonymous mappings" : "jemalloc stats.allocated",
            allocatedBytes: allocatedAfter.allocatedBytes - allocatedBefore.allocatedBytes + mappedOutside,
            mappedOutsideAllocatorBytes: mappedOutside > 0 ? mappedOutside : nil,
            residentBytes: residentAfter - residentBefore,
            columnBytes: columns?.split,
            columnBytesSource: columns?.source,
            columnEncodings: structure.columnEncodings,
            contentChecksum: content?.text,
            residentBeforePurgeBytes: residentBeforePurge.map { $0 - residentBefore },
            peakResidentBytes: peakResident.map { $0 - residentBefore },
            hugePageBytes: hugePagesAfter.flatMap { after in hugePagesBefore.map { after - $0 } },
            ingestNanoseconds: ingest.nanoseconds,
            scanNanoseconds: scan.nanoseconds,
            scanPasses: passes,
            iterationScanNanoseconds: iterationScan?.nanoseconds,
            randomReads: indices.count,
            randomReadNanoseconds: random.nanoseconds,
            releaseNanoseconds: release.nanoseconds,
            residentAfterReleaseBytes: residentAfterRelease,
            scanChecksum: scanChecksum,
            randomReadChecksum: randomChecksum,
            arenaAllocatedBytes: arena?.allocatedBytes,
            arenaResidentBytes: arena?.residentBytes,
            arenaChunks: arena?.chunkCount,
            relocatedChunks: arena?.relocatedChunks,
            runtime: "swift")
    }
}

extension Duration {
    /// The duration in nanoseconds, as a `Double`.
    var nanoseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}
