#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Requests a header can make are checked against what the machine has
// before anything is allocated: a CRC-valid header of a sparse file can claim
// terabytes that no block backs.

/// The machine's physical memory in bytes, `sysconf(_SC_PHYS_PAGES)` × `sysconf(_SC_PAGESIZE)`;
/// `Int.max` when the system does not say, so that an unknown size refuses nothing.
func physicalMemoryBytes() -> Int {
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let pageSize = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, pageSize > 0 else { return Int.max }
    let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
    return overflow ? Int.max : bytes
}

/// Throws unless `bytes` of memory for `purpose` could fit in physical memory.
///
/// - Throws: ``SnapshotError/exceedsPhysicalMemory(purpose:requestedBytes:physicalBytes:)``.
func requirePhysicalMemory(_ bytes: Int, for purpose: @autoclosure () -> String) throws(SnapshotError) {
    let physical = physicalMemoryBytes()
    guard bytes <= physical else {
        throw .exceedsPhysicalMemory(purpose: purpose(), requestedBytes: bytes, physicalBytes: physical)
    }
}
