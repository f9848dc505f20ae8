import DenseRecordsCore
import InternalDenseRecordsUtilities
/// An error from a ``RecordArena`` when the allocator, or a configured limit, says no.
///
/// An arena that throws one of these is unchanged by the failed call: records
/// already stored stay stored, and the arena stays usable.
public enum RecordArenaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// jemalloc returned `NULL` for a chunk of `requestedBytes` bytes.
    case outOfMemory(requestedBytes: Int)

    /// Growing by `requestedBytes` would take the arena past its byte limit.
    ///
    /// `allocatedBytes` is what the arena held when the request was refused.
    case byteLimitExceeded(limit: Int, allocatedBytes: Int, requestedBytes: Int)

    /// The request needs more bytes than the machine has physical memory.
    ///
    /// Thrown before anything is allocated, so a request no machine of this
    /// size could meet fails at once instead of growing the process until the
    /// operating system kills it. `requestedBytes` is the bytes the request
    /// needs in all, what the arena holds included; it is `Int.max` when that
    /// count overflows `Int`. `physicalBytes` is `sysconf(_SC_PHYS_PAGES)` ×
    /// the page size.
    case requestExceedsPhysicalMemory(requestedBytes: Int, physicalBytes: Int)

    /// The ingest this arena fills was stopped: another producer of
    /// ``RecordArena/ingestConcurrently(producers:byteLimitPerProducer:_:)`` threw,
    /// or the calling task was cancelled.
    ///
    /// The arena throws it from an append that needs a new chunk or a larger
    /// one, so a producer that never suspends still stops within one chunk
    /// (about 100,000 records). The ingest rethrows the error that stopped it,
    /// not this one.
    case ingestCancelled

    /// jemalloc refused to create an arena (`arenas.create`); `code` is its errno-style result.
    case arenaUnavailable(code: Int32)

    /// A description that names what was refused and why.
    public var description: String {
        switch self {
        case let .outOfMemory(requested):
            "out of memory: jemalloc could not allocate a chunk of \(requested) bytes"
        case let .byteLimitExceeded(limit, allocated, requested):
            "byte limit exceeded: the arena holds \(allocated) of its \(limit) allowed bytes and needed \(requested) more"
        case let .requestExceedsPhysicalMemory(requested, physical):
            requested == Int.max
                ? "request too large: its size in bytes overflows Int (the machine has \(physical) bytes of physical memory)"
                : "request too large: it needs \(requested) bytes, more than the machine's \(physical) bytes of physical memory"
        case .ingestCancelled:
            "ingest cancelled: another producer failed or the task was cancelled"
        case let .arenaUnavailable(code):
            "jemalloc could not create an arena (arenas.create returned \(code))"
        }
    }
}
