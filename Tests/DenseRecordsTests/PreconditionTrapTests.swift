import DenseRecords
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

// Every documented precondition of the public API traps, as Array's index
// check does. Each case runs in a child process of its own (an exit test);
// the arena's and the snapshot view's index traps are in their own suites.

private final class SelfContradictingStage: AuditedComponent {
    let auditContext: AuditContext
    @Audited(.nonNegative) var backlog = -1
    init(log: ChangeLog) { auditContext = AuditContext(log: log, componentName: "contradiction") }
}

@Suite("Precondition traps")
struct PreconditionTrapTests {
    // MARK: Pipelines

    @Test("A pipeline with no sink traps")
    func pipelineWithoutSink() async {
        await #expect(processExitsWith: .failure) {
            _ = Pipeline(source: .init("s", SyntheticRecordSource(recordCount: 1)), sinks: [])
        }
    }

    @Test("A pipeline batch size below 1 traps")
    func pipelineBatchSize() async {
        await #expect(processExitsWith: .failure) {
            _ = Pipeline(source: .init("s", SyntheticRecordSource(recordCount: 1)), sinks: [.init("a", RecordArenaSink())], batchSize: 0)
        }
    }

    @Test("Two pipeline components with one name trap")
    func pipelineDuplicateNames() async {
        await #expect(processExitsWith: .failure) {
            _ = Pipeline(source: .init("x", SyntheticRecordSource(recordCount: 1)), sinks: [.init("x", RecordArenaSink())])
        }
    }

    @Test("Running a pipeline twice traps")
    func pipelineRunsOnce() async {
        await #expect(processExitsWith: .failure) {
            let pipeline = Pipeline(source: .init("s", SyntheticRecordSource(recordCount: 3)), sinks: [.init("a", RecordArenaSink())])
            _ = try? await pipeline.run()
            _ = try? await pipeline.run()
        }
    }

    @Test("A spec error with no issue traps")
    func emptySpecError() async {
        await #expect(processExitsWith: .failure) {
            _ = PipelineSpecError(issues: [])
        }
    }

    @Test("Negative counts in stage reports and rejection counts trap")
    func negativeCounts() async {
        await #expect(processExitsWith: .failure) {
            var report = StageReport()
            report.absorb(-1)
        }
        await #expect(processExitsWith: .failure) {
            var report = StageReport()
            report.emit(-1)
        }
        await #expect(processExitsWith: .failure) {
            var counts = RejectionCounts()
            counts.add(-1, reason: "x")
        }
        await #expect(processExitsWith: .failure) {
            _ = RejectionCounts(["x": -1])
        }
    }

    // MARK: Components

    @Test("Impossible component configurations trap")
    func componentConfigurations() async {
        await #expect(processExitsWith: .failure) { _ = SyntheticRecordSource(recordCount: -1) }
        await #expect(processExitsWith: .failure) { _ = SyntheticRecordSource(recordCount: 1, sensorCount: 0) }
        await #expect(processExitsWith: .failure) { _ = SyntheticRecordSource(recordCount: 1, gapProbability: 1.5) }
        await #expect(processExitsWith: .failure) { _ = RecordFilterStage(minimum: 2, maximum: 1) }
        await #expect(processExitsWith: .failure) { _ = WindowedAggregateStage(windowNanoseconds: 0) }
        await #expect(processExitsWith: .failure) { _ = WindowedAggregateStage(windowNanoseconds: 1, statistics: []) }
        await #expect(processExitsWith: .failure) { _ = CSVRecordSource(path: "x.csv", bufferBytes: 63) }
        await #expect(processExitsWith: .failure) { _ = CSVRecordSource(path: "x.csv", maxLineBytes: 200, bufferBytes: 100) }
    }

    @Test("Writing to a sink, or reading a source, before open() traps")
    func useBeforeOpen() async {
        await #expect(processExitsWith: .failure) {
            let batch = RecordBatch(capacity: 1)
            try? await RecordArenaSink().write(batch)
        }
        await #expect(processExitsWith: .failure) {
            let batch = RecordBatch(capacity: 1)
            try? await CSVRecordSink(path: "/tmp/never-opened.csv").write(batch)
        }
        await #expect(processExitsWith: .failure) {
            let batch = RecordBatch(capacity: 1)
            try? await ArrowRecordSink(path: "/tmp/never-opened.arrow").write(batch)
        }
        await #expect(processExitsWith: .failure) {
            var batch = RecordBatch(capacity: 1)
            _ = try? await CSVRecordSource(path: "/tmp/never-opened.csv").nextBatch(into: &batch)
        }
    }

    // MARK: Batches

    @Test("RecordBatch misuse traps: zero capacity, appending when full, reading past the end")
    func recordBatch() async {
        await #expect(processExitsWith: .failure) { _ = RecordBatch(capacity: 0) }
        await #expect(processExitsWith: .failure) {
            var batch = RecordBatch(capacity: 1)
            batch.append(SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 0, unit: .count))
            batch.append(SensorRecord(sensorID: 2, timestampNanoseconds: 0, value: 0, unit: .count))
        }
        await #expect(processExitsWith: .failure) {
            let batch = RecordBatch(capacity: 4)
            _ = batch[0]
        }
    }

    // MARK: Metrics and snapshots

    @Test("A change log without capacity traps")
    func changeLogCapacity() async {
        await #expect(processExitsWith: .failure) { _ = ChangeLog(capacity: 0) }
    }

    @Test("An audited attribute whose initial value breaks its own rule traps")
    func auditedInitialValue() async {
        await #expect(processExitsWith: .failure) {
            _ = SelfContradictingStage(log: ChangeLog(capacity: 4))
        }
    }

    @Test("A batch with negative records or latency traps")
    func negativeBatch() async {
        await #expect(processExitsWith: .failure) {
            MonitoredPipelineStage(name: "s", log: ChangeLog(capacity: 4)).recordBatch(records: -1, latency: .zero)
        }
        await #expect(processExitsWith: .failure) {
            MonitoredPipelineStage(name: "s", log: ChangeLog(capacity: 4)).recordBatch(records: 1, latency: .milliseconds(-1))
        }
    }

    @Test("Reading a mapped snapshot past its end, or verifying a block it lacks, traps")
    func mappedSnapshotIndexes() async {
        await #expect(processExitsWith: .failure) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("trap-\(getpid()).drsnap").path
            let arena = RecordArena()
            try? arena.append(SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 0, unit: .count))
            _ = try? arena.writeSnapshot(to: path)
            guard let view = try? MappedSnapshot(contentsOf: path) else { return }
            unlink(path)
            _ = view[1]
        }
        await #expect(processExitsWith: .failure) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("trap-\(getpid()).drsnap").path
            _ = try? RecordArena().writeSnapshot(to: path)
            guard let view = try? MappedSnapshot(contentsOf: path) else { return }
            unlink(path)
            try? view.verifyBlock(0)
        }
    }

    @Test("Snapshot blocks of zero records trap")
    func snapshotBlockSize() async {
        await #expect(processExitsWith: .failure) { _ = SnapshotWriteOptions(recordsPerBlock: 0) }
    }
}
