import DenseRecordsCore
import InternalDenseRecordsUtilities
internal import CDenseRecordsJemalloc
import CDenseRecords
import Synchronization

// The internal, C-named layer over the jemalloc shims in CSupport. Nothing in
// here is public: the public API speaks of arenas, chunks and records.

/// Chunk geometry shared by every arena.
@usableFromInline
enum ChunkGeometry {
    /// Bytes in one record: `MemoryLayout<sensor_record_t>.size`, checked by tests.
    @inlinable static var recordSize: Int { 21 }

    /// Bytes in a full chunk: 2 MiB, a jemalloc size class and one x86-64 huge page.
    @inlinable static var chunkBytes: Int { 2 << 20 }

    /// Records in a full chunk: `chunkBytes / recordSize`, a literal so that
    /// index arithmetic compiles to a multiply instead of a division.
    @inlinable static var recordsPerChunk: Int { 99_864 }

    /// Every chunk starts on a 2 MiB boundary so its unused tail stays free for
    /// in-place growth and a full chunk can be one transparent huge page.
    @inlinable static var alignment: Int { 2 << 20 }

    /// The smallest chunk allocation: jemalloc's smallest large size class.
    static let minimumChunkBytes = 16 << 10

    /// The machine's physical memory in bytes (`sysconf(_SC_PHYS_PAGES)` × page size).
    static let physicalMemoryBytes = Int(dr_physical_memory_bytes())

    /// The page jemalloc adds to every large extent (cache-oblivious placement), or 0.
    static let largeExtentPadBytes = Int(dr_large_extent_pad_bytes())

    /// The jemalloc size class that holds `records` records at chunk alignment.
    static func sizeClass(forRecords records: Int) -> Int {
        let bytes = max(records * recordSize, minimumChunkBytes)
        return dr_size_class(bytes, alignment)
    }
}

/// One explicit jemalloc arena, identified by its index.
@usableFromInline
struct JemallocArena: Sendable {
    @usableFromInline let index: UInt32

    /// Creates a new explicit arena (`arenas.create`).
    static func create() -> Result<JemallocArena, RecordArenaError> {
        var index: UInt32 = 0
        let status = dr_arena_create(&index)
        guard status == 0 else { return .failure(.arenaUnavailable(code: status)) }
        return .success(JemallocArena(index: index))
    }

    /// Allocates a chunk of exactly `bytes` (a size class) at chunk alignment.
    func allocateChunk(bytes: Int) -> UnsafeMutableRawPointer? {
        dr_chunk_allocate(index, bytes, ChunkGeometry.alignment)
    }

    /// Resizes a chunk without moving it; returns the chunk's real size afterwards.
    func resizeChunkInPlace(_ chunk: UnsafeMutableRawPointer, bytes: Int) -> Int {
        dr_chunk_resize_in_place(index, chunk, bytes, ChunkGeometry.alignment)
    }

    /// Frees one chunk (`dallocx`, bypassing the thread cache).
    func freeChunk(_ chunk: UnsafeMutableRawPointer) {
        dr_chunk_free(index, chunk)
    }

    /// Returns the arena's unused dirty pages to the OS; live chunks stay.
    func purge() {
        let status = dr_arena_purge(index)
        // An explicit arena always accepts purge; failure would mean the index
        // is not ours, which is a bug in this package.
        precondition(status == 0, "jemalloc arena.\(index).purge failed with code \(status)")
    }

    /// Frees every allocation in the arena and returns its pages to the OS.
    func resetAndPurge() {
        let status = dr_arena_reset_and_purge(index)
        precondition(status == 0, "jemalloc arena.\(index).reset/purge failed with code \(status)")
    }
}

/// A share of one jemalloc arena, held by every store that allocates in it.
///
/// A ``RecordArena`` and every ``SealedRecords`` it has sealed hold the same
/// lease, so sealing never takes another jemalloc arena. Each store frees its
/// own chunks one by one; when the last holder of a dedicated lease goes away,
/// the arena (empty by then) returns to the pool. The pool's shared lease,
/// handed out once every dedicated arena is taken, is never returned.
final class ArenaLease: Sendable {
    let arena: JemallocArena
    /// Whether the arena is this lease's alone, to return to the pool at the end.
    let isDedicated: Bool

    init(arena: JemallocArena, isDedicated: Bool) {
        self.arena = arena
        self.isDedicated = isDedicated
    }

    deinit {
        if isDedicated { ArenaPool.shared.release(arena) }
    }
}

/// The process-wide pool of explicit jemalloc arenas.
///
/// Three facts of jemalloc 5.3 shape it (measured in C on this machine kind):
///
/// - A process can hold at most 4,095 arenas, automatic ones included
///   (`MALLOCX_ARENA` has 12 bits). With 2 CPUs, `arenas.create` fails with
///   `EAGAIN` (11) after 4,086 explicit arenas.
/// - Every arena costs about 138 KiB of resident metadata (`stats.metadata`)
///   from creation on, whether it holds anything or not; reset and purge
///   leave it.
/// - Destroying an arena returns about 89 KiB of that but leaks about 4 KiB
///   per create/destroy cycle (20,000 cycles: +72 MB).
///
/// So the pool never destroys an arena and creates at most ``dedicatedLimit``
/// of them; a store that finds none idle and the limit reached allocates from
/// one shared arena instead. A store's statistics come from its own chunks, so
/// they stay exact whichever arena holds them. What remains is a fixed cost:
/// at most `dedicatedLimit + 1` arenas' metadata, kept for reuse.
final class ArenaPool: Sendable {
    static let shared = ArenaPool()

    /// The most dedicated arenas the pool creates: four per processor, at
    /// least 16 and at most 256 (at most about 35 MiB of arena metadata).
    static let dedicatedLimit = min(256, max(16, 4 * Int(dr_processor_count())))

    private struct State {
        var idle: [JemallocArena] = []
        var created = 0
        var sharedLease: ArenaLease?
    }

    private let state = SanitizerVisibleMutex(State())

    /// Takes an idle dedicated arena, creates one while under the limit, or
    /// else shares the pool's shared arena.
    ///
    /// - Throws: ``RecordArenaError/arenaUnavailable(code:)`` only when jemalloc
    ///   cannot create even the shared arena.
    func acquire() throws(RecordArenaError) -> ArenaLease {
        let outcome: Result<ArenaLease, RecordArenaError> = state.withLock { state in
            // The shared arena comes first, so that it exists even when the
            // process's other code has used up jemalloc's arenas.
            if state.sharedLease == nil {
                switch JemallocArena.create() {
                case .success(let arena): state.sharedLease = ArenaLease(arena: arena, isDedicated: false)
                case .failure(let error): return .failure(error)
                }
            }
            if let arena = state.idle.popLast() { return .success(ArenaLease(arena: arena, isDedicated: true)) }
            if state.created < Self.dedicatedLimit, case .success(let arena) = JemallocArena.create() {
                state.created += 1
                return .success(ArenaLease(arena: arena, isDedicated: true))
            }
            return .success(state.sharedLease.unsafelyUnwrapped)
        }
        return try outcome.get()
    }

    /// Resets, purges and returns a dedicated arena to the pool.
    func release(_ arena: JemallocArena) {
        arena.resetAndPurge()
        state.withLock { $0.idle.append(arena) }
    }

    /// How many dedicated jemalloc arenas this pool has created.
    var createdCount: Int { state.withLock { $0.created } }

    /// How many dedicated arenas wait in the pool.
    var idleCount: Int { state.withLock { $0.idle.count } }
}
