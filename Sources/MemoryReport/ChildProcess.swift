import Foundation

/// Why a child process gave no measurement.
struct ChildFailure: Error, CustomStringConvertible {
    /// A one-line reason, for the report's skipped list.
    var description: String
}

/// Starts measurement children (this executable again, or the Python script) and reads their JSON line.
enum ChildProcess {
    /// This executable's path, resolved from `/proc/self/exe`.
    static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Finds an executable by path, or by name in `PATH`.
    ///
    /// - Parameter name: A path containing `/`, or a bare name.
    /// - Returns: The executable's path, or `nil` when there is none.
    static func findExecutable(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs a program to completion and returns its standard output; its standard error goes to ours.
    ///
    /// - Parameters:
    ///   - executable: The program's path.
    ///   - arguments: Its arguments.
    /// - Returns: Standard output as text.
    /// - Throws: ``ChildFailure`` when it cannot start or exits with a nonzero status.
    static func output(of executable: String, _ arguments: [String]) throws(ChildFailure) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            throw ChildFailure(description: "could not start \(executable): \(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit ? "exit status" : "signal"
            throw ChildFailure(description: "child failed (\(how) \(process.terminationStatus))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs one measurement child and decodes the last line it printed.
    ///
    /// - Parameters:
    ///   - executable: The program's path.
    ///   - arguments: Its arguments.
    /// - Returns: The measurement.
    /// - Throws: ``ChildFailure`` when it fails or prints no valid measurement.
    static func measurement(from executable: String, _ arguments: [String]) throws(ChildFailure) -> CaseMeasurement {
        let text = try output(of: executable, arguments)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
            throw ChildFailure(description: "child printed no measurement")
        }
        do {
            return try JSONDecoder().decode(CaseMeasurement.self, from: Data(line.utf8))
        } catch {
            throw ChildFailure(description: "child printed an unreadable measurement: \(error)")
        }
    }
}
