import DenseRecordsTestSupport
import Foundation

/// Bounds an exit test's child process: its address space at its current size
/// plus `extraAddressSpace` bytes (`RLIMIT_AS`), and its run time at `seconds`
/// (`alarm`, whose `SIGALRM` ends the child as a failure).
///
/// The same idea as DenseRecordsArenaTests/ChildProcessLimits.swift: called
/// first in a child whose subject could, if a check regressed, reserve or map
/// what a lying header claims, so that it fails on its own instead of taking
/// the machine's memory.
func limitSnapshotChild(extraAddressSpace: Int, seconds: UInt32 = 60) {
    let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let pages = statm.split(separator: " ").first.flatMap { Int($0) } ?? 0
    let bytes = rlim_t(pages * Int(sysconf(Int32(_SC_PAGESIZE))) + extraAddressSpace)
    var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
    guard setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0 else {
        childFails("setrlimit(RLIMIT_AS) failed with errno \(errno)")
    }
    alarm(seconds)
}

/// Caps the size of any file the child writes at `bytes` (`RLIMIT_FSIZE`), as
/// a full disk would: a write past it fails with `EFBIG` (its `SIGXFSZ` is ignored).
func limitChildFileSize(_ bytes: Int) {
    signal(SIGXFSZ, SIG_IGN)
    var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
    guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 else {
        childFails("setrlimit(RLIMIT_FSIZE) failed with errno \(errno)")
    }
}

/// Ends an exit test's child with status 1, after saying why on standard error.
func childFails(_ message: String) -> Never {
    FileHandle.standardError.write(Data("child check failed: \(message)\n".utf8))
    exit(1)
}

/// Ends the child with status 1 and `message` unless `condition` holds.
func childExpect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { childFails(message()) }
}

/// The machine's physical memory in bytes, as the library computes it.
func physicalMemory() -> Int {
    Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
}
