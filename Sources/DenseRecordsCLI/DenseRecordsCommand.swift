import ArgumentParser
import DenseRecords
import Foundation

/// The `dense-records` command-line tool.
@main
struct DenseRecordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dense-records",
        abstract: "Build, validate and run DenseRecords pipelines.",
        subcommands: [ValidateCommand.self, RunCommand.self, GenerateCommand.self, ComponentsCommand.self, ExportCommand.self, IngestCommand.self, InspectCommand.self, QueryCommand.self]
    )
}


extension DenseRecordsCommand {
    /// Runs the tool: ArgumentParser's `main`, except that a usage error in
    /// `dense-records query` (an unknown option, a missing value) exits with
    /// status 2, as its help promises, instead of EX_USAGE (64).
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let arguments = CommandLine.arguments.dropFirst()
            if arguments.first == QueryCommand.configuration.commandName, exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
