import Synchronization
import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("Pipeline spec validation")
struct PipelineSpecValidationTests {
    let builder = PipelineBuilder(registry: .builtIn)

    @Test func validSpecHasNoIssues() {
        let issues = builder.validate(json: """
            {"source": {"component": "synthetic", "parameters": {"records": 10}},
             "stages": [{"component": "validate", "parameters": {"min": -10, "max": 10}}],
             "sinks": [{"component": "arena"}]}
            """)
        #expect(issues.isEmpty, "\(issues)")
    }

    @Test func unknownComponentNameIsReportedWithASuggestion() {
        let issues = builder.validate(json: """
            {"source": {"component": "synthetic"}, "stages": [{"component": "valdate"}], "sinks": [{"component": "arena"}]}
            """)
        #expect(issues.count == 1)
        let issue = try! #require(issues.first)
        #expect(issue.location == "stages[0].component")
        #expect(issue.role == .stage)
        #expect(issue.component == "valdate")
        #expect(issue.description == """
            stages[0].component: stage "valdate": unknown component "valdate"; did you mean "validate"? \
            Registered stage components: validate, window-aggregate
            """)
    }

    @Test func componentOfTheWrongRoleNamesTypeRoleAndProtocol() {
        let issues = builder.validate(json: """
            {"source": {"component": "synthetic"}, "stages": [{"component": "validate"}, {"component": "arena"}],
             "sinks": [{"component": "arena"}]}
            """)
        #expect(issues.count == 1)
        let issue = try! #require(issues.first)
        #expect(issue.location == "stages[1].component")
        #expect(issue.typeName == "RecordArenaSink")
        #expect(issue.requirement == "RecordStage")
        #expect(issue.description == """
            stages[1].component: stage "arena" (RecordArenaSink): RecordArenaSink is registered as a sink and does not \
            conform to RecordStage, which the stage role requires
            """)
    }

    @Test func missingRequiredParameterIsNamed() {
        let issues = builder.validate(json: """
            {"source": {"component": "csv-reader"}, "sinks": [{"component": "arena"}]}
            """)
        #expect(issues.map(\.description) == [
            #"source.parameters.path: source "csv-reader" (CSVRecordSource): required parameter "path" (a string) is missing"#
        ])
        #expect(issues.first?.requirement == "path")
    }

    @Test func twoErrorsAtOnceAreBothReportedInSpecOrder() {
        let issues = builder.validate(json: """
            {"source": {"component": "csv-reader", "parameters": {"path": "x.csv", "onMalformedLine": "ignore"}},
             "stages": [{"component": "validate", "parameters": {"max": "high"}}],
             "sinks": [{"component": "arena"}]}
            """)
        #expect(issues.map(\.description) == [
            #"source.parameters.onMalformedLine: source "csv-reader" (CSVRecordSource): parameter "onMalformedLine" must be one of "skip", "fail", found "ignore""#,
            #"stages[0].parameters.max: stage "validate" (RecordFilterStage): parameter "max" expects a number, found string "high""#,
        ])
    }

    @Test func shapeAndComponentProblemsAreReportedTogether() {
        let issues = builder.validate(json: """
            {"source": {"component": "nope"}, "sinks": [], "stages": [{"component": "validate", "parameters": {"mx": 3}}],
             "batchSize": 0, "extra": true}
            """)
        let locations = issues.map(\.location)
        #expect(locations == ["extra", "batchSize", "sinks", "source.component", "stages[0].parameters.mx"])
        #expect(issues.last?.message.contains(#"did you mean "max"?"#) == true)
    }

    @Test func crossParameterProblemsFromTheFactoryAreLocated() {
        #expect(throws: PipelineSpecError.self) {
            try builder.build(json: """
                {"source": {"component": "synthetic"}, "stages": [{"component": "validate", "parameters": {"min": 5, "max": 1}}],
                 "sinks": [{"component": "arena"}]}
                """)
        }
        do {
            _ = try builder.build(json: """
                {"source": {"component": "synthetic"}, "stages": [{"component": "validate", "parameters": {"min": 5, "max": 1}}],
                 "sinks": [{"component": "arena"}]}
                """)
        } catch {
            #expect(error.issues.map(\.location) == ["stages[0].parameters.max"])
            #expect(error.issues.first?.message == #"parameter "max" (1.0) must not be below "min" (5.0)"#)
        }
    }

    @Test func invalidJSONIsOneIssue() {
        let issues = builder.validate(json: "{\"source\": ")
        #expect(issues.count == 1)
        #expect(issues.first?.location == "(spec)")
        #expect(issues.first?.message.hasPrefix("is not valid JSON") == true)
    }

    @Test func deadLetterSinkIsCheckedLikeAnyOtherEntry() {
        let issues = builder.validate(json: """
            {"source": {"component": "synthetic"}, "sinks": [{"component": "arena"}],
             "onStageError": {"policy": "deadLetter", "sink": {"component": "validate"}}}
            """)
        #expect(issues.map(\.location) == ["onStageError.sink.component"])
        #expect(issues.first?.requirement == "RecordSink")
    }

    @Test func noSourceIsConstructedOrOpenedWhenValidationFails() async throws {
        let log = SpyLog()
        let builder = PipelineBuilder(registry: try registryWithSpy(log))
        // The source is fine; a later entry is not.
        let spec = """
            {"source": {"component": "spy", "parameters": {"total": 5}},
             "stages": [{"component": "arena"}], "sinks": [{"component": "arena"}]}
            """
        #expect(throws: PipelineSpecError.self) { try builder.build(json: spec) }
        #expect(log.constructed.load(ordering: .relaxed) == 0)
        #expect(log.opened.load(ordering: .relaxed) == 0)

        // The same spy, in a valid spec, is constructed at build and opened (and closed) only by the run.
        let pipeline = try builder.build(json: """
            {"source": {"component": "spy", "parameters": {"total": 5}}, "sinks": [{"component": "arena"}]}
            """)
        #expect(log.constructed.load(ordering: .relaxed) == 1)
        #expect(log.opened.load(ordering: .relaxed) == 0)
        let summary = try await pipeline.run()
        #expect(log.opened.load(ordering: .relaxed) == 1)
        #expect(log.closed.load(ordering: .relaxed) == 1)
        #expect(summary.recordsOut == 5)
    }
}

@Suite("Component registry")
struct PipelineComponentRegistryTests {
    @Test func registeringAProductThatDoesNotConformToItsRoleFails() {
        var registry = ComponentRegistry()
        #expect(throws: ComponentRegistrationError.doesNotConform(name: "bad", typeName: "CollectingRecordSink", role: .stage)) {
            try registry.register("bad", role: .stage) { _ in CollectingRecordSink() }
        }
        #expect(registry.factory(named: "bad") == nil)
    }

    @Test func duplicateNamesAndBadDefaultsAreRefused() throws {
        var registry = ComponentRegistry()
        try registry.register("sink", role: .sink) { _ in CollectingRecordSink() }
        #expect(throws: ComponentRegistrationError.duplicateName("sink")) {
            try registry.register("sink", role: .sink) { _ in CollectingRecordSink() }
        }
        #expect(throws: ComponentRegistrationError.self) {
            try registry.register("other", role: .sink, parameters: [.optional("n", .integer(1...3), default: .integer(9))]) { _ in
                CollectingRecordSink()
            }
        }
    }

    @Test func retroactiveConformanceIsSeenAtRegistration() throws {
        var registry = ComponentRegistry()
        try registry.register("legacy", role: .sink) { _ in LegacyCounter() }
        #expect(registry.factory(named: "legacy")?.productConforms(to: .sink) == true)
        #expect(registry.factory(named: "legacy")?.productConforms(to: .stage) == false)
    }
}

/// A type written without the pipeline in mind.
final class LegacyCounter {
    var total = 0
    func write(_ batch: borrowing RecordBatch) async throws { total += batch.count }
}

/// Retroactive conformance: the Swift counterpart of `RecordSink.register(LegacyCounter)`.
extension LegacyCounter: RecordSink {}
