import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Testing

/// A sink that records the calls it gets and fails the one it is told to.
final class ScriptedSink: RecordSink {
    enum Step: Equatable { case commit, close }
    struct Failure: Error, CustomStringConvertible {
        var description: String { "the disk is full" }
    }

    let failing: Step?
    private(set) var written = 0
    private(set) var calls: [Step] = []

    init(failing: Step? = nil) { self.failing = failing }

    func write(_ batch: borrowing RecordBatch) async throws { written += batch.count }

    func commit() async throws {
        calls.append(.commit)
        if failing == .commit { throw Failure() }
    }

    func close() async throws {
        calls.append(.close)
        if failing == .close { throw Failure() }
    }
}

@Suite("Sinks commit only a completed run, and records count as written only once flushed")
struct SinkCommitTests {
    static let input = (0..<10).map { record($0) }

    @Test("A completed run commits every sink, then closes it")
    func completedRunCommits() async throws {
        let sink = ScriptedSink()
        let pipeline = Pipeline(source: .init("memory", InMemoryRecordSource(Self.input)), sinks: [.init("out", sink)])
        let summary = try await pipeline.run()
        #expect(sink.calls == [.commit, .close])
        #expect(summary.recordsOut == 10 && summary.unprocessed == 0 && summary.isBalanced)
    }

    @Test("A failed run closes its sinks without committing them")
    func failedRunDoesNotCommit() async throws {
        let sink = ScriptedSink()
        let pipeline = Pipeline(
            source: .init("memory", InMemoryRecordSource(Self.input)),
            stages: [.init("refuse", ThrowingStage { _ in true })], sinks: [.init("out", sink)])
        await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        #expect(sink.calls == [.close])
    }

    @Test("A failed final flush moves the records from written to unprocessed", arguments: [ScriptedSink.Step.commit, .close])
    func failedFlushIsNotWritten(step: ScriptedSink.Step) async throws {
        let failing = ScriptedSink(failing: step)
        let healthy = ScriptedSink()
        let pipeline = Pipeline(
            source: .init("memory", InMemoryRecordSource(Self.input)),
            sinks: [.init("healthy", healthy), .init("full", failing)])
        let error = await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        let summary = try #require(error?.summary)
        #expect(summary.outcome == .sinkFailed(sink: "full", message: "could not \(step): the disk is full"))
        #expect(summary.recordsOut == 0)
        #expect(summary.unprocessed == 10)
        #expect(summary.isBalanced)
        #expect(summary.sinks.map(\.recordsWritten) == [10, 0])
    }

    @Test("When one sink fails to commit, the sinks after it are not committed")
    func laterSinksAreNotCommitted() async throws {
        let first = ScriptedSink(failing: .commit)
        let second = ScriptedSink()
        let pipeline = Pipeline(
            source: .init("memory", InMemoryRecordSource(Self.input)),
            sinks: [.init("first", first), .init("second", second)])
        await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        #expect(first.calls == [.commit, .close])
        #expect(second.calls == [.close])
    }
}

/// A sink that keeps nothing unless committed, as a file sink does.
final class DiscardingSink: RecordSink {
    private(set) var committed = 0
    private var pending = 0
    var discardsUncommittedRecords: Bool { true }
    func write(_ batch: borrowing RecordBatch) async throws { pending += batch.count }
    func commit() async throws { committed = pending }
}

@Suite("A failed run's discarded output")
struct DiscardedOutputTests {
    @Test("Records a discarding sink received in a failed run count as unprocessed, not written")
    func failedRunDiscards() async throws {
        let input = (0..<300).map { record($0) }
        let discarding = DiscardingSink()
        let keeping = CollectingRecordSink()
        let pipeline = Pipeline(
            source: .init("memory", InMemoryRecordSource(input)),
            stages: [.init("third", ThrowingStage { $0 == record(250) })],
            sinks: [.init("file", discarding), .init("kept", keeping)], batchSize: 100)
        let error = await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        let summary = try #require(error?.summary)
        #expect(discarding.committed == 0)
        #expect(keeping.records.count == 200)
        #expect(summary.recordsOut == 0)
        #expect(summary.sinks.map(\.recordsWritten) == [0, 200])
        #expect(summary.unprocessed == 300)
        #expect(summary.isBalanced)
    }
}

@Suite("A failed dead-letter sink")
struct DeadLetterCommitTests {
    @Test("A dead-letter sink that fails to commit takes back only the dead letters, not what every sink received")
    func deadLetterFailureKeepsWrittenRecords() async throws {
        let input = (0..<300).map { record($0) }
        let kept = CollectingRecordSink()
        let dead = ScriptedSink(failing: .commit)
        let pipeline = Pipeline(
            source: .init("memory", InMemoryRecordSource(input)),
            stages: [.init("second", ThrowingStage { $0 == record(150) })],
            sinks: [.init("kept", kept)], deadLetterSink: .init("dead", dead), batchSize: 100)
        let error = await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        let summary = try #require(error?.summary)
        #expect(kept.records.count == 200)
        #expect(summary.recordsOut == 200)
        #expect(summary.deadLettered == 0)
        #expect(summary.unprocessed == 100)
        #expect(summary.isBalanced)
    }
}
