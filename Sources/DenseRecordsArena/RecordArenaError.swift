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

    /// jemalloc refused to create an arena (`arenas.create`); `code` is its errno-style result.
    case arenaUnavailable(code: Int32)

    /// A description that names what was refused and why.
    public var description: String {
        switch self {
        case let .outOfMemory(requested):
            "out of memory: jemalloc could not allocate a chunk of \(requested) bytes"
        case let .byteLimitExceeded(limit, allocated, requested):
            "byte limit exceeded: the arena holds \(allocated) of its \(limit) allowed bytes and needed \(requested) more"
        case let .arenaUnavailable(code):
            "jemalloc could not create an arena (arenas.create returned \(code))"
        }
    }
}
