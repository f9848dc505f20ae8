import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Testing

/// A stage that drops every record and reports nothing: the runner's balance
/// check must catch it, and so must the harness.
private final class SilentDropStage: RecordStage {
    func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        batch.removeAll()
        return .done
    }
}

/// A stage that holds every record back and releases them in `finish`, a few at
/// a time, so that the harness has to drain.
private final class HoldingStage: RecordStage {
    private var held: [SensorRecord] = []

    func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        held += batch.records
        report.absorb(batch.count)
        batch.removeAll()
        return .done
    }

    func finish(into batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        try await drain(into: &batch, report: &report)
    }

    func drain(into batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        while !batch.isFull, !held.isEmpty {
            batch.append(held.removeFirst())
            report.emit(1)
        }
        return held.isEmpty ? .done : .moreOutputPending
    }
}

@Suite("StageHarness")
struct StageHarnessTests {
    @Test("A filter stage's output and rejections match a reference filter", arguments: [1, 7, 64, 1_024])
    func filterMatchesReference(batchCapacity: Int) async throws {
        var generator = SeededRandomNumberGenerator(seed: UInt64(batchCapacity))
        let records = (0..<500).map { index in
            SensorRecord(
                sensorID: UInt32(index % 13), timestampNanoseconds: Int64(index),
                value: Double.random(in: -50...150, using: &generator), unit: .celsius)
        }
        let result = try await StageHarness(batchCapacity: batchCapacity)
            .run(RecordFilterStage(minimum: 0, maximum: 100), on: records)
        let expected = records.filter { (0...100).contains($0.value) }
        #expect(result.output == expected)
        #expect(result.rejected.total == records.count - expected.count)
        #expect(result.absorbed == 0 && result.emitted == 0)
    }

    @Test("A stage that drops records without reporting them fails with the balance named")
    func unbalancedStageIsCaught() async throws {
        let records = (0..<10).map { record($0) }
        do {
            _ = try await StageHarness(batchCapacity: 4).run(SilentDropStage(), on: records)
            Issue.record("the harness accepted a stage that lost records")
        } catch let error as StageHarnessError {
            #expect(error.call == .process && error.callNumber == 1)
            #expect(error.recordsIn == 4 && error.recordsOut == 0)
            #expect(error.description == "process call 1 does not add up: 4 in + 0 emitted != 0 out + 0 rejected + 0 absorbed")
        }
    }

    @Test("Held output comes back through finish and drain, in order")
    func drainsPendingOutput() async throws {
        let records = (0..<25).map { record($0) }
        let result = try await StageHarness(batchCapacity: 4).run(HoldingStage(), on: records)
        #expect(result.output == records)
        #expect(result.absorbed == 25 && result.emitted == 25)
        // 7 process calls, 1 finish, and 6 drains for the 25 records held (4 per batch).
        #expect(result.calls == 7 + 1 + 6)
    }

    @Test("The seeded generator replays: equal seeds, equal sequences; SplitMix64's published first value")
    func seededGeneratorReplays() {
        var a = SeededRandomNumberGenerator(seed: 1234567)
        var b = SeededRandomNumberGenerator(seed: 1234567)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        // SplitMix64 with seed 0 starts 0xE220A8397B1DCDAF (Vigna's reference implementation).
        var zero = SeededRandomNumberGenerator(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
    }
}

@Suite("In-memory source and collecting sink")
struct InMemoryComponentTests {
    @Test("A pipeline from an in-memory source to a collecting sink keeps every record")
    func roundTrip() async throws {
        let records = (0..<1_000).map { record($0) }
        let sink = CollectingRecordSink()
        let pipeline = Pipeline(
            source: .init("memory", InMemoryRecordSource(records)), sinks: [.init("collect", sink)], batchSize: 64)
        let summary = try await pipeline.run()
        #expect(summary.recordsOut == 1_000)
        #expect(sink.records == records)
        #expect(sink.isClosed)
    }
}
