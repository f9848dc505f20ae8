import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Synchronization

/// What was done to the spy sources of one test; each test has its own, so parallel tests do not interfere.
final class SpyLog: Sendable {
    let constructed = Atomic<Int>(0)
    let opened = Atomic<Int>(0)
    let closed = Atomic<Int>(0)
}

/// A source that records what was done to it, to prove validation opens nothing.
final class SpySource: RecordSource {
    let log: SpyLog
    let total: Int?
    let signal: AsyncStream<Int>.Continuation?
    private var produced = 0

    init(log: SpyLog, total: Int?, signal: AsyncStream<Int>.Continuation? = nil) {
        self.log = log
        self.total = total
        self.signal = signal
        log.constructed.add(1, ordering: .relaxed)
    }

    func open() async throws { log.opened.add(1, ordering: .relaxed) }
    func close() async { log.closed.add(1, ordering: .relaxed) }

    func nextBatch(into batch: inout RecordBatch) async throws -> Bool {
        if let total, produced >= total { return false }
        while !batch.isFull, total.map({ produced < $0 }) ?? true {
            batch.append(record(produced))
            produced += 1
        }
        signal?.yield(produced)
        return true
    }
}

/// Registers a spy source that reports to `log`, under `spy`, in a fresh copy of the built-ins.
func registryWithSpy(_ log: SpyLog) throws -> ComponentRegistry {
    var registry = ComponentRegistry.builtIn
    try registry.register("spy", role: .source, parameters: [.optional("total", .integer(0...Int64.max), default: .integer(10))]) { parameters in
        SpySource(log: log, total: try parameters.integer("total"))
    }
    return registry
}

/// A stage that throws on every batch containing a record whose sensor id is a multiple of `every`.
final class ThrowingStage: RecordStage {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "the stage refused the batch" }
    }
    let failWhen: @Sendable (SensorRecord) -> Bool
    private(set) var calls = 0

    init(failWhen: @escaping @Sendable (SensorRecord) -> Bool) { self.failWhen = failWhen }

    func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        calls += 1
        let shouldFail = batch.records.contains(where: failWhen)
        if shouldFail {
            // Scribble over the batch before throwing, to prove the dead letter gets the original.
            batch.withUnsafeMutableBufferPointer { records in
                for index in records.indices { records[index].value = -1 }
            }
            throw Failure()
        }
        return .done
    }
}

/// A sink that fails on its `failOn`-th write.
final class FailingSink: RecordSink {
    struct Failure: Error {}
    let failOn: Int
    private var writes = 0
    init(failOn: Int) { self.failOn = failOn }
    func write(_ batch: borrowing RecordBatch) async throws {
        writes += 1
        if writes == failOn { throw Failure() }
    }
}

extension PipelineBuilder {
    /// Validates a spec given as a JSON string.
    func validate(json: String) -> [PipelineSpecIssue] { validate(Data(json.utf8)) }
    /// Builds from a spec given as a JSON string.
    func build(json: String) throws(PipelineSpecError) -> Pipeline { try build(Data(json.utf8)) }
}
