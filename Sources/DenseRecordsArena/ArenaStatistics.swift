import DenseRecordsCore
import InternalDenseRecordsUtilities
internal import CDenseRecordsJemalloc
import CDenseRecords

/// Allocator-measured figures for one arena, read from jemalloc's per-arena statistics.
///
/// The byte figures come from `stats.arenas.<i>` after an `epoch` write, so
/// they count the arena's chunks exactly as jemalloc sees them. The chunk
/// table (one pointer per 2 MiB chunk) lives in the default arena and is not
/// included.
public struct ArenaStatistics: Hashable, Sendable, CustomStringConvertible {
    /// Records stored.
    public var recordCount: Int
    /// Records that fit without allocating again.
    public var capacity: Int
    /// Chunk allocations held.
    public var chunkCount: Int
    /// Bytes jemalloc has handed out to this arena's chunks (`small.allocated + large.allocated`).
    public var allocatedBytes: Int
    /// Bytes in pages jemalloc considers in use by the arena (`pactive` × page size).
    public var activeBytes: Int
    /// Bytes of the arena's pages that are resident (`resident`), including jemalloc's metadata.
    public var residentBytes: Int
    /// Bytes the arena has mapped (`mapped`).
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
