public import DenseRecordsCore
@_exported import InternalDenseRecordsUtilities
public import Foundation

/// A deterministic record for index `i`, so tests can check contents without storing them.
public func record(_ i: Int) -> SensorRecord {
    SensorRecord(
        sensorID: UInt32(truncatingIfNeeded: i &* 2_654_435_761),
        timestampNanoseconds: 1_700_000_000_000_000_000 + Int64(i) * 1_000_000,
        value: Double(i) * 0.5 - 17,
        unit: SensorUnit(rawValue: UInt8(truncatingIfNeeded: i % 9)))
}

/// The process's resident set size in bytes, from /proc/self/statm.
public func residentBytes() -> Int {
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
public func reportAndExit(_ passed: Bool, _ message: String) -> Never {
    FileHandle.standardError.write(Data("verdict: \(passed ? "pass" : "fail"); \(message)\n".utf8))
    exit(EXIT_SUCCESS)
}

/// The child's report line, and whether it says the bound held.
public func measuredVerdict(_ standardError: [UInt8]) -> (passed: Bool, report: String) {
    let text = String(decoding: standardError, as: UTF8.self)
    let line = text.split(separator: "\n").last(where: { $0.hasPrefix("verdict: ") }).map(String.init) ?? text
    return (line.hasPrefix("verdict: pass;"), line)
}

/// Whether this process runs under AddressSanitizer or ThreadSanitizer.
///
/// Both replace `malloc` with their own allocator and add shadow memory, so
/// tests that measure jemalloc's process-wide figures or the process's RSS are
/// meaningless under them and are skipped; every other test still runs.
public let sanitizerActive: Bool = ["__asan_init", "__tsan_init"].contains { (symbol: String) in
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol) != nil
}

/// A fresh path in the temporary directory for one test's output.
public func temporaryArrowPath(_ name: String = "export", extension pathExtension: String = "arrow") -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dense-records-arrow-tests", isDirectory: true)
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("\(name)-\(UUID().uuidString).\(pathExtension)").path
}

/// A unique temporary file path.
public func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("dense-records-\(UUID().uuidString)-\(name)").path
}

/// Writes `bytes` to a new temporary file and returns its path.
public func temporaryFile(_ bytes: [UInt8], name: String = "input.csv") throws -> String {
    let path = temporaryPath(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Writes `text` to a new temporary file and returns its path.
public func temporaryFile(_ text: String, name: String = "input.csv") throws -> String {
    try temporaryFile(Array(text.utf8), name: name)
}


/// The repository's root folder, found from this file's path
/// (`Tests/DenseRecordsTestSupport/TestSupport.swift`).
public let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The contents of the file at `path` as UTF-8 text, or `""` when it cannot be read.
///
/// Read with `read(2)`: FoundationEssentials' `String(contentsOfFile:)` and
/// `FileManager.contents(atPath:)` leak their buffer for some files (empty ones
/// among them), which LeakSanitizer reports in the address-sanitizer run.
public func readTextFile(_ path: String) -> String {
    String(decoding: readFileBytes(path) ?? [], as: UTF8.self)
}

/// The bytes of the file at `path`, or `nil` when it cannot be opened; read with
/// `read(2)`, for the reason ``readTextFile(_:)`` gives.
public func readFileBytes(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 << 10)
    while true {
        let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if got < 0, errno == EINTR { continue }
        guard got > 0 else { break }
        bytes += buffer[0..<got]
    }
    return bytes
}

/// A fresh folder for one test's files, removed with its contents when released.
public final class ScratchFolder {
    /// The folder's path.
    public let path: String

    /// Creates an empty folder in the temporary directory.
    public init() throws {
        path = temporaryPath("scratch")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Every name in the folder, sorted: temporary files left behind show up here.
    public func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}
