import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

/// An actor that owns a pipeline in a stored property and runs it, which strict concurrency refuses unless `run()` is `nonisolated(nonsending)`.
actor IngestService {
    let pipeline: Pipeline
    private(set) var runs = 0

    init(pipeline: Pipeline) { self.pipeline = pipeline }

    func ingest() async throws -> PipelineSummary {
        runs += 1
        return try await pipeline.run()
    }

    func output() throws -> SealedRecords { try pipeline.output(of: "memory", as: SealedRecords.self) }
}

/// A stage whose audited metric goes to the pipeline's log under its spec name, through its factory's context.
final class CountingStage: RecordStage, AuditedComponent {
    let auditContext: AuditContext
    let role: ComponentRole
    @Audited(metric: .counter, .nonNegative) var recordsSeen = 0

    init(context: ComponentContext) {
        auditContext = context.auditContext
        role = context.role
    }

    func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        recordsSeen += batch.count
        return .done
    }
}

/// A stage registered with the one-argument factory, as before the context existed.
final class PassThroughStage: RecordStage {
    func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress { .done }
}

@Suite("Pipelines, actors, factory contexts and outputs")
struct PipelineIsolationTests {
    static func registry() throws -> ComponentRegistry {
        var registry = ComponentRegistry.builtIn
        try registry.register("counting", role: .stage) { _, context in CountingStage(context: context) }
        try registry.register("pass", role: .stage) { parameters in PassThroughStage() }
        return registry
    }

    static let spec = """
        { "batchSize": 100,
          "source": { "component": "synthetic", "parameters": { "records": 1234, "sensors": 5 } },
          "stages": [ { "component": "counting", "name": "tally" }, { "component": "pass" } ],
          "sinks": [ { "component": "arena", "name": "memory" } ] }
        """

    @Test("An actor owns a pipeline and runs it; its output is read through the actor")
    func actorOwnsAndRunsAPipeline() async throws {
        let pipeline = try PipelineBuilder(registry: Self.registry()).build(Data(Self.spec.utf8))
        let service = IngestService(pipeline: pipeline)
        let summary = try await service.ingest()
        #expect(summary.outcome == .completed && summary.isBalanced)
        #expect(summary.recordsOut == 1_234)
        let records = try await service.output()
        #expect(records.count == 1_234)
        #expect(await service.runs == 1)
    }

    @Test("A factory's context carries the pipeline's log, the entry's name and role")
    func factoryContext() async throws {
        let pipeline = try PipelineBuilder(registry: Self.registry()).build(Data(Self.spec.utf8))
        let stage = try #require(pipeline.stages.first?.component as? CountingStage)
        #expect(stage.auditContext.log === pipeline.changeLog)
        #expect(stage.auditContext.componentName == "tally")
        #expect(stage.role == .stage)
        // Declared with the pipeline: the attribute's name is registered before any change.
        #expect(pipeline.changeLog.attributeID(named: "recordsSeen") != nil)
        _ = try await pipeline.run()
        let events = pipeline.changeLog.events(component: "tally", attribute: "recordsSeen")
        #expect(events.last?.newValue == .integer(1_234))
        #expect(events.count == pipeline.stageMetrics[0].batchesProcessed)
    }

    @Test("Outputs: typed access by sink name, and a typed error for a wrong name, a wrong type or an incomplete run")
    func outputs() async throws {
        let pipeline = try PipelineBuilder(registry: Self.registry()).build(Data(Self.spec.utf8))
        #expect(throws: PipelineOutputError.runNotCompleted(outcome: nil)) {
            try pipeline.output(of: "memory", as: SealedRecords.self)
        }
        _ = try await pipeline.run()
        let records = try pipeline.output(of: "memory", as: SealedRecords.self)
        #expect(records.count == 1_234)
        // The same value again, not an empty second seal.
        #expect(try pipeline.output(of: "memory", as: SealedRecords.self).count == 1_234)
        #expect(throws: PipelineOutputError.unknownSink(name: "memroy", sinks: ["memory"])) {
            try pipeline.output(of: "memroy", as: SealedRecords.self)
        }
        #expect(throws: PipelineOutputError.wrongType(sink: "memory", requested: "RecordArena", available: ["SealedRecords"])) {
            try pipeline.output(of: "memory", as: RecordArena.self)
        }
        let error = PipelineOutputError.wrongType(sink: "memory", requested: "RecordArena", available: ["SealedRecords"])
        #expect(error.description == "sink \"memory\" produces SealedRecords, not RecordArena")
    }

    @Test("A sink that produces nothing, and a failed run, are typed errors")
    func outputErrors() async throws {
        let sink = CollectingRecordSink()
        let pipeline = Pipeline(source: .init("array", InMemoryRecordSource([])), sinks: [.init("collect", sink)])
        _ = try await pipeline.run()
        #expect(throws: PipelineOutputError.noOutput(sink: "collect", typeName: "CollectingRecordSink")) {
            try pipeline.output(of: "collect", as: SealedRecords.self)
        }
    }
}
