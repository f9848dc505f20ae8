import DenseRecords
import Foundation

/// A deterministic record for index `i`, so tests can check contents without storing them.
func record(_ i: Int) -> SensorRecord {
    SensorRecord(
        sensorID: UInt32(truncatingIfNeeded: i &* 2_654_435_761),
        timestampNanoseconds: 1_700_000_000_000_000_000 + Int64(i) * 1_000_000,
        value: Double(i) * 0.5 - 17,
        unit: SensorUnit(rawValue: UInt8(truncatingIfNeeded: i % 9)))
}

/// A small, seedable generator (SplitMix64) so that random tests replay exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The process's resident set size in bytes, from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Prints a verdict and `message` to standard error and ends the process with status 0.
///
/// For measurements that need a process of their own: the exit test's parent
/// reads the verdict back with ``measuredVerdict(_:)`` and shows the figures
/// whether the bound held or not.
func reportAndExit(_ passed: Bool, _ message: String) -> Never {
    FileHandle.standardError.write(Data("verdict: \(passed ? "pass" : "fail"); \(message)\n".utf8))
    exit(EXIT_SUCCESS)
}

/// The child's report line, and whether it says the bound held.
func measuredVerdict(_ standardError: [UInt8]) -> (passed: Bool, report: String) {
    let text = String(decoding: standardError, as: UTF8.self)
    let line = text.split(separator: "\n").last(where: { $0.hasPrefix("verdict: ") }).map(String.init) ?? text
    return (line.hasPrefix("verdict: pass;"), line)
}

/// Whether this process runs under AddressSanitizer or ThreadSanitizer.
///
/// Both replace `malloc` with their own allocator and add shadow memory, so
/// tests that measure jemalloc's process-wide figures or the process's RSS are
/// meaningless under them and are skipped; every other test still runs.
let sanitizerActive: Bool = ["__asan_init", "__tsan_init"].contains { (symbol: String) in
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol) != nil
}
