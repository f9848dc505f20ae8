import DenseRecords
import Foundation

/// The calling process's memory as Linux reports it in `/proc/self`.
enum ProcessMemory {
    /// The page size, for converting `statm` pages to bytes.
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Resident bytes now: the second field of `/proc/self/statm` times the page size.
    ///
    /// - Returns: The bytes, or `nil` when `/proc` is unreadable.
    static func residentBytes() -> Int? {
        guard let text = procFile("/proc/self/statm") else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return nil }
        return pages * pageSize
    }

    /// The resident high-water mark, `VmHWM` in `/proc/self/status`, in bytes.
    ///
    /// - Returns: The bytes, or `nil` when `/proc` is unreadable.
    static func peakResidentBytes() -> Int? {
        guard let text = procFile("/proc/self/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.dropFirst("VmHWM:".count).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// Anonymous memory backed by transparent huge pages, `AnonHugePages` in `/proc/self/smaps_rollup`, in bytes.
    ///
    /// - Returns: The bytes, or `nil` when the kernel does not provide `smaps_rollup`.
    static func hugePageBytes() -> Int? {
        guard let text = procFile("/proc/self/smaps_rollup") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("AnonHugePages:") {
            return Int(line.filter(\.isNumber)).map { $0 * 1024 }
        }
        return nil
    }

    /// The total size of the process's anonymous mappings that are readable but not
    /// writable, from `/proc/self/maps`.
    ///
    /// jemalloc's mappings are writable; a store that maps its own pages and seals
    /// them read-only (``CompressedRecords`` does) shows up here and nowhere in
    /// jemalloc's `stats.allocated`. The delta across ingest is that store's mapped memory.
    ///
    /// - Returns: The bytes, or `nil` when `/proc` is unreadable.
    static func readOnlyAnonymousBytes() -> Int? {
        guard let text = procFile("/proc/self/maps") else { return nil }
        var total = 0
        for line in text.split(separator: "\n") {
            // address perms offset dev inode [path]
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, fields.count == 5 || fields[5].trimmingCharacters(in: .whitespaces).isEmpty,
                fields[4] == "0", fields[1].hasPrefix("r-")
            else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = Int(bounds[0], radix: 16), let end = Int(bounds[1], radix: 16) else { continue }
            total += end - start
        }
        return total
    }

    /// The whole text of a `/proc` file, read until end of file.
    ///
    /// `String(contentsOfFile:)` sizes its read by `stat`, which is 0 for `/proc`
    /// files, and returned only the first part of a long `/proc/self/maps`: the
    /// mappings past it, a store's own pages among them, went uncounted.
    static func procFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Resets the resident high-water mark to the current resident size by
    /// writing `5` to `/proc/self/clear_refs` (Linux 4.0 and later).
    ///
    /// - Returns: Whether the kernel accepted the write.
    static func resetPeakResident() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return write(descriptor, "5", 1) == 1
    }

    /// Asks jemalloc to return every arena's unused dirty pages to the OS
    /// (`arena.<MALLCTL_ARENAS_ALL>.purge`), so that the resident size shows
    /// what live allocations hold rather than what freed ones left behind.
    ///
    /// - Returns: Whether jemalloc accepted the request.
    @discardableResult
    static func purgeAllocator() -> Bool {
        AllocatorStatistics.purgeUnusedPages()
    }
}
