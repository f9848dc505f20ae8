import ArgumentParser
import DenseRecords

/// The `dense-records` command-line tool.
@main
struct DenseRecordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dense-records",
        abstract: "Build, validate and run DenseRecords pipelines.",
        subcommands: [ValidateCommand.self, RunCommand.self, GenerateCommand.self, ComponentsCommand.self, ExportCommand.self, IngestCommand.self, InspectCommand.self]
    )
}
