import DenseRecords
import Foundation

/// The machine a run measured on, as written into every report file.
struct MachineInfo: Codable, Sendable {
    var cpuModel: String
    var logicalCores: Int
    var memoryBytes: Int?
    var kernel: String
    var operatingSystem: String
    /// The selected mode in `/sys/kernel/mm/transparent_hugepage/enabled`, for example `madvise`.
    var transparentHugePages: String
    var swiftVersion: String
    var jemallocVersion: String
    var pythonVersion: String?
    var pageSize: Int

    /// Reads the machine's description from `/proc`, `/sys`, `/etc/os-release` and `swift --version`.
    ///
    /// - Parameter pythonInterpreter: The Python version the run used, if any.
    /// - Returns: The description; a figure that cannot be read is `unknown` or `nil`.
    static func collect(pythonInterpreter: String?) -> MachineInfo {
        let cpu = read("/proc/cpuinfo")?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let memory = meminfo("MemTotal")
        let thp = read("/sys/kernel/mm/transparent_hugepage/enabled")
            .flatMap { text -> String? in
                guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close else { return nil }
                return String(text[text.index(after: open)..<close])
            }
        let os = read("/etc/os-release")?.split(separator: "\n")
            .first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        return MachineInfo(
            cpuModel: cpu ?? "unknown",
            logicalCores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: memory,
            kernel: read("/proc/sys/kernel/osrelease")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown",
            operatingSystem: os ?? "unknown",
            transparentHugePages: thp ?? "unknown",
            swiftVersion: swiftVersion(),
            jemallocVersion: AllocatorStatistics.allocatorVersion,
            pythonVersion: pythonInterpreter,
            pageSize: ProcessMemory.pageSize)
    }

    /// `MemAvailable` from `/proc/meminfo`, in bytes.
    static func availableMemoryBytes() -> Int? { meminfo("MemAvailable") }

    /// The first three fields of `/proc/loadavg`.
    static func loadAverage() -> String? {
        read("/proc/loadavg").map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
    }

    /// A one-line summary for the report's first lines.
    var summary: String {
        let memory = memoryBytes.map { Format.fixed(Double($0) / 1_073_741_824, 1) + " GiB" } ?? "unknown memory"
        return "\(cpuModel), \(logicalCores) logical cores, \(memory), Linux \(kernel), THP \(transparentHugePages), "
            + "\(swiftVersion), jemalloc \(jemallocVersion)"
    }

    private static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    private static func meminfo(_ field: String) -> Int? {
        guard let line = read("/proc/meminfo")?.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
        return Int(line.filter(\.isNumber)).map { $0 * 1024 }
    }

    /// The first line of `swift --version`, or the compiler this executable was built with.
    private static func swiftVersion() -> String {
        if let swift = ChildProcess.findExecutable("swift"),
            let text = try? ChildProcess.output(of: swift, ["--version"]),
            let line = text.split(separator: "\n").first(where: { $0.contains("Swift version") })
        {
            return String(line.trimmingCharacters(in: .whitespaces))
        }
        #if compiler(>=6.3)
        return "Swift 6.3 or later (compiler of this build)"
        #else
        return "Swift 6 (compiler of this build)"
        #endif
    }
}
