/// What one child process measured for one (representation, record count) case.
///
/// The child prints it as one JSON line on standard output; the Python script
/// prints the same keys. Byte and time figures are totals: the parent divides
/// them by the record count (or by the reads and passes made).
struct CaseMeasurement: Codable, Sendable {
    /// The representation's id.
    var representation: String
    /// Records stored.
    var records: Int
    /// Where ``allocatedBytes`` comes from: `jemalloc stats.allocated` or `tracemalloc`.
    var allocatorSource: String
    /// Allocated bytes after ingest minus before, with the structure alive.
    var allocatedBytes: Int
    /// Resident bytes after ingest minus before. For the Swift rows, read after
    /// jemalloc has purged the pages that freed allocations (such as an Array's
    /// outgrown buffers) left dirty.
    var residentBytes: Int
    /// Resident bytes after ingest minus before, read before that purge.
    var residentBeforePurgeBytes: Int?
    /// The resident high-water mark during ingest minus the resident size before it.
    var peakResidentBytes: Int?
    /// Anonymous memory backed by transparent huge pages after ingest minus before (`AnonHugePages`).
    var hugePageBytes: Int?
    /// Wall-clock nanoseconds to ingest every record.
    var ingestNanoseconds: Double
    /// Wall-clock nanoseconds for all scan passes.
    var scanNanoseconds: Double
    /// Full passes made over the records by the scan.
    var scanPasses: Int
    /// Wall-clock nanoseconds for the same passes through `Collection` iteration, where that is a separate path.
    var iterationScanNanoseconds: Double?
    /// Random reads made.
    var randomReads: Int
    /// Wall-clock nanoseconds for all random reads.
    var randomReadNanoseconds: Double
    /// Wall-clock nanoseconds to release the structure.
    var releaseNanoseconds: Double?
    /// Resident bytes right after the release, minus the resident size before ingest, without any purge.
    var residentAfterReleaseBytes: Int?
    /// The sum of every `value`, from the first scan pass.
    var scanChecksum: Double
    /// The sum of the `value`s read at random.
    var randomReadChecksum: Double
    /// The arena's own allocated bytes (its chunks' size classes), for `record-arena` rows.
    var arenaAllocatedBytes: Int?
    /// The arena's own resident bytes, for `record-arena` rows.
    var arenaResidentBytes: Int?
    /// Chunks the arena holds, for `record-arena` rows.
    var arenaChunks: Int?
    /// Times the arena moved a short last chunk because it could not grow in place.
    var relocatedChunks: Int?
    /// The runtime that measured the case, for example `swift` or `python 3.11.7`.
    var runtime: String
}
