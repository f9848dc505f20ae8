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
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = (byteCount + page - 1) / page * page
        let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { throw .outOfMemory(bytes: length) }
        base = mapped
        capacity = length
    }

    /// Makes the pages read-only: a write through a stray pointer traps instead of corrupting.
    func seal() { _ = mprotect(base, capacity, PROT_READ) }

    /// Unmaps the pages.
    func release() { _ = munmap(base, capacity) }
}
