import DenseRecordsCore
import InternalDenseRecordsUtilities
import CDenseRecords

/// Owns one chunk allocation and frees it when the last chunk table that lists it goes away.
///
/// This is the reference count at chunk granularity that makes live views
/// safe: a ``RecordArenaView`` holds the table it was taken from, the table
/// holds one owner per chunk, so `removeAll()`, `seal()` or a table growth
/// never frees a chunk a view can still read.
// @unchecked Sendable, and why that is sound: both properties are `let`s; the
// chunk is freed only in `deinit`, which runs once no table lists the owner.
final class ChunkOwner: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let lease: ArenaLease

    init(base: UnsafeMutableRawPointer, lease: ArenaLease) {
        self.base = base
        self.lease = lease
    }

    deinit { lease.arena.freeChunk(base) }
}

/// The chunk table of a ``ChunkStorage``: the chunks' base pointers, their
/// owners, and a cache of their zone maps, shared with the views taken from it.
///
/// Entries are append-only as far as any reader can tell: the writer fills
/// entry `k` before it publishes a record count that reaches chunk `k`, and
/// never overwrites an entry a view may read. When the table is full, or the
/// last chunk had to move, the writer makes a new table (copying the entries
/// and retaining the owners) and keeps writing there; views keep the old one.
// @unchecked Sendable, and why that is sound:
// - `pointers[k]` is written once, by the writer, before any publication
//   (a lock release or the Sendable hand-over of a view) of a count that
//   reaches chunk k; readers read only entries below their published count.
// - `owners` is touched only by the writer (the ChunkStorage that made the
//   table, in one isolation domain) and by `deinit`.
// - `zoneMaps` is behind a lock.
@usableFromInline
final class ChunkTable: @unchecked Sendable {
    @usableFromInline let pointers: UnsafeMutablePointer<UnsafeMutablePointer<sensor_record_t>>
    let capacity: Int
    var owners: [ChunkOwner] = []
    /// `zoneMaps[k]` summarizes the first `zoneMaps[k].recordCount` records of chunk `k`.
    private let zoneMaps: SanitizerVisibleMutex<[ZoneMap]>

    /// A table of `capacity` entries holding a copy of `previous`'s entries, if any.
    init(capacity: Int, copying previous: ChunkTable?) {
        self.capacity = capacity
        pointers = .allocate(capacity: capacity)
        var maps = [ZoneMap](repeating: ZoneMap(), count: capacity)
        if let previous {
            let count = previous.owners.count
            pointers.initialize(from: previous.pointers, count: count)
            owners = previous.owners
            previous.zoneMaps.withLock { old in
                for index in 0..<Swift.min(count, old.count) { maps[index] = old[index] }
            }
        }
        zoneMaps = SanitizerVisibleMutex(maps)
    }

    deinit {
        let hadChunks = !owners.isEmpty
        let lease = owners.first?.lease
        owners = []  // frees every chunk no other table lists
        if hadChunks, let lease { lease.arena.purge() }
        pointers.deallocate()
    }

    /// The zone map of the first `recordCount` records of chunk `chunk`,
    /// computed on demand from the cached prefix and cached again.
    ///
    /// - Complexity: O(1) when cached; otherwise O(*r*) in the records not yet summarized.
    func zoneMap(ofChunk chunk: Int, recordCount: Int) -> ZoneMap {
        let cached = zoneMaps.withLock { $0[chunk] }
        if cached.recordCount == recordCount { return cached }
        let base = UnsafePointer(pointers[chunk])
        var map: ZoneMap
        if cached.recordCount < recordCount {
            map = cached
            for index in cached.recordCount..<recordCount { map.include(base[index]) }
        } else {
            map = ZoneMap(summarizing: UnsafeBufferPointer(start: base, count: recordCount))
        }
        let result = map
        zoneMaps.withLock { maps in
            if maps[chunk].recordCount < result.recordCount { maps[chunk] = result }
        }
        return map
    }

    /// Forgets every cached zone map: records were changed in place.
    func invalidateZoneMaps() {
        zoneMaps.withLock { maps in
            for index in maps.indices where maps[index].recordCount != 0 { maps[index] = ZoneMap() }
        }
    }
}
