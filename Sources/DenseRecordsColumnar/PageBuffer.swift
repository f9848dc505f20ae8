internal import CDenseRecordsShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Anonymous pages holding a store's blocks: exact to account, read-only once sealed.
struct PageBuffer {
    let base: UnsafeMutableRawPointer
    /// The mapped length: the byte count rounded up to whole pages.
    let capacity: Int

    /// Maps at least `byteCount` bytes of zeroed, writable pages.
    init(byteCount: Int) throws(ColumnarError) {
        let length = Self.pageRounded(byteCount)
        let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { throw .outOfMemory(bytes: length) }
        base = mapped
        capacity = length
    }

    private init(base: UnsafeMutableRawPointer, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// `byteCount` rounded up to whole pages (at least one).
    static func pageRounded(_ byteCount: Int) -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return Swift.max(1, (byteCount + page - 1) / page) * page
    }

    /// These pages resized to hold `byteCount` bytes, the first `used` kept.
    ///
    /// On Linux the mapping grows or shrinks with `mremap`, which moves page
    /// table entries and copies nothing; pages never written cost no memory,
    /// so growing by doubling adds address space, not resident bytes. Where
    /// that fails, a new mapping gets a copy of the used bytes. On success this
    /// buffer must no longer be used; on a throw it is unchanged.
    func resized(toHold byteCount: Int, keeping used: Int) throws(ColumnarError) -> PageBuffer {
        let length = Self.pageRounded(byteCount)
        if length == capacity { return self }
        if let moved = dr_mremap(base, capacity, length) { return PageBuffer(base: moved, capacity: length) }
        let fresh = try PageBuffer(byteCount: length)
        fresh.base.copyMemory(from: base, byteCount: Swift.min(used, length))
        release()
        return fresh
    }

    /// Makes the pages read-only: a write through a stray pointer traps instead of corrupting.
    func seal() { _ = mprotect(base, capacity, PROT_READ) }

    /// Unmaps the pages.
    func release() { _ = munmap(base, capacity) }
}
