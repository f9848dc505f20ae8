import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
extension ComponentRegistry {
    /// The components DenseRecords ships, registered under these names.
    ///
    /// | name | role | type | parameters |
    /// |---|---|---|---|
    /// | `synthetic` | source | ``SyntheticRecordSource`` | `records`, `sensors`, `seed`, `intervalMs`, `startNanoseconds`, `gapProbability` |
    /// | `csv-reader` | source | ``CSVRecordSource`` | `path` (required), `onMalformedLine` (`fail`/`skip`), `maxLineBytes`, `bufferBytes`, `delimiter` (`,`/`;`/`tab`), `sensorColumn`, `timestampColumn`, `valueColumn`, `unitColumn`, `unit`, `timestampFormat` (`ns`/`us`/`ms`/`s`/`rfc3339`), `onMissingValue` (`skip`/`nan`), `onUnknownUnit` (`fail`/`skip`/`keep`); see ``CSVReadOptions`` |
    /// | `validate` | stage | ``RecordFilterStage`` | `min`, `max`, `requireFinite`, `requireKnownUnit`, `units` |
    /// | `window-aggregate` | stage | ``WindowedAggregateStage`` | `windowMs`, `allowedLatenessMs`, `statistics` (`mean`/`min`/`max`/`count`) |
    /// | `arena` | sink | ``RecordArenaSink`` | `byteLimit` |
    /// | `csv-writer` | sink | ``CSVRecordSink`` | `path` (required) |
    /// | `arrow-writer` | sink | ``ArrowRecordSink`` | `path` (required), `format` (`file`/`stream`), `batchSize`, `unitEncoding` (`dictionary`/`code`) |
    /// | `parquet-writer` | sink | ``ParquetRecordSink`` | `path` (required), `compression` (`zstd`/`none`), `rowGroupSize`, `partitionBy` (`none`/`day`), `valueEncoding`, `unitEncoding` |
    /// | `snapshot` | source | ``SnapshotRecordSource`` | `path` (required) |
    /// | `snapshot-writer` | sink | ``SnapshotRecordSink`` | `path` (required) |
    ///
    /// Every precondition of these components' initializers is checked by
    /// spec validation first (a parameter's range, or the factory's check for
    /// what spans parameters), so a spec `validate` accepts builds without
    /// trapping.
    ///
    /// Start from it and ``register(_:role:summary:parameters:productType:check:make:)-(_,_,_,_,_,_,(ComponentParameters)->Product)`` your own.
    ///
    /// - Complexity: O(1); a few dozen small allocations.
    public static var builtIn: ComponentRegistry {
        var registry = ComponentRegistry()
        do {
            try registry.registerBuiltIns()
        } catch {
            requirementFailed("DenseRecords built-in component registration failed: \(error)")
        }
        return registry
    }

    private mutating func registerBuiltIns() throws(ComponentRegistrationError) {
        try register(
            "synthetic", role: .source, summary: "Deterministic readings with regular timestamps, slow drift and occasional gaps.",
            parameters: [
                .optional("records", .integer(SyntheticRecordSource.recordCountRange), default: .integer(1_000_000), "records to produce"),
                .optional("sensors", .integer(SyntheticRecordSource.sensorCountRange), default: .integer(16), "number of sensors"),
                .optional("seed", .integer(0...Int64.max), default: .integer(42), "generator seed"),
                .optional("intervalMs", .integer(SyntheticRecordSource.intervalMillisecondsRange), default: .integer(1_000),
                    "each sensor's period in ms"),
                .optional("startNanoseconds", .integer(), default: .integer(1_700_000_000_000_000_000), "first timestamp"),
                .optional("gapProbability", .halfOpenNumber(SyntheticRecordSource.gapProbabilityRange), default: .number(0.002),
                    "per-reading chance of a silence; below 1"),
            ],
            check: { parameters in
                guard let records = try? parameters.integer("records"), let sensors = try? parameters.integer("sensors"),
                    let interval = try? parameters.integer("intervalMs"), let gap = try? parameters.number("gapProbability")
                else { return [] }
                return SyntheticRecordSource.parameterProblems(
                    records: Int64(records), sensors: Int64(sensors), intervalMilliseconds: Int64(interval), gapProbability: gap)
            }
        ) { parameters in
            SyntheticRecordSource(
                recordCount: try parameters.integer("records"), sensorCount: try parameters.integer("sensors"),
                seed: UInt64(try parameters.integer("seed")),
                intervalNanoseconds: Int64(try parameters.integer("intervalMs")) * 1_000_000,
                startNanoseconds: Int64(try parameters.integer("startNanoseconds")),
                gapProbability: try parameters.number("gapProbability"))
        }
        try register(
            "csv-reader", role: .source, summary: "Streams a CSV file of readings of any size; columns found by header name.",
            parameters: [
                .required("path", .string, "the CSV file, relative to the working directory"),
                .optional("onMalformedLine", .choice(MalformedLinePolicy.allCases.map(\.rawValue)), default: .string("fail"),
                    "skip and count malformed lines, or fail on the first"),
                .optional("maxLineBytes", .integer(16...(64 << 20)), default: .integer(4_096), "longest line accepted"),
                .optional("bufferBytes", .integer(4_096...(256 << 20)), default: .integer(1 << 20), "read buffer size"),
            ] + CSVReadOptions.parameterSpecs,
            check: { parameters in
                let dialectProblems = CSVReadOptions.parameterProblems(parameters)
                guard let maxLineBytes = try? parameters.integer("maxLineBytes"), let bufferBytes = try? parameters.integer("bufferBytes"),
                    maxLineBytes > bufferBytes - 2
                else { return dialectProblems }
                return dialectProblems + [ComponentParameterError(
                    parameter: "maxLineBytes",
                    message: "(\(maxLineBytes)) must leave room for a line ending in \"bufferBytes\" (\(bufferBytes)): at most \(bufferBytes - 2)")]
            }
        ) { parameters in
            CSVRecordSource(
                path: try parameters.string("path"), options: try CSVReadOptions(parameters: parameters),
                policy: MalformedLinePolicy(rawValue: try parameters.string("onMalformedLine")) ?? .fail,
                maxLineBytes: try parameters.integer("maxLineBytes"), bufferBytes: try parameters.integer("bufferBytes"))
        }
        try register(
            "validate", role: .stage, summary: "Drops non-finite values, values out of range and units not allowed.",
            parameters: [
                .optional("min", .number(), default: .null, "smallest value kept"),
                .optional("max", .number(), default: .null, "largest value kept"),
                .optional("requireFinite", .boolean, default: .bool(true), "drop NaN and infinities"),
                .optional("requireKnownUnit", .boolean, default: .bool(true), "drop unknown unit codes"),
                .optional("units", .choices(SensorUnit.allKnown.map(\.name)), default: .null, "units kept (all when absent)"),
            ],
            check: { parameters in
                guard let minimum = try? parameters.optionalNumber("min"), let maximum = try? parameters.optionalNumber("max"),
                    minimum > maximum
                else { return [] }
                return [ComponentParameterError(parameter: "max", message: "(\(maximum)) must not be below \"min\" (\(minimum))")]
            }
        ) { parameters in
            let minimum = try parameters.optionalNumber("min")
            let maximum = try parameters.optionalNumber("max")
            var units: Set<SensorUnit>? = nil
            if parameters.values["units"] != nil, parameters.values["units"] != .null {
                units = Set(try parameters.strings("units").compactMap { SensorUnit(name: $0) })
            }
            return RecordFilterStage(
                minimum: minimum, maximum: maximum, requireFinite: try parameters.boolean("requireFinite"),
                requireKnownUnit: try parameters.boolean("requireKnownUnit"), allowedUnits: units)
        }
        try register(
            "window-aggregate", role: .stage, summary: "Per-sensor mean/min/max/count over tumbling windows, in any order within a lateness.",
            parameters: [
                .optional("windowMs", .integer(1...(366 * 86_400_000)), default: .integer(60_000), "window length in ms"),
                .optional("allowedLatenessMs", .integer(0...(366 * 86_400_000)), default: .integer(0),
                    "how long past a window's end, by its sensor's latest timestamp, late readings still join it"),
                .optional("statistics", .choices(WindowedAggregateStage.Statistic.allCases.map(\.rawValue)),
                    default: .array(WindowedAggregateStage.Statistic.allCases.map { .string($0.rawValue) }),
                    "statistics emitted per window, in order"),
            ]
        ) { parameters in
            WindowedAggregateStage(
                windowNanoseconds: Int64(try parameters.integer("windowMs")) * 1_000_000,
                allowedLatenessNanoseconds: Int64(try parameters.integer("allowedLatenessMs")) * 1_000_000,
                statistics: try parameters.strings("statistics").compactMap { WindowedAggregateStage.Statistic(rawValue: $0) })
        }
        try register(
            "arena", role: .sink, summary: "Appends every record to a RecordArena.",
            parameters: [.optional("byteLimit", .integer(0...Int64.max), default: .null, "most bytes the arena may hold")]
        ) { parameters in
            var limit: Int? = nil
            if parameters.values["byteLimit"] != .null { limit = try parameters.integer("byteLimit") }
            return RecordArenaSink(byteLimit: limit)
        }
        try register(
            "csv-writer", role: .sink, summary: "Writes records as sensor_id,timestamp,value,unit CSV.",
            parameters: [.required("path", .string, "the file to create or truncate")]
        ) { parameters in
            CSVRecordSink(path: try parameters.string("path"))
        }
        try registerArrowWriter()
        try registerParquetWriter()
        try registerSnapshotComponents()
    }
}
