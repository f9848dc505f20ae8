import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

/// `validate` and `run` agree: every precondition of a built-in component's
/// initializer is checked by spec validation, so what validates builds, and
/// what does not validate is reported under the entry and parameter.
@Suite("Spec integrity")
struct SpecIntegrityTests {
    let builder = PipelineBuilder(registry: .builtIn)

    func spec(source: String = #"{"component": "synthetic", "parameters": {"records": 10}}"#, stages: String = "[]",
              sinks: String = #"[{"component": "arena"}]"#) -> String {
        #"{"source": \#(source), "stages": \#(stages), "sinks": \#(sinks)}"#
    }

    /// The issues `validate` reports, after checking that `build` reports the same ones.
    func agreedIssues(_ json: String) -> [PipelineSpecIssue] {
        let validated = builder.validate(json: json)
        do {
            _ = try builder.build(json: json)
            #expect(validated.isEmpty, "build accepted what validate refused: \(validated)")
        } catch {
            #expect(error.issues == validated, "validate and build disagree")
        }
        return validated
    }

    // MARK: 3. validate and run agree

    @Test func filterMinimumAboveMaximumIsRefusedByValidate() {
        let issues = agreedIssues(spec(stages: #"[{"component": "validate", "parameters": {"min": 5, "max": 1}}]"#))
        #expect(issues.map(\.location) == ["stages[0].parameters.max"])
        #expect(issues.first?.requirement == "max")
        #expect(issues.first?.message == #"parameter "max" (1.0) must not be below "min" (5.0)"#)
    }

    @Test func csvLineLongerThanTheBufferAllowsIsRefusedByValidate() {
        let issues = agreedIssues(spec(
            source: #"{"component": "csv-reader", "parameters": {"path": "x.csv", "maxLineBytes": 8000, "bufferBytes": 8000}}"#))
        #expect(issues.map(\.location) == ["source.parameters.maxLineBytes"])
        #expect(issues.first?.message.contains("at most 7998") == true)
    }

    @Test func aCheckRegisteredWithAFactoryRunsInValidation() throws {
        var registry = ComponentRegistry()
        try registry.register(
            "pair", role: .sink, parameters: [.optional("low", .integer(), default: .integer(0)), .optional("high", .integer(), default: .integer(1))],
            check: { parameters in
                (try? parameters.integer("low")).flatMap { low in (try? parameters.integer("high")).map { low < $0 } } == false
                    ? [ComponentParameterError(parameter: "high", message: "must be above \"low\"")] : []
            }
        ) { _ in RecordArenaSink() }
        let issues = PipelineBuilder(registry: registry).validate(json: """
            {"source": {"component": "pair"}, "sinks": [{"component": "pair", "parameters": {"low": 3, "high": 3}}]}
            """)
        #expect(issues.map(\.location).contains("sinks[0].parameters.high"))
        #expect(registry.factory(named: "pair")?.problems(with: ComponentParameters(["low": .integer(1), "high": .integer(2)])) == [])
    }

    /// Edge values of every built-in parameter: a spec that validates must
    /// also build, without trapping. Runs in a child process so a trap fails
    /// this test instead of ending the suite.
    @Test func everyBuiltInSpecThatValidatesBuildsWithoutTrapping() async {
        await #expect(processExitsWith: .success) {
            let builder = PipelineBuilder(registry: .builtIn)
            let sources = [
                #"{"component": "synthetic", "parameters": {"records": 0, "sensors": 1, "intervalMs": 1, "gapProbability": 0}}"#,
                #"{"component": "synthetic", "parameters": {"records": 1000000000000, "sensors": 1000000, "intervalMs": 86400000, "gapProbability": 0.999999}}"#,
                #"{"component": "synthetic", "parameters": {"startNanoseconds": 9223372036854775807, "seed": 9223372036854775807}}"#,
                #"{"component": "synthetic", "parameters": {"gapProbability": 1}}"#,
                #"{"component": "csv-reader", "parameters": {"path": "x", "maxLineBytes": 16, "bufferBytes": 4096}}"#,
                #"{"component": "csv-reader", "parameters": {"path": "x", "maxLineBytes": 4094, "bufferBytes": 4096}}"#,
                #"{"component": "csv-reader", "parameters": {"path": "x", "maxLineBytes": 4095, "bufferBytes": 4096}}"#,
                #"{"component": "csv-reader", "parameters": {"path": "x", "maxLineBytes": 67108864, "bufferBytes": 268435456}}"#,
            ]
            let stages = [
                #"{"component": "validate", "parameters": {"min": 1, "max": 1}}"#,
                #"{"component": "validate", "parameters": {"min": 2, "max": 1}}"#,
                #"{"component": "validate", "parameters": {"min": -1e308, "max": 1e308, "units": ["celsius"]}}"#,
                #"{"component": "window-aggregate", "parameters": {"windowMs": 1, "statistics": ["max"]}}"#,
                #"{"component": "window-aggregate", "parameters": {"windowMs": 31622400000, "statistics": ["min", "mean", "max"]}}"#,
                #"{"component": "window-aggregate", "parameters": {"statistics": ["min", "min"]}}"#,
            ]
            let sinks = [
                #"{"component": "arena", "parameters": {"byteLimit": 0}}"#,
                #"{"component": "arena", "parameters": {"byteLimit": 9223372036854775807}}"#,
                #"{"component": "csv-writer", "parameters": {"path": "out.csv"}}"#,
                #"{"component": "arrow-writer", "parameters": {"path": "out.arrow", "batchSize": 1}}"#,
            ]
            for source in sources {
                for stage in stages {
                    for sink in sinks {
                        let json = Data(#"{"source": \#(source), "stages": [\#(stage)], "sinks": [\#(sink)]}"#.utf8)
                        let issues = builder.validate(json)
                        do throws(PipelineSpecError) {
                            _ = try builder.build(json)
                            if !issues.isEmpty { exit(2) }
                        } catch {
                            if error.issues != issues { exit(3) }
                        }
                    }
                }
            }
        }
    }

    // MARK: 1. gapProbability 1

    @Test func gapProbabilityOneIsRefusedByValidate() {
        let issues = agreedIssues(spec(source: #"{"component": "synthetic", "parameters": {"gapProbability": 1}}"#))
        #expect(issues.map(\.location) == ["source.parameters.gapProbability"])
        #expect(issues.first?.message == #"parameter "gapProbability" must be in 0.0..<1.0, found 1.0"#)
    }

    @Test func syntheticSourceWithGapProbabilityOneTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SyntheticRecordSource(recordCount: 1, gapProbability: 1)
        }
    }

    /// Nearly every reading is a silence: each call must still come back to
    /// the runner, so cancelling the run ends it. The child process gives up
    /// after 60 s, so a regression fails instead of hanging the suite.
    @Test func aRunOfAlmostOnlySilencesCanBeCancelled() async {
        await #expect(processExitsWith: .success) {
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 60)
                exit(4)
            }
            let run = Task { () -> PipelineOutcome in
                let pipeline = Pipeline(
                    source: .init("synthetic", SyntheticRecordSource(recordCount: 10, gapProbability: 1 - 1e-15)),
                    sinks: [.init("arena", RecordArenaSink())], batchSize: 10)
                do throws(PipelineRunError) {
                    return try await pipeline.run().outcome
                } catch {
                    return error.summary.outcome
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
            run.cancel()
            if await run.value != .cancelled { exit(5) }
        }
    }

    // MARK: 2. Arithmetic bounds

    @Test func syntheticParameterProblemsNameTheParameterAndTheBound() {
        let problems = SyntheticRecordSource.parameterProblems(
            records: 10, sensors: 16, intervalMilliseconds: 9_300_000_000_000, gapProbability: 1)
        #expect(problems.map(\.description) == [
            #"parameter "intervalMs" must be in 1...86400000, found 9300000000000"#,
            #"parameter "gapProbability" must be in 0.0..<1.0, found 1.0"#,
        ])
        #expect(SyntheticRecordSource.parameterProblems(records: 0, sensors: 1, intervalMilliseconds: 1, gapProbability: 0).isEmpty)
    }

    @Test func syntheticTimestampsBeyondInt64StopTheRunInsteadOfWrapping() async throws {
        // One sensor reporting daily, starting 1.16 days before the last Int64 nanosecond.
        let start = Int64.max - 100_000_000_000_000
        let sink = CollectingRecordSink()
        let pipeline = Pipeline(
            source: .init("synthetic", SyntheticRecordSource(
                recordCount: 10, sensorCount: 1, intervalNanoseconds: 86_400_000_000_000, startNanoseconds: start, gapProbability: 0)),
            sinks: [.init("collect", sink)])
        do {
            let summary = try await pipeline.run()
            Issue.record("the run completed with \(summary.recordsOut) records; timestamps must have wrapped")
        } catch {
            guard case let .sourceFailed(message) = error.summary.outcome else {
                Issue.record("unexpected outcome \(error.summary.outcome)")
                return
            }
            #expect(message.contains("passed the largest Int64 nanosecond"))
            // The records before the limit are delivered, and none wrapped around.
            #expect(!sink.records.isEmpty)
            #expect(sink.records.allSatisfy { $0.timestampNanoseconds >= start })
        }
    }

    // MARK: 7. Repeats and empty names

    @Test func repeatedStatisticsAreRefused() {
        let issues = agreedIssues(spec(stages: #"[{"component": "window-aggregate", "parameters": {"statistics": ["mean", "max", "mean"]}}]"#))
        #expect(issues.map(\.location) == ["stages[0].parameters.statistics"])
        #expect(issues.first?.message == #"parameter "statistics" lists "mean" twice; name each at most once"#)
    }

    @Test func windowedAggregateWithARepeatedStatisticTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = WindowedAggregateStage(windowNanoseconds: 1, statistics: [.mean, .mean])
        }
    }

    @Test func emptyEntryNamesAndComponentsAreRefused() {
        let issues = builder.validate(json: spec(
            stages: #"[{"component": "validate", "name": ""}]"#, sinks: #"[{"component": ""}]"#))
        #expect(issues.map(\.location) == ["stages[0].name", "sinks[0].component"])
        #expect(issues.first?.message.hasPrefix("must not be empty") == true)
    }

    // MARK: 9. Documented traps keep their messages in release builds

    /// `precondition` drops its message in `-O` builds; the documented
    /// precondition paths of these files use `require` / `requirementFailed`.
    @Test func documentedTrapsDoNotUsePrecondition() throws {
        let files = [
            "PipelineSpec.swift", "PipelineSpecIssue.swift", "PipelineBuilder.swift", "ComponentRegistry.swift",
            "ComponentRegistry+BuiltIns.swift", "ComponentParameters.swift", "JSONValue.swift", "SpecJSONReader.swift",
            "Components/SyntheticRecordSource.swift", "Components/RecordFilterStage.swift",
            "Components/WindowedAggregateStage.swift", "Components/RecordArenaSink.swift",
        ]
        let folder = repositoryRoot.appendingPathComponent("Sources/DenseRecordsPipeline")
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let uses = text.split(separator: "\n").filter { $0.contains("precondition(") || $0.contains("preconditionFailure(") }
            #expect(uses.isEmpty, "\(file) uses precondition, whose message -O builds drop: \(uses)")
        }
    }

    @Test func aTrapPrintsItsMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = RecordFilterStage(minimum: 5, maximum: 1)
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("RecordFilterStage: minimum (5.0) must not exceed maximum (1.0)"), "\(text)")
    }
}
