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

@Suite("Pipeline runs")
struct PipelineRunTests {
    static let input = (0..<250).map(record)

    /// Fails on the batch holding records 100..<200 (batch size 100).
    static func failOnSecondBatch(_ record: SensorRecord) -> Bool { record == DenseRecordsTestSupport.record(150) }

    @Test func throwingStageUnderStopPolicyStopsWithExactCounts() async throws {
        let sink = CollectingRecordSink()
        let pipeline = Pipeline(
            source: .init("array", InMemoryRecordSource(Self.input)),
            stages: [.init("thrower", ThrowingStage(failWhen: Self.failOnSecondBatch))],
            sinks: [.init("collect", sink)], batchSize: 100)
        let error = await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        let summary = try #require(error?.summary)
        #expect(summary.outcome == .stageFailed(stage: "thrower", message: "the stage refused the batch"))
        #expect(summary.recordsIn == 200)
        #expect(summary.recordsOut == 100)
        #expect(summary.unprocessed == 100)
        #expect(summary.stages[0].unprocessed == 100)
        #expect(summary.stages[0].metrics.errorCount == 1)
        #expect(summary.stages[0].metrics.recordsProcessed == 100)
        #expect(sink.records == Array(Self.input[0..<100]))
        #expect(sink.isClosed)
        #expect(summary.isBalanced)
    }

    @Test func throwingStageUnderDeadLetterPolicyLosesNothing() async throws {
        let sink = CollectingRecordSink()
        let dead = CollectingRecordSink()
        let pipeline = Pipeline(
            source: .init("array", InMemoryRecordSource(Self.input)),
            stages: [.init("thrower", ThrowingStage(failWhen: Self.failOnSecondBatch))],
            sinks: [.init("collect", sink)], deadLetterSink: .init("dead", dead), batchSize: 100)
        let summary = try await pipeline.run()
        #expect(summary.outcome == .completed)
        #expect(summary.recordsIn == 250)
        #expect(summary.recordsOut == 150)
        #expect(summary.deadLettered == 100)
        #expect(summary.deadLetter?.recordsWritten == 100)
        #expect(summary.stages[0].metrics.errorCount == 1)
        // The dead letter holds the batch as it was before the stage scribbled on it.
        #expect(dead.records == Array(Self.input[100..<200]))
        #expect(sink.records == Array(Self.input[0..<100] + Self.input[200..<250]))
        #expect(summary.isBalanced)
    }

    @Test func deadLetterPolicyFromASpec() async throws {
        var registry = ComponentRegistry.builtIn
        try registry.register("thrower", role: .stage) { _ in ThrowingStage(failWhen: { $0.sensorID % 2 == 0 }) }
        let deadPath = temporaryPath("dead.csv")
        let pipeline = try PipelineBuilder(registry: registry).build(json: """
            {"batchSize": 10, "source": {"component": "synthetic", "parameters": {"records": 95, "sensors": 1}},
             "stages": [{"component": "thrower"}], "sinks": [{"component": "arena"}],
             "onStageError": {"policy": "deadLetter", "sink": {"component": "csv-writer", "parameters": {"path": "\(deadPath)"}}}}
            """)
        let summary = try await pipeline.run()
        // One sensor with an odd id: nothing fails.
        #expect(summary.recordsOut == 95)
        #expect(summary.deadLettered == 0)
        #expect(try String(contentsOfFile: deadPath, encoding: .utf8) == "sensor_id,timestamp,value,unit\n")
    }

    @Test func stageWhoseReportDoesNotAddUpIsAFailure() async throws {
        final class Sloppy: RecordStage {
            func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
                batch.removeAll { $0.value > 0 }  // drops records without accounting for them
                return .done
            }
        }
        let pipeline = Pipeline(source: .init("array", InMemoryRecordSource(Self.input)), stages: [.init("sloppy", Sloppy())],
            sinks: [.init("collect", CollectingRecordSink())], batchSize: 100)
        let error = await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        guard case let .stageFailed(stage, message)? = error?.summary.outcome else {
            Issue.record("expected a stage failure")
            return
        }
        #expect(stage == "sloppy")
        #expect(message.hasPrefix("its report does not add up: 100 in + 0 emitted != 35 out"))
        #expect(error?.summary.isBalanced == true)
    }

    @Test func sinkFailureStopsWithBalancedCounts() async throws {
        let pipeline = Pipeline(source: .init("array", InMemoryRecordSource(Self.input)),
            sinks: [.init("collect", CollectingRecordSink()), .init("flaky", FailingSink(failOn: 2))], batchSize: 100)
        let error = await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        let summary = try #require(error?.summary)
        #expect(summary.recordsIn == 200)
        #expect(summary.recordsOut == 100)
        #expect(summary.unprocessed == 100)
        #expect(summary.sinks.map(\.recordsWritten) == [200, 100])
        #expect(summary.isBalanced)
    }

    @Test func cancellationMidRunStopsCleanly() async throws {
        let (signals, continuation) = AsyncStream<Int>.makeStream()
        let log = SpyLog()
        let run = Task { () -> PipelineSummary? in
            let sink = CollectingRecordSink()
            let pipeline = Pipeline(
                source: .init("endless", SpySource(log: log, total: nil, signal: continuation)),
                stages: [.init("filter", RecordFilterStage())],
                sinks: [.init("collect", sink)], batchSize: 1_000)
            do throws(PipelineRunError) {
                _ = try await pipeline.run()
                return nil
            } catch {
                #expect(sink.records.count == error.summary.recordsOut)
                #expect(sink.isClosed)
                return error.summary
            }
        }
        var batches = 0
        for await _ in signals {
            batches += 1
            if batches == 3 { break }
        }
        run.cancel()
        let summary = try #require(await run.value)
        #expect(summary.outcome == .cancelled)
        #expect(summary.recordsIn >= 3_000)
        #expect(summary.recordsIn % 1_000 == 0)
        #expect(summary.isBalanced)
        #expect(log.opened.load(ordering: .relaxed) == 1)
        #expect(log.closed.load(ordering: .relaxed) == 1)
    }

    @Test func summaryJSONRoundTrips() async throws {
        let pipeline = Pipeline(source: .init("array", InMemoryRecordSource(Self.input)),
            stages: [.init("range", RecordFilterStage(minimum: 0))], sinks: [.init("collect", CollectingRecordSink())], batchSize: 64)
        let summary = try await pipeline.run()
        #expect(summary.rejected.byReason == [RecordFilterStage.Reason.belowMinimum: 34])
        let decoded = try JSONDecoder().decode(PipelineSummary.self, from: JSONEncoder().encode(summary))
        #expect(decoded == summary)
        #expect(summary.stages[0].metrics.batchesProcessed == 4)
    }
}
