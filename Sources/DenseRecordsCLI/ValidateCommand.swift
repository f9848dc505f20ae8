import ArgumentParser
import DenseRecords
import Foundation

/// `dense-records validate SPEC`: every problem in a spec, nothing opened.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline spec and report every problem in it.",
        discussion: "Exits with 0 when the spec is valid, 1 when it has problems, 2 when it cannot be read. Nothing is opened or run."
    )

    @Argument(help: "The pipeline spec (JSON).")
    var spec: String

    @Flag(help: "Print the problems as a JSON array.")
    var json = false

    func run() throws {
        let data = try readSpec(spec, json: json)
        let issues = PipelineBuilder(registry: .builtIn).validate(data)
        if json {
            print(try encodeJSON(issues))
        } else if issues.isEmpty {
            print("\(shownPath(spec)): valid")
        } else {
            print("\(shownPath(spec)): \(issues.count == 1 ? "1 problem" : "\(issues.count) problems")")
            for issue in issues { print("  \(issue)") }
        }
        if !issues.isEmpty { throw ExitCode(1) }
    }
}

/// Reads a spec file, or exits with code 2 and a message that says why on
/// standard error; under `--json`, also as a one-issue JSON array on standard output.
func readSpec(_ path: String, json: Bool) throws -> Data {
    do {
        return try PipelineSpec.readFile(atPath: path)
    } catch {
        printError("dense-records: \(error)")
        if json { print(try encodeJSON([PipelineSpecIssue(location: "(spec)", message: error.description)])) }
        throw ExitCode(2)
    }
}

/// A path as messages show it: its last 120 characters after "…" when longer.
///
/// The same rule as the library's messages; the CLI cannot import the internal helper.
func shownPath(_ path: String) -> String {
    path.count > 120 ? "…" + path.suffix(119) : path
}

/// Pretty, key-sorted JSON text.
func encodeJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
