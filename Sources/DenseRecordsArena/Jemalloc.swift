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

    /// Frees every allocation in the arena and returns its pages to the OS.
    func resetAndPurge() {
        let status = dr_arena_reset_and_purge(index)
        // An explicit arena always accepts reset and purge; failure would mean
        // the index is not ours, which is a bug in this package.
        precondition(status == 0, "jemalloc arena.\(index).reset/purge failed with code \(status)")
    }

    /// Reads the arena's allocator statistics.
    func statistics() -> dr_arena_stats_t {
        var stats = dr_arena_stats_t()
        let status = dr_arena_stats_read(index, &stats)
        precondition(status == 0, "jemalloc stats.arenas.\(index) unreadable (code \(status))")
        return stats
    }
}

/// The process-wide pool of explicit jemalloc arenas.
///
/// jemalloc 5.3 keeps about 4 KiB of metadata for every arena it destroys, so
/// arenas are never destroyed: a dropped ``RecordArena`` resets and purges its
/// jemalloc arena and returns it here for the next one.
final class ArenaPool: Sendable {
    static let shared = ArenaPool()

    private let free = SanitizerVisibleMutex<[JemallocArena]>([])
    private let created = Atomic<Int>(0)

    /// Takes a pooled arena, creating one only when the pool is empty.
    func acquire() throws(RecordArenaError) -> JemallocArena {
        if let arena = free.withLock({ $0.popLast() }) { return arena }
        let arena = try JemallocArena.create().get()
        created.add(1, ordering: .relaxed)
        return arena
    }

    /// Resets, purges and returns an arena to the pool.
    func release(_ arena: JemallocArena) {
        arena.resetAndPurge()
        free.withLock { $0.append(arena) }
    }

    /// How many jemalloc arenas this pool has ever created.
    var createdCount: Int { created.load(ordering: .relaxed) }

    /// How many arenas wait in the pool.
    var idleCount: Int { free.withLock { $0.count } }
}
