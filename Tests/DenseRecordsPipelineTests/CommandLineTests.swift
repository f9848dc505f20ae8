import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestSupport
import Foundation
import Testing

/// The `dense-records` binary beside the test bundle (`swift build` and `swift test` build it).
let denseRecordsBinary: URL? = {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [folder, folder.deletingLastPathComponent()] {
        let binary = candidate.appendingPathComponent("dense-records")
        if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
    }
    return nil
}()

/// What one run of the tool did.
struct ToolRun {
    var status: Int32
    var signalled: Bool
    var standardOutput: String
    var standardError: String
}

/// Runs `dense-records` with `arguments`, killing it after `timeout` so a hang fails the test instead of the suite.
///
/// With `input`, the bytes are fed to the tool's standard input through a pipe, which is then closed.
func runTool(_ arguments: [String], standardInput input: [UInt8]? = nil, timeout: Duration = .seconds(60)) throws -> ToolRun {
    let binary = try #require(denseRecordsBinary, "the dense-records binary was not built beside the tests")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let output = temporaryPath("stdout"), error = temporaryPath("stderr")
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    _ = FileManager.default.createFile(atPath: error, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: error))
    let pipe = input.map { _ in Pipe() }
    if let pipe {
        process.standardInput = pipe
        // A tool that exits early must fail the test, not kill it with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
    }
    try process.run()
    if let pipe, let input {
        try? pipe.fileHandleForWriting.write(contentsOf: Data(input))
        try? pipe.fileHandleForWriting.close()
    }
    let deadline = ContinuousClock.now + timeout
    while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        Issue.record("dense-records \(arguments.joined(separator: " ")) did not finish within \(timeout)")
    }
    process.waitUntilExit()
    defer { for path in [output, error] { try? FileManager.default.removeItem(atPath: path) } }
    return ToolRun(
        status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
        standardOutput: readTextFile(output),
        standardError: readTextFile(error))
}

@Suite("dense-records command line", .serialized)
struct CommandLineTests {
    @Test func generateRefusesGapProbabilityOneInsteadOfHanging() throws {
        let run = try runTool(["generate", "--records", "10", "--gap-probability", "1", "-o", temporaryPath("g.csv")], timeout: .seconds(30))
        #expect(!run.signalled)
        #expect(run.status == 64)
        #expect(run.standardError.contains("--gap-probability must be in 0.0..<1.0, found 1.0"), "\(run.standardError)")
    }

    @Test func generateRefusesAnIntervalThatWouldOverflow() throws {
        let run = try runTool(["generate", "--records", "10", "--interval-ms", "9300000000000", "-o", temporaryPath("g.csv")])
        #expect(!run.signalled, "trapped: \(run.standardError.prefix(300))")
        #expect(run.status == 64)
        #expect(run.standardError.contains("--interval-ms must be in 1...86400000, found 9300000000000"), "\(run.standardError.prefix(300))")
    }

    @Test func validateAndRunRefuseTheSameSpec() throws {
        let spec = try temporaryFile(
            #"{"source": {"component": "synthetic"}, "stages": [{"component": "validate", "parameters": {"min": 5, "max": 1}}], "sinks": [{"component": "arena"}]}"#,
            name: "spec.json")
        let validated = try runTool(["validate", spec])
        let ran = try runTool(["run", "--quiet", spec])
        #expect(validated.status == 1)
        #expect(ran.status == 1)
        #expect(validated.standardOutput.contains(#"stages[0].parameters.max"#))
    }

    @Test func runPrintsJSONForAnInvalidSpec() throws {
        let spec = try temporaryFile(#"{"source": {"component": "synthetic"}, "sinks": [{"component": "arna"}]}"#, name: "spec.json")
        let run = try runTool(["run", "--json", "--quiet", spec])
        #expect(run.status == 1)
        let issues = try JSONDecoder().decode([PipelineSpecIssue].self, from: Data(run.standardOutput.utf8))
        #expect(issues.map(\.location) == ["sinks[0].component"])
    }

    @Test func runPrintsJSONForAnUnreadableSpec() throws {
        let run = try runTool(["run", "--json", "--quiet", temporaryPath("missing.json")])
        #expect(run.status == 2)
        let issues = try JSONDecoder().decode([PipelineSpecIssue].self, from: Data(run.standardOutput.utf8))
        #expect(issues.first?.message.hasSuffix("it does not exist") == true)
    }

    @Test func anUnreadableSpecSaysWhy() throws {
        let missing = try runTool(["validate", temporaryPath("missing.json")])
        #expect(missing.status == 2)
        #expect(missing.standardError.hasSuffix(": it does not exist\n"), "\(missing.standardError)")
        let folder = try runTool(["validate", FileManager.default.temporaryDirectory.path])
        #expect(folder.status == 2)
        #expect(folder.standardError.hasSuffix(": it is a directory, not a file\n"), "\(folder.standardError)")
    }

    @Test func longPathsAreCutInMessages() throws {
        let long = "/" + String(repeating: "deeply-nested-folder/", count: 20) + "spec.json"
        let run = try runTool(["validate", long])
        #expect(run.status == 2)
        #expect(run.standardError.contains("…"), "\(run.standardError)")
        #expect(run.standardError.count < 220, "\(run.standardError)")
        #expect(run.standardError.contains("deeply-nested-folder/spec.json"))
    }
}

/// `PipelineSpec.readFile(atPath:)`, which the command line reads specs with.
@Suite("Reading spec files")
struct SpecFileTests {
    func reason(_ path: String) -> PipelineSpecReadError.Reason? {
        do {
            _ = try PipelineSpec.readFile(atPath: path)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func missingAndDirectoryPathsSayWhy() throws {
        #expect(reason(temporaryPath("missing.json")) == .missing)
        #expect(reason(temporaryPath("missing") + "/inside.json") == .missing)
        #expect(reason(FileManager.default.temporaryDirectory.path) == .isDirectory)
        let file = try temporaryFile("{}", name: "spec.json")
        #expect(reason(file) == nil)
        #expect(reason(file + "/below") == .missing)
    }

    @Test(.enabled(if: getuid() != 0, "root reads every file, so permission cannot be denied"))
    func unreadableFilesSayPermissionDenied() throws {
        let file = try temporaryFile("{}", name: "spec.json")
        chmod(file, 0)
        #expect(reason(file) == .permissionDenied)
    }

    @Test func aLongPathIsCutToItsLastCharacters() {
        let long = "/" + String(repeating: "x", count: 300) + "/spec.json"
        let description = PipelineSpecReadError(path: long, reason: .missing).description
        #expect(description == "cannot read the spec …" + long.suffix(119) + ": it does not exist")
    }

    @Test func aSpecLargerThanTheLimitIsRefused() throws {
        let file = try temporaryFile([UInt8](repeating: 0x20, count: PipelineSpec.maximumSpecBytes + 1), name: "big.json")
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(reason(file) == .tooLarge)
    }
}
