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
    /// The dataset's id (``Dataset``); `nil` means `report`.
    var dataset: String?
    /// `in-memory` or `on-disk` (``StorageKind``); `nil` means `in-memory`.
    var kind: String?
    /// Where ``allocatedBytes`` comes from: `jemalloc stats.allocated` (plus `+ read-only anonymous mappings`
    /// when a store mapped pages itself), `tracemalloc`,
    /// `pyarrow memory pool`, `polars estimated_size()`, or `file size` for the on-disk rows.
    var allocatorSource: String
    /// Allocated bytes after ingest minus before, with the structure alive; `nil` for the on-disk rows.
    var allocatedBytes: Int?
    /// Of ``allocatedBytes``, the pages a store mapped itself outside the allocator
    /// (read-only anonymous mappings after ingest minus before); `nil` when there were none.
    var mappedOutsideAllocatorBytes: Int?
    /// Resident bytes after ingest minus before; `nil` for the on-disk rows. For the Swift rows, read after
    /// jemalloc has purged the pages that freed allocations (such as an Array's
    /// outgrown buffers) left dirty.
    var residentBytes: Int?
    /// The file's size, for the on-disk rows.
    var fileBytes: Int?
    /// Bytes per column as the store or library itself reports them: keys `sensorID`,
    /// `timestamp`, `value`, `unit`, and `other` for everything else (block index, footer, pandas index).
    var columnBytes: [String: Int]?
    /// Where ``columnBytes`` comes from, for example `CompressedRecords.storageStatistics`.
    var columnBytesSource: String?
    /// Per column, how many blocks use each encoding (the compressed store).
    var columnEncodings: [String: [String: Int]]?
    /// An order-independent checksum of every record's four fields, read back through the
    /// structure (``ContentChecksum``), as 16 hex digits; rows of one dataset and size must agree.
    var contentChecksum: String?
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
    /// Random reads made; 0 for the on-disk rows.
    var randomReads: Int
    /// Wall-clock nanoseconds for all random reads; `nil` when none were made.
    var randomReadNanoseconds: Double?
    /// Wall-clock nanoseconds to release the structure.
    var releaseNanoseconds: Double?
    /// Resident bytes right after the release, minus the resident size before ingest, without any purge.
    var residentAfterReleaseBytes: Int?
    /// The sum of every `value`, from the first scan pass.
    var scanChecksum: Double
    /// The sum of the `value`s read at random; `nil` when none were made.
    var randomReadChecksum: Double?
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
