import ArgumentParser
import DenseRecords

/// The CSV dialect options `ingest` and `export` share: the csv-reader component's parameters as flags.
///
/// Use it with `@OptionGroup var csvInput: CSVInputOptions`, then build the
/// source with ``makeSource(path:)``, run a file into a sink with ``run(_:into:command:)``,
/// or build a spec entry with ``readerParameters(path:)``.
struct CSVInputOptions: ParsableArguments {
    @Option(help: "CSV: the field separator: ',', ';' or tab.")
    var delimiter = ","

    @Option(help: "CSV: the header name of the sensor id column.")
    var sensorColumn = "sensor_id"

    @Option(help: "CSV: the header name of the timestamp column.")
    var timestampColumn = "timestamp"

    @Option(help: "CSV: the header name of the value column.")
    var valueColumn = "value"

    @Option(help: "CSV: the header name of the unit column.")
    var unitColumn = "unit"

    @Option(help: "CSV: the unit of every record when the header has no unit column (a unit name or an alias such as °C or hPa).")
    var unit: String?

    @Option(help: """
        CSV: how timestamps are written: ns, us, ms, s (integer or fractional epoch) or rfc3339. \
        Without it: ns, but a file whose first batch all falls before 1971 is refused with a suggestion.
        """)
    var timestampFormat: String?

    @Option(help: "CSV: an empty value: skip (counted as missing) or nan.")
    var onMissingValue = "skip"

    @Option(help: "CSV: a unit that is not known: fail (a malformed line), skip (counted) or keep (as unknown).")
    var onUnknownUnit = "fail"

    @Flag(help: "CSV: skip and count malformed lines instead of stopping at the first.")
    var skipMalformed = false

    func validate() throws {
        guard CSVDelimiter(name: delimiter) != nil else { throw ValidationError("--delimiter must be ',', ';' or tab") }
        if let timestampFormat, CSVTimestampFormat(rawValue: timestampFormat) == nil {
            throw ValidationError("--timestamp-format must be one of ns, us, ms, s, rfc3339")
        }
        guard CSVMissingValuePolicy(rawValue: onMissingValue) != nil else { throw ValidationError("--on-missing-value must be skip or nan") }
        guard CSVUnknownUnitPolicy(rawValue: onUnknownUnit) != nil else {
            throw ValidationError("--on-unknown-unit must be fail, skip or keep")
        }
        do {
            _ = try CSVReadOptions(checking: readerParameters(path: ""))
        } catch {
            throw ValidationError("--\(Self.optionName(error.parameter)): \(error.message)")
        }
    }

    /// The csv-reader component's parameters for `path`, as a spec would give them.
    ///
    /// - Parameter path: The CSV file.
    /// - Returns: The parameters, for a spec's source entry.
    func readerParameters(path: String) -> [String: JSONValue] {
        var parameters: [String: JSONValue] = [
            "path": .string(path),
            "onMalformedLine": .string(skipMalformed ? "skip" : "fail"),
            "delimiter": .string(CSVDelimiter(name: delimiter)?.name ?? delimiter),
            "sensorColumn": .string(sensorColumn), "timestampColumn": .string(timestampColumn),
            "valueColumn": .string(valueColumn), "unitColumn": .string(unitColumn),
            "onMissingValue": .string(onMissingValue), "onUnknownUnit": .string(onUnknownUnit),
        ]
        if let unit { parameters["unit"] = .string(unit) }
        if let timestampFormat { parameters["timestampFormat"] = .string(timestampFormat) }
        return parameters
    }

    /// A csv-reader source for `path` with these options, checked as a spec's `csv-reader` entry is.
    ///
    /// - Parameter path: The CSV file.
    /// - Returns: The source; nothing is opened.
    /// - Throws: `ValidationError` when an option is not valid.
    func makeSource(path: String) throws -> CSVRecordSource {
        let options: CSVReadOptions
        do {
            options = try CSVReadOptions(checking: readerParameters(path: path))
        } catch {
            throw ValidationError("--\(Self.optionName(error.parameter)): \(error.message)")
        }
        return CSVRecordSource(path: path, options: options, policy: skipMalformed ? .skip : .fail)
    }

    /// Runs the CSV file at `path` through `sink` in a pipeline of the two,
    /// listing skipped lines on standard error.
    ///
    /// - Parameters:
    ///   - path: The CSV file.
    ///   - sink: Where the records go.
    ///   - command: The command's name, which starts its error messages.
    /// - Returns: The run's summary.
    /// - Throws: `ExitCode(1)` when the input fails, `ExitCode(2)` when the
    ///   output fails or the run ends any other way; a `ValidationError` for
    ///   options the csv-reader refuses.
    func run(_ path: String, into sink: NamedComponent<any RecordSink>, command: String) async throws -> PipelineSummary {
        let pipeline = Pipeline(source: .init("csv", try makeSource(path: path)), sinks: [sink])
        let run: PipelineSummary
        do {
            run = try await pipeline.run()
        } catch {
            switch error.summary.outcome {
            case let .sourceFailed(message):
                printError("dense-records \(command): \(message)")
                throw ExitCode(1)
            case let .sinkFailed(_, message):
                printError("dense-records \(command): \(message)")
                throw ExitCode(2)
            default:
                printError("dense-records \(command): \(error.summary.outcome)")
                throw ExitCode(2)
            }
        }
        if run.rejected.total > 0 {
            printError("skipped \(run.rejected.total) malformed lines of \(path):")
            for line in run.source.skipped { printError("  \(line)") }
            if run.source.skippedNotListed > 0 { printError("  … and \(run.source.skippedNotListed) more") }
        }
        return run
    }

    /// The command-line spelling of a csv-reader parameter: `timestampFormat` is `timestamp-format`.
    static func optionName(_ parameter: String) -> String {
        var name = ""
        for character in parameter {
            if character.isUppercase { name += "-" + character.lowercased() } else { name.append(character) }
        }
        return name
    }
}
