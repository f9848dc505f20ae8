#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ChangeLog {
    /// The bytes one event takes in the ring: the stride of ``ChangeEvent``, 80 on 64-bit platforms.
    ///
    /// - Complexity: O(1).
    public static var bytesPerEvent: Int { MemoryLayout<ChangeEvent>.stride }

    /// The largest capacity this machine allows: its physical memory divided by ``bytesPerEvent``.
    ///
    /// ``init(capacity:)`` traps above it and ``init(checkedCapacity:)`` throws.
    /// It is an upper bound, not a recommendation: a log this large would
    /// leave nothing for the rest of the process.
    ///
    /// - Complexity: O(1); two `sysconf` calls.
    public static var maximumCapacity: Int { physicalMemoryBytes / bytesPerEvent }

    /// The machine's physical memory in bytes, `sysconf(_SC_PHYS_PAGES)` × `sysconf(_SC_PAGESIZE)`.
    ///
    /// `Int.max` when the system does not say, so that an unknown size refuses nothing.
    static var physicalMemoryBytes: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return Int.max }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? Int.max : bytes
    }

    /// The ring's size in bytes for `capacity` events, checked against what is possible before anything is allocated.
    static func ringBytes(forCapacity capacity: Int) throws(ChangeLogError) -> Int {
        guard capacity > 0 else { throw .capacityNotPositive(requested: capacity) }
        let (bytes, overflow) = capacity.multipliedReportingOverflow(by: bytesPerEvent)
        guard !overflow else { throw .capacityOverflows(requested: capacity, bytesPerEvent: bytesPerEvent) }
        let physical = physicalMemoryBytes
        guard bytes <= physical else {
            throw .capacityExceedsPhysicalMemory(requested: capacity, requestedBytes: bytes, physicalMemoryBytes: physical)
        }
        return bytes
    }
}
