import DenseRecordsCore
import InternalDenseRecordsUtilities
internal import CDenseRecordsJemalloc
import CDenseRecords

/// Figures for one store's chunks: its own, exact even when it shares a jemalloc arena.
///
/// A ``RecordArena`` shares its jemalloc arena with the ``SealedRecords`` it
/// has sealed, and stores beyond the pool's dedicated arenas share one. So
/// these figures come from the store's own chunk table, not from jemalloc's
/// per-arena statistics, which would mix the stores. The byte counts match
/// jemalloc's accounting of the same chunks. The chunk table (one pointer per
/// 2 MiB chunk) lives in the default arena and is not included, and neither is
/// the jemalloc arena's metadata.
public struct ArenaStatistics: Hashable, Sendable, CustomStringConvertible {
    /// Records stored.
    public var recordCount: Int
    /// Records that fit without allocating again.
    public var capacity: Int
    /// Chunk allocations held.
    public var chunkCount: Int
    /// Bytes jemalloc has handed out to this store's chunks: the sum of their
    /// size classes, which is what jemalloc's `large.allocated` counts for them.
    public var allocatedBytes: Int
    /// Bytes in pages jemalloc holds active for the chunks: `allocatedBytes`
    /// plus one page per chunk, the pad jemalloc adds to every large extent
    /// (`opt.cache_oblivious`; 0 when that is off).
    public var activeBytes: Int
    /// Bytes of the chunks' pages that are resident, by `mincore(2)`: pages
    /// not yet written are not counted.
    public var residentBytes: Int
    /// Bytes of address space the chunks' extents hold; equal to ``activeBytes``.
    public var mappedBytes: Int
    /// Times a short last chunk could not grow in place and its records were moved.
    ///
    /// Expected to stay 0: each chunk's 2 MiB-aligned slot keeps room to grow.
    public var relocatedChunks: Int

    /// Allocated bytes per stored record, or `nil` when the arena is empty.
    public var allocatedBytesPerRecord: Double? {
        recordCount == 0 ? nil : Double(allocatedBytes) / Double(recordCount)
    }

    /// Resident bytes per stored record, or `nil` when the arena is empty.
    public var residentBytesPerRecord: Double? {
        recordCount == 0 ? nil : Double(residentBytes) / Double(recordCount)
    }

    /// A one-line summary in bytes and bytes per record.
    public var description: String {
        let perRecord = allocatedBytesPerRecord.map { String(format2: $0) } ?? "-"
        return "\(recordCount) records in \(chunkCount) chunks: allocated \(allocatedBytes) B (\(perRecord) B/record), "
            + "active \(activeBytes) B, resident \(residentBytes) B, mapped \(mappedBytes) B"
    }
}

/// Process-wide figures from jemalloc, which is the process's `malloc` once DenseRecords is linked.
public struct AllocatorStatistics: Hashable, Sendable {
    /// Bytes allocated by the application (`stats.allocated`).
    public var allocatedBytes: Int
    /// Bytes in active pages (`stats.active`).
    public var activeBytes: Int
    /// Bytes in resident pages, metadata included (`stats.resident`).
    public var residentBytes: Int
    /// Bytes mapped (`stats.mapped`).
    public var mappedBytes: Int

    /// The linked jemalloc's version string, for example `5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c`.
    public static var allocatorVersion: String { String(cString: dr_allocator_version()) }

    /// Flushes the calling thread's cache, refreshes jemalloc's statistics and reads them.
    ///
    /// Other threads' caches are not flushed; measure from a quiet process for exact deltas.
    /// - Returns: The figures, or `nil` if jemalloc was built without statistics.
    public static func current() -> AllocatorStatistics? {
        var stats = dr_allocator_stats_t()
        guard dr_allocator_stats_read(&stats) == 0 else { return nil }
        return AllocatorStatistics(
            allocatedBytes: Int(stats.allocated), activeBytes: Int(stats.active),
            residentBytes: Int(stats.resident), mappedBytes: Int(stats.mapped))
    }

    /// Asks jemalloc to return every arena's unused dirty pages to the operating system.
    ///
    /// Freed memory stays resident until jemalloc's decay returns it; call this
    /// before reading the process's resident size so that it shows what live
    /// allocations hold. The corresponding jemalloc call is
    /// `mallctl("arena.<MALLCTL_ARENAS_ALL>.purge")`.
    ///
    /// - Returns: Whether jemalloc accepted the request.
    /// - Complexity: Proportional to the dirty pages purged; do not call it per record.
    @discardableResult
    public static func purgeUnusedPages() -> Bool { dr_allocator_purge_all() == 0 }

    /// The bytes the calling thread has allocated since it started, a counter
    /// that only grows.
    ///
    /// Read it before and after a piece of code to count what that code
    /// allocated on this thread, as the tests do to prove a hot path allocates
    /// nothing. The corresponding jemalloc call is `mallctl("thread.allocated")`.
    ///
    /// - Returns: The bytes, or `nil` if jemalloc was built without statistics.
    /// - Complexity: O(1).
    public static func threadAllocatedBytes() -> UInt64? {
        var bytes: UInt64 = 0
        return dr_thread_allocated_bytes(&bytes) == 0 ? bytes : nil
    }
}

/// Switches that make the allocator fail on purpose, for tests of failure paths.
///
/// Only debug builds honour them (``isAvailable``); a release build ignores
/// every request. Each countdown is per thread, so tests running in parallel
/// do not disturb one another.
@_spi(Testing)
public enum AllocatorFaultInjection {
    /// Whether this build honours fault injection: `true` in debug builds only.
    public static var isAvailable: Bool { dr_fault_injection_available() }

    /// Makes the `n`th chunk allocation from now, on this thread, fail once.
    ///
    /// - Parameter n: 1 fails the next allocation; 0 disarms.
    public static func failChunkAllocation(_ n: UInt64) { dr_fault_fail_chunk_allocation(n) }
}
