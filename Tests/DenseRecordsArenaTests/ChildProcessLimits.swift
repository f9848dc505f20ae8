import DenseRecordsTestSupport
import Foundation

/// Bounds an exit test's child process: its address space at its current size
/// plus `extraAddressSpace` bytes (`RLIMIT_AS`), and its run time at `seconds`
/// (`alarm`, whose `SIGALRM` ends the child as a failure).
///
/// Called first in a child whose subject could, if a check regressed, allocate
/// without end or never return: the child then fails on its own instead of
/// taking the machine's memory or hanging the suite.
func limitChildProcess(extraAddressSpace: Int, seconds: UInt32 = 60) {
    let bytes = rlim_t(virtualBytes() + extraAddressSpace)
    var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
    guard setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0 else {
        reportAndExit(false, "setrlimit(RLIMIT_AS) failed with errno \(errno)")
    }
    alarm(seconds)
}

/// The process's virtual size in bytes, from the first field of /proc/self/statm.
func virtualBytes() -> Int {
    let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let pages = statm.split(separator: " ").first.flatMap { Int($0) } ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// The process's peak resident set size in bytes (`VmHWM` in /proc/self/status).
func peakResidentBytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return kilobytes << 10
}
